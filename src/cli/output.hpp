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

// Prints "jailed: MESSAGE" to stderr.
void info(const std::string& message);

// Prints "jailed: warning: MESSAGE" to stderr.
void warn(const std::string& message);

// Prints "jailed: error: MESSAGE" to stderr.
void error(const std::string& message);

// Returns `path` for messages: $HOME shortened to ~, unprintable bytes escaped.
std::string display_path(const std::string& path);

// Returns a JSON string literal for `text`.
std::string json_string(std::string_view text);

// Returns a JSON array of string literals.
std::string json_list(const std::vector<std::string>& items);

}  // namespace jailed::cli
