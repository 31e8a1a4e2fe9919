// A git config reader: the syntax of git-config(1) "CONFIGURATION FILE", without the types.
#include "sandbox/git_config.hpp"

#include <cctype>

namespace jailed::sandbox {
namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool is_key_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-'; }

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r'; }

// Reads a value from `pos` to its end (a newline outside a continuation, or a comment);
// `pos` ends past what was read.
std::string read_value(std::string_view text, size_t& pos) {
  std::string out;
  bool quoted = false;
  size_t kept = 0;  // length of `out` up to its last character that is not trailing blank
  while (pos < text.size()) {
    char c = text[pos++];
    if (c == '\n') break;
    if (!quoted && (c == ';' || c == '#')) {
      while (pos < text.size() && text[pos] != '\n') ++pos;
      break;
    }
    if (c == '"') {
      quoted = !quoted;
      kept = out.size();
      continue;
    }
    if (c == '\\' && pos < text.size()) {
      char next = text[pos++];
      if (next == '\n') continue;  // a continuation line
      if (next == '\r' && pos < text.size() && text[pos] == '\n') {
        ++pos;
        continue;
      }
      out += next == 'n' ? '\n' : next == 't' ? '\t' : next == 'b' ? '\b' : next;
      kept = out.size();
      continue;
    }
    if (is_space(c) && !quoted) {
      if (out.empty()) continue;  // leading blanks
      out += c;
      continue;
    }
    out += c;
    kept = out.size();
  }
  out.resize(kept);
  return out;
}

// Reads a section header from `pos` (just past "["); false if it is malformed.
bool read_header(std::string_view text, size_t& pos, std::string& section, std::string& subsection) {
  size_t start = pos;
  while (pos < text.size() && (is_key_char(text[pos]) || text[pos] == '.')) ++pos;
  std::string name(text.substr(start, pos - start));
  subsection.clear();
  if (pos < text.size() && text[pos] == ']') {
    ++pos;
    // [section.sub]: the old form, whose subsection is compared lowercased.
    size_t dot = name.find('.');
    section = lower(name.substr(0, dot));
    if (dot != std::string::npos) subsection = lower(name.substr(dot + 1));
    return !section.empty();
  }
  while (pos < text.size() && is_space(text[pos])) ++pos;
  if (pos >= text.size() || text[pos] != '"') return false;
  ++pos;
  while (pos < text.size() && text[pos] != '"' && text[pos] != '\n') {
    if (text[pos] == '\\' && pos + 1 < text.size()) ++pos;
    subsection += text[pos++];
  }
  if (pos + 1 >= text.size() || text[pos] != '"' || text[pos + 1] != ']') return false;
  pos += 2;
  section = lower(name);
  return !section.empty();
}

void skip_line(std::string_view text, size_t& pos) {
  while (pos < text.size() && text[pos] != '\n') ++pos;
  if (pos < text.size()) ++pos;
}

}  // namespace

std::vector<GitConfigEntry> parse_git_config(std::string_view text) {
  std::vector<GitConfigEntry> out;
  std::string section, subsection;
  size_t pos = 0;
  while (pos < text.size()) {
    while (pos < text.size() && (is_space(text[pos]) || text[pos] == '\n')) ++pos;
    if (pos >= text.size()) break;
    char c = text[pos];
    if (c == '#' || c == ';') {
      skip_line(text, pos);
      continue;
    }
    if (c == '[') {
      ++pos;
      if (!read_header(text, pos, section, subsection)) {
        section.clear();
        skip_line(text, pos);
      }
      continue;  // a key may follow on the same line
    }
    size_t start = pos;
    while (pos < text.size() && is_key_char(text[pos])) ++pos;
    if (pos == start || section.empty()) {
      skip_line(text, pos);
      continue;
    }
    GitConfigEntry entry{section, subsection, lower(text.substr(start, pos - start)), ""};
    while (pos < text.size() && is_space(text[pos])) ++pos;
    if (pos < text.size() && text[pos] == '=') {
      ++pos;
      entry.value = read_value(text, pos);
    } else if (pos < text.size() && text[pos] != '\n' && text[pos] != '#' && text[pos] != ';') {
      skip_line(text, pos);  // junk after a key
      continue;
    } else {
      skip_line(text, pos);
    }
    out.push_back(std::move(entry));
  }
  return out;
}

GitConfigFacts git_config_facts(const std::vector<GitConfigEntry>& entries) {
  GitConfigFacts facts;
  for (const auto& entry : entries) {
    if ((entry.section == "include" || entry.section == "includeif") && entry.key == "path" && !entry.value.empty()) {
      facts.includes.push_back(entry.value);
    } else if (entry.section == "core" && entry.subsection.empty() && entry.key == "hookspath") {
      facts.hooks_path = entry.value;
    } else if (entry.section == "extensions" && entry.subsection.empty() && entry.key == "worktreeconfig") {
      std::string value = lower(entry.value);
      facts.worktree_config = value.empty() || value == "true" || value == "yes" || value == "on" || value == "1";
    }
  }
  return facts;
}

}  // namespace jailed::sandbox
