// Quoting for each shell: whatever bytes a path or value holds, the shell sees one literal word.
#include "shell/shell.hpp"

#include <cstdio>

#include "util/terminal_text.hpp"

namespace jailed::shell {
namespace {

// Bytes no shell gives a meaning to anywhere in a word, except as noted by the callers.
bool is_safe_byte(unsigned char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  switch (c) {
    case '_': case '.': case '/': case ':': case ',': case '+': case '=': case '@': case '%': case '-':
      return true;
    default:
      return false;
  }
}

bool all_safe(std::string_view text) {
  for (char c : text) {
    if (!is_safe_byte(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

// Single quotes make every byte literal in bash and zsh (newlines, invalid UTF-8 included);
// only the quote itself needs closing, escaping and reopening. A leading '=' is quoted
// because zsh's EQUALS option expands `=cmd` to the path of cmd.
std::string quote_posix(std::string_view text) {
  if (!text.empty() && text[0] != '=' && all_safe(text)) return std::string(text);
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  out += '\'';
  return out;
}

// fish's \XHH writes one raw byte, so invalid UTF-8 survives where a quoted string would be
// decoded and re-encoded. '%' is escaped because fish still expands a bare `%self`.
std::string quote_fish(std::string_view text) {
  if (text.empty()) return "''";
  std::string out;
  for (char c : text) {
    auto byte = static_cast<unsigned char>(c);
    if (is_safe_byte(byte) && byte != '%') {
      out += c;
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\X%02X", byte);
      out += buf;
    }
  }
  return out;
}

// Returns the length of the valid UTF-8 sequence at the start of `text`, or 0 if there is none
// (overlong forms, surrogates and code points past U+10FFFF are invalid).
size_t utf8_sequence_length(std::string_view text) {
  auto byte = [&](size_t i) { return static_cast<unsigned char>(text[i]); };
  auto continuation = [&](size_t i, unsigned char low = 0x80, unsigned char high = 0xBF) {
    return i < text.size() && byte(i) >= low && byte(i) <= high;
  };
  unsigned char lead = byte(0);
  if (lead < 0x80) return 1;
  if (lead >= 0xC2 && lead <= 0xDF) return continuation(1) ? 2 : 0;
  if (lead >= 0xE0 && lead <= 0xEF) {
    unsigned char low = lead == 0xE0 ? 0xA0 : 0x80;
    unsigned char high = lead == 0xED ? 0x9F : 0xBF;
    return continuation(1, low, high) && continuation(2) ? 3 : 0;
  }
  if (lead >= 0xF0 && lead <= 0xF4) {
    unsigned char low = lead == 0xF0 ? 0x90 : 0x80;
    unsigned char high = lead == 0xF4 ? 0x8F : 0xBF;
    return continuation(1, low, high) && continuation(2) && continuation(3) ? 4 : 0;
  }
  return 0;
}

// Returns the JSON escape of code point `code`: a surrogate pair above U+FFFF.
std::string json_escape(uint32_t code) {
  char buf[16];
  if (code <= 0xFFFF) {
    std::snprintf(buf, sizeof buf, "\\u%04x", code);
  } else {
    code -= 0x10000;
    std::snprintf(buf, sizeof buf, "\\u%04x\\u%04x", 0xD800 + (code >> 10), 0xDC00 + (code & 0x3FF));
  }
  return buf;
}

// JSON strings must be Unicode, but paths are bytes. Each byte of invalid UTF-8 becomes the
// lone surrogate U+DC80..U+DCFF, as Python's "surrogateescape" does, so a reader can get the
// exact bytes back (in Python: os.fsencode of the decoded string).
std::string quote_json(std::string_view text) {
  std::string out = "\"";
  char buf[8];
  size_t i = 0;
  while (i < text.size()) {
    auto c = static_cast<unsigned char>(text[i]);
    size_t length = utf8_sequence_length(text.substr(i));
    if (length == 0) {
      std::snprintf(buf, sizeof buf, "\\udc%02x", c);
      out += buf;
      ++i;
      continue;
    }
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        if (c < 0x20 || c == 0x7F) {
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else if (auto deceptive = length > 1 ? util::find_deceptive(text.substr(i, length)) : std::nullopt) {
          // Valid JSON either way; escaped, a C1 control or bidi override in a path cannot act
          // on the terminal of someone reading the output.
          out += json_escape(deceptive->code);
        } else {
          out.append(text.substr(i, length));
        }
    }
    i += length;
  }
  out += '"';
  return out;
}

}  // namespace

std::optional<Shell> parse_shell(std::string_view name) {
  // `jailed hook $0` passes "-bash" from a login shell or "/bin/zsh" from some setups.
  if (auto slash = name.rfind('/'); slash != std::string_view::npos) name.remove_prefix(slash + 1);
  if (!name.empty() && name[0] == '-') name.remove_prefix(1);
  if (name == "bash") return Shell::bash;
  if (name == "zsh") return Shell::zsh;
  if (name == "fish") return Shell::fish;
  if (name == "json") return Shell::json;
  return std::nullopt;
}

std::string quote(Shell shell, std::string_view text) {
  switch (shell) {
    case Shell::bash:
    case Shell::zsh:
      return quote_posix(text);
    case Shell::fish:
      return quote_fish(text);
    case Shell::json:
      return quote_json(text);
  }
  return quote_posix(text);
}

std::string quote_visible(std::string_view text) {
  if (!util::find_deceptive(text)) return quote_posix(text);
  std::string out = "$'";
  char buf[8];
  for (char c : text) {
    auto byte = static_cast<unsigned char>(c);
    if (byte == '\'' || byte == '\\') {
      out += '\\';
      out += c;
    } else if (byte >= 0x20 && byte < 0x7F) {
      out += c;
    } else {
      std::snprintf(buf, sizeof buf, "\\x%02x", byte);
      out += buf;
    }
  }
  return out + "'";
}

}  // namespace jailed::shell
