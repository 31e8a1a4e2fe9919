// A small strict JSON reader, enough for Nix's derived-path lists (no JSON library is a dependency).
#include "resolve/nix_json.hpp"

#include <utility>

namespace jailed::resolve {
namespace {

struct Json {
  enum class Kind { null, boolean, number, string, array, object } kind = Kind::null;
  std::string text;  // string value, or the literal of a number/boolean
  std::vector<Json> items;
  // A vector of a type still incomplete here is standard C++; a std::pair of one is not.
  struct Member;
  std::vector<Member> members;

  const Json* member(const std::string& name) const;
};

struct Json::Member {
  std::string key;
  Json value;
};

const Json* Json::member(const std::string& name) const {
  for (const auto& [key, value] : members) {
    if (key == name) return &value;
  }
  return nullptr;
}

class Parser {
 public:
  explicit Parser(const std::string& text) : m_text(text) {}

  Result<Json> document() {
    Json value;
    if (!parse(value, 0)) return fail(m_error);
    skip_blanks();
    if (m_pos != m_text.size()) return fail("unexpected text after the JSON value at byte " + std::to_string(m_pos));
    return value;
  }

 private:
  // Nix's lists are two levels deep; a bound keeps hostile input from exhausting the stack.
  static constexpr int k_max_depth = 64;

  bool error(const std::string& what) {
    m_error = what + " at byte " + std::to_string(m_pos);
    return false;
  }

  void skip_blanks() {
    while (m_pos < m_text.size() && (m_text[m_pos] == ' ' || m_text[m_pos] == '\n' || m_text[m_pos] == '\t' || m_text[m_pos] == '\r')) {
      ++m_pos;
    }
  }

  bool literal(const char* word, Json& out, Json::Kind kind) {
    std::string w = word;
    if (m_text.compare(m_pos, w.size(), w) != 0) return error("invalid JSON");
    m_pos += w.size();
    out.kind = kind;
    out.text = w;
    return true;
  }

  bool parse(Json& out, int depth) {
    if (depth > k_max_depth) return error("JSON nested too deeply");
    skip_blanks();
    if (m_pos >= m_text.size()) return error("unexpected end of JSON");
    char c = m_text[m_pos];
    if (c == '{') return object(out, depth);
    if (c == '[') return array(out, depth);
    if (c == '"') {
      out.kind = Json::Kind::string;
      return string(out.text);
    }
    if (c == 't') return literal("true", out, Json::Kind::boolean);
    if (c == 'f') return literal("false", out, Json::Kind::boolean);
    if (c == 'n') return literal("null", out, Json::Kind::null);
    if (c == '-' || (c >= '0' && c <= '9')) {
      size_t start = m_pos;
      while (m_pos < m_text.size() && std::string("+-.eE0123456789").find(m_text[m_pos]) != std::string::npos) ++m_pos;
      out.kind = Json::Kind::number;
      out.text = m_text.substr(start, m_pos - start);
      return true;
    }
    return error("invalid JSON");
  }

  bool object(Json& out, int depth) {
    out.kind = Json::Kind::object;
    ++m_pos;
    skip_blanks();
    if (m_pos < m_text.size() && m_text[m_pos] == '}') return ++m_pos, true;
    while (true) {
      skip_blanks();
      std::string key;
      if (m_pos >= m_text.size() || m_text[m_pos] != '"' || !string(key)) return error("expected a JSON object key");
      skip_blanks();
      if (m_pos >= m_text.size() || m_text[m_pos] != ':') return error("expected ':'");
      ++m_pos;
      Json value;
      if (!parse(value, depth + 1)) return false;
      out.members.push_back({std::move(key), std::move(value)});
      skip_blanks();
      if (m_pos < m_text.size() && m_text[m_pos] == ',') { ++m_pos; continue; }
      if (m_pos < m_text.size() && m_text[m_pos] == '}') return ++m_pos, true;
      return error("expected ',' or '}'");
    }
  }

  bool array(Json& out, int depth) {
    out.kind = Json::Kind::array;
    ++m_pos;
    skip_blanks();
    if (m_pos < m_text.size() && m_text[m_pos] == ']') return ++m_pos, true;
    while (true) {
      Json value;
      if (!parse(value, depth + 1)) return false;
      out.items.push_back(std::move(value));
      skip_blanks();
      if (m_pos < m_text.size() && m_text[m_pos] == ',') { ++m_pos; continue; }
      if (m_pos < m_text.size() && m_text[m_pos] == ']') return ++m_pos, true;
      return error("expected ',' or ']'");
    }
  }

  static int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  }

  // Store paths and output names are ASCII; \u escapes outside it are kept as UTF-8 anyway.
  bool string(std::string& out) {
    ++m_pos;
    while (m_pos < m_text.size()) {
      char c = m_text[m_pos++];
      if (c == '"') return true;
      if (c != '\\') { out += c; continue; }
      if (m_pos >= m_text.size()) break;
      char e = m_text[m_pos++];
      switch (e) {
        case '"': case '\\': case '/': out += e; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          unsigned code = 0;
          for (int i = 0; i < 4; ++i, ++m_pos) {
            int digit = m_pos < m_text.size() ? hex_digit(m_text[m_pos]) : -1;
            if (digit < 0) return error("bad \\u escape");
            code = code * 16 + static_cast<unsigned>(digit);
          }
          if (code < 0x80) {
            out += static_cast<char>(code);
          } else if (code < 0x800) {
            out += static_cast<char>(0xC0 | (code >> 6));
            out += static_cast<char>(0x80 | (code & 0x3F));
          } else {
            out += static_cast<char>(0xE0 | (code >> 12));
            out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (code & 0x3F));
          }
          break;
        }
        default: return error("bad escape in a JSON string");
      }
    }
    return error("unterminated JSON string");
  }

  const std::string& m_text;
  size_t m_pos = 0;
  std::string m_error;
};

Result<DerivedPath> derived_path(const Json& item) {
  if (item.kind != Json::Kind::object) return fail("expected an object per installable");
  DerivedPath out;
  if (const Json* path = item.member("path"); path && path->kind == Json::Kind::string) {
    out.path = path->text;
    return out;
  }
  const Json* drv = item.member("drvPath");
  // Later Nix nests dynamic derivations as objects here; jailed does not build those.
  if (!drv || drv->kind != Json::Kind::string) return fail("an installable has neither \"path\" nor a \"drvPath\" string");
  out.drv_path = drv->text;
  const Json* outputs = item.member("outputs");
  if (outputs && outputs->kind == Json::Kind::object) {
    for (const auto& [name, value] : outputs->members) out.outputs.push_back(name);
  } else if (outputs && outputs->kind == Json::Kind::array) {
    for (const auto& name : outputs->items) {
      if (name.kind != Json::Kind::string) return fail("an output name is not a string");
      out.outputs.push_back(name.text);
    }
  }
  if (out.outputs.empty()) return fail("derivation " + out.drv_path + " lists no outputs");
  return out;
}

}  // namespace

Result<std::vector<DerivedPath>> parse_derived_paths(const std::string& json) {
  auto doc = Parser(json).document();
  if (!doc) return fail("cannot read nix's JSON: " + doc.error());
  if (doc->kind != Json::Kind::array) return fail("cannot read nix's JSON: expected a list");
  std::vector<DerivedPath> out;
  for (const auto& item : doc->items) {
    auto path = derived_path(item);
    if (!path) return fail("cannot read nix's JSON: " + path.error());
    out.push_back(std::move(*path));
  }
  return out;
}

}  // namespace jailed::resolve
