// Characters that can make text on a terminal lie (controls, escape sequences, bidirectional
// overrides, invisible format characters): finding them, and escaping them before printing.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace jailed::util {

// What kind of character can deceive a reader.
enum class DeceptiveKind {
  control,    // C0 or C1 control, DEL: escape sequences, carriage returns, line erasers
  bidi,       // a bidirectional control: text displays in another order than it is stored
  invisible,  // a format or filler character that displays as nothing
  invalid,    // a byte that is not part of valid UTF-8 (0x9B alone is CSI on some terminals)
};

// One deceptive character in a text.
struct Deceptive {
  size_t offset = 0;   // byte offset of the character
  size_t length = 1;   // its length in bytes
  DeceptiveKind kind = DeceptiveKind::control;
  uint32_t code = 0;   // its code point (the byte itself when invalid)
  std::string shown;   // how escape_deceptive writes it: "\x1b", "\u{202e}"
};

// Returns the first deceptive character of `text`, or nothing. Bytes listed in `allowed`
// ("\t", say) are not counted.
std::optional<Deceptive> find_deceptive(std::string_view text, std::string_view allowed = "");

// Returns `text` with every deceptive character written as an escape, \xHH for a byte (a
// control, invalid UTF-8) or \u{XXXX} for a code point; bytes listed in `kept` (such as "\n")
// pass as they are. Everything else, other UTF-8 included, is unchanged: this is what may
// reach a terminal of text jailed did not write itself.
std::string escape_deceptive(std::string_view text, std::string_view kept = "");

// Returns a few words naming the kind of `character`, for messages ("a bidirectional control").
std::string describe(const Deceptive& character);

}  // namespace jailed::util
