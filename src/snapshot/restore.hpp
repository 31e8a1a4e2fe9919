// Bringing a project back to a snapshot: content, modes, times, links and .git, written only
// beneath the project. Every path is reached through directory descriptors opened without
// following links (beneath.hpp), so a directory the agent replaced by a link to ~ or / is
// replaced back, never written through. Pack entry names are content hashes, never paths.
#pragma once

#include <vector>

#include "snapshot/compare.hpp"
#include "snapshot/store.hpp"
#include "util/result.hpp"

namespace jailed::snapshot {

// Returns the changes a restore undoes, from compare_tree(): all but additions, and additions
// too with `remove_added` (--delete).
std::vector<Change> restore_plan(std::vector<Change> changes, bool remove_added);

// Undoes `plan` beneath `root_fd`, taking content from `store`; `snapshot` is the full manifest
// (for the modes of directories that must be made again).
Status apply_restore(Store& store, int root_fd, const Tree& snapshot, const std::vector<Change>& plan);

}  // namespace jailed::snapshot
