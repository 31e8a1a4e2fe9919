#include "config/reader.hpp"

#include <optional>

#include "util/spellcheck.hpp"
#include "util/strings.hpp"
#include "util/terminal_text.hpp"

namespace jailed::config {
namespace {

// A .jailed is a few dozen lines; anything this large is the wrong file.
constexpr size_t k_max_text = 1024 * 1024;
constexpr size_t k_max_agent_name = 64;

bool is_blank(char c) { return c == ' ' || c == '\t'; }
bool is_lower_or_digit(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

bool is_valid_key_name(std::string_view key) {
  if (key.empty() || key[0] < 'a' || key[0] > 'z') return false;
  for (char c : key) {
    if (!is_lower_or_digit(c) && c != '-') return false;
  }
  return true;
}

// Collects the first error; every parse step stops as soon as one is set.
class Parser {
 public:
  explicit Parser(const std::string& file) { m_doc.file = file; }

  Result<Document> run(std::string_view text);

 private:
  Failure error(int line, const std::string& what) const {
    return fail(shown_file(m_doc.file) + ":" + std::to_string(line) + ": " + what, ExitCode::bad_config);
  }
  std::optional<Failure> parse_line(std::string_view line, int number);
  std::optional<Failure> parse_header(std::string_view text, int number);
  std::optional<Failure> parse_entry(std::string_view text, int number);
  std::optional<Failure> split_words(std::string_view text, const std::string& key, int number,
                                     std::vector<std::string>& words) const;

  Document m_doc;
};

Result<Document> Parser::run(std::string_view text) {
  if (text.size() > k_max_text) {
    return fail(shown_file(m_doc.file) + " is larger than 1 MiB; a .jailed is a short text file", ExitCode::bad_config);
  }
  // Tolerate a byte order mark left by some Windows editors.
  if (util::starts_with(text, "\xEF\xBB\xBF")) text.remove_prefix(3);
  auto lines = util::split(text, '\n');

  // Check the encoding of every line first, so a binary file is reported as one
  // rather than as a syntax error on whatever its first line happens to hold.
  for (size_t i = 0; i < lines.size(); ++i) {
    const auto& line = lines[i];
    if (line.find('\0') != std::string::npos || !util::is_valid_utf8(line)) {
      auto number = std::to_string(i + 1);
      return fail(shown_file(m_doc.file) + ":" + number + ": line " + number +
                      " is not valid UTF-8 text (is this a binary file?)",
                  ExitCode::bad_config);
    }
  }
  // A control character (an escape sequence), a bidirectional override or an invisible
  // character makes the file display as something other than what jailed reads: the user
  // would review one file and trust another. Tabs are blanks; a CR may only end a line.
  for (size_t i = 0; i < lines.size(); ++i) {
    std::string_view line = lines[i];
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (auto found = util::find_deceptive(line, "\t")) {
      auto number = std::to_string(i + 1);
      return fail(shown_file(m_doc.file) + ":" + number + ": line " + number + " holds " + util::describe(*found) +
                      " at column " + std::to_string(found->offset + 1) +
                      ", which can make the file display differently from what it says (remove it)",
                  ExitCode::bad_config);
    }
  }
  for (size_t i = 0; i < lines.size(); ++i) {
    if (auto failure = parse_line(lines[i], static_cast<int>(i + 1))) return *failure;
  }
  return std::move(m_doc);
}

std::optional<Failure> Parser::parse_line(std::string_view line, int number) {
  std::string_view text = util::trim(line);  // also drops the CR of a CRLF line end
  if (text.empty() || text[0] == '#') return std::nullopt;
  if (text[0] == '[') return parse_header(text, number);
  if (text.find('=') != std::string_view::npos) return parse_entry(text, number);
  return error(number, "cannot read " + util::printable(text) +
                           " (expected [jail], [agent NAME], key = value or a # comment)");
}

std::optional<Failure> Parser::parse_header(std::string_view text, int number) {
  if (text.back() != ']') {
    std::string hint = text.find(']') == std::string_view::npos ? " has no closing \"]\""
                                                                : " must end with \"]\" (put comments on a line of their own)";
    return error(number, "section header " + util::printable(text) + hint);
  }
  std::string_view inner = util::trim(text.substr(1, text.size() - 2));
  size_t kind_end = 0;
  while (kind_end < inner.size() && !is_blank(inner[kind_end])) ++kind_end;
  std::string kind(inner.substr(0, kind_end));
  std::string name(util::trim(inner.substr(kind_end)));

  Section section;
  section.line = number;
  if (kind == "jail") {
    if (!name.empty()) return error(number, "[jail] takes no name (write [agent " + name + "] for an agent)");
    section.kind = SectionKind::jail;
  } else if (kind == "agent") {
    if (name.empty()) return error(number, "[agent] has no name (write [agent NAME], e.g. [agent crush])");
    if (!is_valid_agent_name(name)) {
      return error(number, "invalid agent name " + util::printable(name) +
                               " (use lowercase letters, digits, \".\", \"_\" and \"-\", starting with a letter "
                               "or digit, at most 64 characters)");
    }
    section.kind = SectionKind::agent;
    section.name = name;
  } else {
    std::string hint = util::did_you_mean(kind, {"jail", "agent"});
    if (hint.empty()) hint = " (sections are [jail] and [agent NAME])";
    return error(number, "unknown section " + util::printable(kind) + hint);
  }

  for (const auto& other : m_doc.sections) {
    if (other.kind == section.kind && other.name == section.name) {
      std::string header = section.kind == SectionKind::jail ? "[jail]" : "[agent " + section.name + "]";
      return error(number, header + " appears twice (the first is at line " + std::to_string(other.line) +
                               "; merge the two sections)");
    }
  }
  m_doc.sections.push_back(std::move(section));
  return std::nullopt;
}

std::optional<Failure> Parser::parse_entry(std::string_view text, int number) {
  size_t equals = text.find('=');
  std::string key(util::trim(text.substr(0, equals)));
  if (key.empty()) return error(number, "line has no key before \"=\" (write key = value)");
  if (!is_valid_key_name(key)) {
    return error(number, "invalid key " + util::printable(key) +
                             " (keys are lowercase letters, digits and \"-\", e.g. \"readonly\")");
  }
  if (m_doc.sections.empty()) {
    return error(number, "key \"" + key + "\" is outside any section (put it under [jail] or [agent NAME])");
  }
  Entry entry;
  entry.key = key;
  entry.line = number;
  if (auto failure = split_words(text.substr(equals + 1), key, number, entry.values)) return failure;
  if (entry.values.empty()) {
    return error(number, "key \"" + key + "\" has no value (write " + key + " = VALUE, or remove the line)");
  }
  m_doc.sections.back().entries.push_back(std::move(entry));
  return std::nullopt;
}

// Splits a value into blank-separated words. A double-quoted part may hold blanks; inside
// quotes \" and \\ are escapes. Quoted and unquoted parts join into one word, so
// FOO="a b" is the single word FOO=a b.
std::optional<Failure> Parser::split_words(std::string_view text, const std::string& key, int number,
                                           std::vector<std::string>& words) const {
  size_t i = 0;
  while (true) {
    while (i < text.size() && (is_blank(text[i]) || text[i] == '\r')) ++i;
    if (i == text.size()) return std::nullopt;
    std::string word;
    while (i < text.size() && !is_blank(text[i]) && text[i] != '\r') {
      if (text[i] != '"') {
        word += text[i++];
        continue;
      }
      ++i;
      bool closed = false;
      while (i < text.size()) {
        char c = text[i++];
        if (c == '"') {
          closed = true;
          break;
        }
        if (c == '\\' && i < text.size() && (text[i] == '"' || text[i] == '\\')) c = text[i++];
        word += c;
      }
      if (!closed) {
        return error(number, "unterminated quote in the value of \"" + key + "\" (close it with \")");
      }
    }
    words.push_back(std::move(word));
  }
}

}  // namespace

std::string shown_file(std::string_view path) {
  return util::find_deceptive(path) ? util::printable(path) : std::string(path);
}

bool is_valid_agent_name(std::string_view name) {
  if (name.empty() || name.size() > k_max_agent_name || !is_lower_or_digit(name[0])) return false;
  for (char c : name) {
    if (!is_lower_or_digit(c) && c != '.' && c != '_' && c != '-') return false;
  }
  return true;
}

Result<Document> read_document(std::string_view text, const std::string& file) {
  return Parser(file).run(text);
}

}  // namespace jailed::config
