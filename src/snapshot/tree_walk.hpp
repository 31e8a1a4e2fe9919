// Reads a project's tree through directory descriptors, never following a symbolic link.
#pragma once

#include <string>

#include "snapshot/entry.hpp"
#include "snapshot/exclude.hpp"
#include "util/result.hpp"

namespace jailed::snapshot {

// Returns every path beneath the directory `root_fd` but the excluded ones, sorted by path
// (bytes). Links are recorded as links, with their target;
// a directory on another file system (a mount point) is recorded but not entered. Reads
// metadata only: content hashes are left empty.
Result<Tree> walk_tree(int root_fd, const Excludes& excludes);

// Opens the directory `path` (the project) for walk_tree().
Result<int> open_project(const std::string& path);

}  // namespace jailed::snapshot
