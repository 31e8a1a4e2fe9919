#include "snapshot/compare.hpp"

#include "snapshot/content.hpp"
#include "snapshot/tree_walk.hpp"

namespace jailed::snapshot {
namespace {

// Returns the kind of difference between two entries of one path, or nothing.
std::optional<ChangeKind> difference(const Entry& before, const Entry& after) {
  if (before.kind != after.kind) return ChangeKind::kind;
  if (before.hash != after.hash || before.target != after.target) return ChangeKind::content;
  if (before.mode != after.mode) return ChangeKind::mode;
  return std::nullopt;
}

}  // namespace

bool at_or_beneath(const std::string& path, const std::string& prefix) {
  if (prefix.empty()) return true;
  return path == prefix || (path.size() > prefix.size() && path.compare(0, prefix.size(), prefix) == 0 &&
                            path[prefix.size()] == '/');
}

Result<std::vector<Change>> compare_tree(const Tree& snapshot, int root_fd, const Excludes& excludes) {
  auto walked = walk_tree(root_fd, excludes);
  if (!walked) return walked.failure();
  Tree& now = *walked;
  std::vector<Change> changes;
  size_t i = 0, j = 0;
  // Both trees are sorted by path: one merge pass.
  while (i < snapshot.size() || j < now.size()) {
    if (j == now.size() || (i < snapshot.size() && snapshot[i].path < now[j].path)) {
      changes.push_back(Change{snapshot[i].path, ChangeKind::deleted, snapshot[i], std::nullopt});
      ++i;
      continue;
    }
    Entry& current = now[j];
    bool known = i < snapshot.size() && snapshot[i].path == current.path;
    if (current.kind == Kind::file) {
      if (known && current.same_stat(snapshot[i])) {
        current.hash = snapshot[i].hash;
      } else {
        auto content = read_content(root_fd, current.path);
        if (!content) return content.failure();
        if (!*content) {  // gone meanwhile
          ++j;
          continue;
        }
        current.hash = (*content)->hash;
      }
    }
    if (!known) {
      changes.push_back(Change{current.path, ChangeKind::added, std::nullopt, current});
    } else {
      if (auto what = difference(snapshot[i], current)) changes.push_back(Change{current.path, *what, snapshot[i], current});
      ++i;
    }
    ++j;
  }
  return changes;
}

std::vector<Change> select_paths(std::vector<Change> changes, const std::vector<std::string>& paths) {
  if (paths.empty()) return changes;
  std::vector<Change> kept;
  for (auto& change : changes) {
    for (const auto& path : paths) {
      if (at_or_beneath(change.path, path)) {
        kept.push_back(std::move(change));
        break;
      }
    }
  }
  return kept;
}

Counts count_changes(const std::vector<Change>& changes) {
  Counts counts;
  for (const auto& change : changes) {
    if (change.what == ChangeKind::added) {
      ++counts.added;
    } else if (change.what == ChangeKind::deleted) {
      ++counts.deleted;
    } else {
      ++counts.changed;
    }
  }
  return counts;
}

}  // namespace jailed::snapshot
