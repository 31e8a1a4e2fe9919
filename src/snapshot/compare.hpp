// What changed between a snapshot and the project as it is now.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "snapshot/entry.hpp"
#include "snapshot/exclude.hpp"
#include "util/result.hpp"

namespace jailed::snapshot {

enum class ChangeKind { added, deleted, content, mode, kind };

// One path that differs; `before` is set unless added, `after` unless deleted.
struct Change {
  std::string path;
  ChangeKind what;
  std::optional<Entry> before;
  std::optional<Entry> after;
};

// How many paths an agent added, changed and deleted.
struct Counts {
  int64_t added = 0, changed = 0, deleted = 0;
  bool empty() const { return added == 0 && changed == 0 && deleted == 0; }
};

// Reads the tree beneath `root_fd` now (reading only files whose size, times or inode moved
// since `snapshot` recorded them) and returns every difference, sorted by path. A directory
// whose only difference is its times is not a change.
Result<std::vector<Change>> compare_tree(const Tree& snapshot, int root_fd, const Excludes& excludes);

// Keeps the changes at or beneath one of `paths` (project-relative; none keeps all).
std::vector<Change> select_paths(std::vector<Change> changes, const std::vector<std::string>& paths);

// Returns true if `path` is `prefix` or beneath it; "" is the whole project.
bool at_or_beneath(const std::string& path, const std::string& prefix);

Counts count_changes(const std::vector<Change>& changes);

}  // namespace jailed::snapshot
