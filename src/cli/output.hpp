// How jailed talks to the user: prefixed stderr lines, colour only where wanted.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace jailed::cli {

// Returns true if colour may be written to `fd`: a terminal, NO_COLOR unset, TERM not dumb.
bool color_enabled(int fd);

// Wraps `text` in an ANSI style ("1" bold, "31" red, "33" yellow, "32" green) when colour is on for stderr.
std::string styled(std::string_view text, const char* sgr);

// Prints "jailed: MESSAGE" to stderr. Here and in warn() and error(), deceptive characters
// of MESSAGE (util/terminal_text.hpp) are escaped, all but line breaks and tabs.
void info(const std::string& message);

// Prints "jailed: TEXT" to stderr as it is: for text already escaped with shown() and then
// styled (allow's coloured diff).
void info_styled(const std::string& escaped);

// Prints "jailed: warning: MESSAGE" to stderr.
void warn(const std::string& message);

// Prints "jailed: error: MESSAGE" to stderr.
void error(const std::string& message);

// Writes `text` to stdout with its deceptive characters escaped, all but line breaks and tabs
// (util::escape_deceptive): for reports that show paths and values from a .jailed.
void print_out(std::string_view text);

// Returns `path` for messages: $HOME shortened to ~; quoted, with deceptive characters
// escaped, when it holds any.
std::string display_path(const std::string& path);

// Returns text that jailed did not write itself (a value, a line of a file, a path) safe to
// print: every deceptive character escaped (util::escape_deceptive), line breaks included.
std::string shown(std::string_view text);

// Returns a JSON string literal for `text`.
std::string json_string(std::string_view text);

// Returns a JSON array of string literals.
std::string json_list(const std::vector<std::string>& items);

}  // namespace jailed::cli
