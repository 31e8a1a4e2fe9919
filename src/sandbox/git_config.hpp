// Reading git config files the way git does, for the few keys that decide what host git runs:
// include paths, core.hooksPath, the worktree-config extension.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace jailed::sandbox {

// One `key = value` of a git config file. Section and key are lowercased as git compares
// them; the subsection keeps its case.
struct GitConfigEntry {
  std::string section;
  std::string subsection;
  std::string key;
  std::string value;  // unquoted, escapes applied; "" for a bare boolean key
};

// Parses git config text (sections, subsections, quotes, escapes, continuation lines,
// comments). Lenient like a reader that must not miss a key: a malformed line is skipped.
std::vector<GitConfigEntry> parse_git_config(std::string_view text);

// What in one config file matters to the host: the files it includes and the hooks directory
// it names (relative values as written).
struct GitConfigFacts {
  std::vector<std::string> includes;  // include.path and includeIf.*.path, whatever the condition
  std::string hooks_path;             // the last core.hooksPath, or ""
  bool worktree_config = false;       // extensions.worktreeConfig is true
};

// Returns the facts of parsed `entries`.
GitConfigFacts git_config_facts(const std::vector<GitConfigEntry>& entries);

}  // namespace jailed::sandbox
