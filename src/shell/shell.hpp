// The shells jailed integrates with, and quoting for each.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace jailed::shell {

enum class Shell { bash, zsh, fish, json };

// Returns the shell named `name` (bash, zsh, fish, json), or nothing.
std::optional<Shell> parse_shell(std::string_view name);

// Quotes `text` as one word for `shell`, so any bytes (quotes, $(...), newlines,
// invalid UTF-8) stay data. For json, returns a JSON string literal.
std::string quote(Shell shell, std::string_view text);

// Returns `text` as one bash or zsh word that can be printed to a terminal: quote() when it
// holds no control, bidi or invisible character (util/terminal_text.hpp), otherwise an ANSI-C
// $'...' word with every byte outside printable ASCII written as \xHH, which pastes back as
// the same bytes.
std::string quote_visible(std::string_view text);

}  // namespace jailed::shell
