// Reads the text of a .jailed file (format 1) into sections and entries; touches no disk.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "util/result.hpp"

namespace jailed::config {

// One `key = value` line; a list value is split into words ("quoted words" may hold spaces).
struct Entry {
  std::string key;
  std::vector<std::string> values;
  int line = 0;
};

enum class SectionKind { jail, agent };

// A `[jail]` or `[agent NAME]` section and its entries in file order.
struct Section {
  SectionKind kind = SectionKind::jail;
  std::string name;  // agent name; empty for [jail]
  int line = 0;
  std::vector<Entry> entries;
};

// A parsed file; `file` is the label used in messages (usually its path).
struct Document {
  std::string file;
  std::vector<Section> sections;
};

// Parses `text`; on error the message is "FILE:LINE: what is wrong (what to do)".
// Checks syntax only (sections, names, quoting, text encoding, no control, bidi or invisible
// characters); schema.hpp checks keys.
Result<Document> read_document(std::string_view text, const std::string& file);

// Returns `path` for a message: as is when it holds no deceptive character (controls, bidi
// overrides, invisible characters, invalid UTF-8: util/terminal_text.hpp), otherwise quoted
// with those escaped. Every message of this module names a file.
std::string shown_file(std::string_view path);

// Returns true if `name` is a valid agent name: [a-z0-9][a-z0-9._-]*, at most 64 characters.
bool is_valid_agent_name(std::string_view name);

}  // namespace jailed::config
