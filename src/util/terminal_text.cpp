#include "util/terminal_text.hpp"

#include <cstdio>

namespace jailed::util {
namespace {

// Decodes the UTF-8 sequence at the start of `text`; returns its length, or 0 when it is not
// valid (overlong forms, surrogates and code points past U+10FFFF are not).
size_t decode(std::string_view text, uint32_t& code) {
  auto byte = [&](size_t i) { return static_cast<unsigned char>(text[i]); };
  auto continuation = [&](size_t i, unsigned char low = 0x80, unsigned char high = 0xBF) {
    return i < text.size() && byte(i) >= low && byte(i) <= high;
  };
  unsigned char lead = byte(0);
  if (lead < 0x80) {
    code = lead;
    return 1;
  }
  if (lead >= 0xC2 && lead <= 0xDF && continuation(1)) {
    code = (lead & 0x1Fu) << 6 | (byte(1) & 0x3Fu);
    return 2;
  }
  if (lead >= 0xE0 && lead <= 0xEF) {
    unsigned char low = lead == 0xE0 ? 0xA0 : 0x80;
    unsigned char high = lead == 0xED ? 0x9F : 0xBF;
    if (!continuation(1, low, high) || !continuation(2)) return 0;
    code = (lead & 0x0Fu) << 12 | (byte(1) & 0x3Fu) << 6 | (byte(2) & 0x3Fu);
    return 3;
  }
  if (lead >= 0xF0 && lead <= 0xF4) {
    unsigned char low = lead == 0xF0 ? 0x90 : 0x80;
    unsigned char high = lead == 0xF4 ? 0x8F : 0xBF;
    if (!continuation(1, low, high) || !continuation(2) || !continuation(3)) return 0;
    code = (lead & 0x07u) << 18 | (byte(1) & 0x3Fu) << 12 | (byte(2) & 0x3Fu) << 6 | (byte(3) & 0x3Fu);
    return 4;
  }
  return 0;
}

// Returns the kind of a code point that can deceive, or nothing for an honest one.
std::optional<DeceptiveKind> classify(uint32_t code) {
  // C0, DEL and C1: a terminal acts on them (ESC starts sequences that move the cursor and
  // erase lines; U+009B is CSI itself on terminals that take 8-bit controls).
  if (code < 0x20 || (code >= 0x7F && code <= 0x9F)) return DeceptiveKind::control;
  // Bidirectional embeddings, overrides, isolates and marks (Trojan Source, CVE-2021-42574):
  // a path or value shows its characters in another order than they are stored.
  if ((code >= 0x202A && code <= 0x202E) || (code >= 0x2066 && code <= 0x2069) || code == 0x200E || code == 0x200F ||
      code == 0x061C) {
    return DeceptiveKind::bidi;
  }
  // Characters that display as nothing: zero-width spaces and joiners, word joiner and
  // invisible operators, the BOM, soft hyphen, line and paragraph separators, Hangul and
  // Khmer fillers, Mongolian selectors, interlinear annotations, musical format controls and
  // tags (which can carry a hidden text of their own).
  if ((code >= 0x200B && code <= 0x200D) || (code >= 0x2028 && code <= 0x2029) || (code >= 0x2060 && code <= 0x2065) ||
      (code >= 0x206A && code <= 0x206F) || code == 0xFEFF || code == 0x00AD || code == 0x034F || code == 0x115F ||
      code == 0x1160 || code == 0x17B4 || code == 0x17B5 || (code >= 0x180B && code <= 0x180F) || code == 0x3164 ||
      code == 0xFFA0 || (code >= 0xFFF9 && code <= 0xFFFB) || (code >= 0x1D173 && code <= 0x1D17A) ||
      (code >= 0xE0000 && code <= 0xE007F)) {
    return DeceptiveKind::invisible;
  }
  return std::nullopt;
}

// Returns the deceptive character at the start of `text`, whose length is `length` (0: an
// invalid byte) and code point `code`.
std::optional<Deceptive> inspect(std::string_view text, size_t length, uint32_t code) {
  char buf[16];
  if (length == 0) {
    std::snprintf(buf, sizeof buf, "\\x%02x", static_cast<unsigned char>(text[0]));
    return Deceptive{0, 1, DeceptiveKind::invalid, static_cast<unsigned char>(text[0]), buf};
  }
  auto kind = classify(code);
  if (!kind) return std::nullopt;
  if (code < 0x80) {
    std::snprintf(buf, sizeof buf, "\\x%02x", code);
  } else {
    std::snprintf(buf, sizeof buf, "\\u{%04x}", code);
  }
  return Deceptive{0, length, *kind, code, buf};
}

// Returns true for printable ASCII: most of any text, and never deceptive.
bool plain_ascii(char c) { return c >= 0x20 && c < 0x7F; }

}  // namespace

std::optional<Deceptive> find_deceptive(std::string_view text, std::string_view allowed) {
  size_t i = 0;
  while (i < text.size()) {
    // Launches check every line they parse: skip the common case without decoding.
    if (plain_ascii(text[i])) {
      ++i;
      continue;
    }
    uint32_t code = 0;
    size_t length = decode(text.substr(i), code);
    bool passes = length == 1 && allowed.find(text[i]) != std::string_view::npos;
    if (!passes) {
      if (auto found = inspect(text.substr(i), length, code)) {
        found->offset = i;
        return found;
      }
    }
    i += length == 0 ? 1 : length;
  }
  return std::nullopt;
}

std::string escape_deceptive(std::string_view text, std::string_view kept) {
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    if (plain_ascii(text[i])) {
      out += text[i++];
      continue;
    }
    uint32_t code = 0;
    size_t length = decode(text.substr(i), code);
    bool passes = length == 1 && kept.find(text[i]) != std::string_view::npos;
    auto found = passes ? std::nullopt : inspect(text.substr(i), length, code);
    if (found) {
      out += found->shown;
      i += found->length;
    } else {
      out.append(text.substr(i, length));
      i += length;
    }
  }
  return out;
}

std::string describe(const Deceptive& character) {
  switch (character.kind) {
    case DeceptiveKind::control:
      return "the control character " + character.shown;
    case DeceptiveKind::bidi:
      return "the bidirectional control " + character.shown;
    case DeceptiveKind::invisible:
      return "the invisible character " + character.shown;
    case DeceptiveKind::invalid:
      return "the byte " + character.shown + ", which is not UTF-8";
  }
  return character.shown;
}

}  // namespace jailed::util
