// Small string helpers with no knowledge of jailed.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace jailed::util {

// Splits `text` at every `sep`; keeps empty fields.
std::vector<std::string> split(std::string_view text, char sep);

// Joins `parts` with `sep` between them.
std::string join(const std::vector<std::string>& parts, std::string_view sep);

// Returns `text` without leading and trailing blanks (space, tab, CR).
std::string_view trim(std::string_view text);

// Returns true if `text` starts with `prefix`.
inline bool starts_with(std::string_view text, std::string_view prefix) { return text.substr(0, prefix.size()) == prefix; }

// Appends TAG LENGTH ':' VALUE '\n' to `out`: the length keeps fields unambiguous whatever
// bytes they hold, so hashed material built this way cannot be forged across fields.
void append_field(std::string& out, std::string_view tag, std::string_view value);

// Returns unix time `seconds` as a local "YYYY-MM-DD HH:MM", for messages.
std::string local_date(int64_t seconds);

// Returns lowercase hex of `bytes`.
std::string to_hex(std::string_view bytes);

// Returns true if `text` is valid UTF-8.
bool is_valid_utf8(std::string_view text);

// Renders `text` for a message, in double quotes: " and \ escaped, deceptive characters
// (terminal_text.hpp) as \xHH or \u{XXXX}, any other character as it is.
std::string printable(std::string_view text);

}  // namespace jailed::util
