// Opening paths of a project strictly beneath it: no symbolic link is followed on the way, so a
// link an agent planted (a directory replaced by a link to ~ or /) can never lead outside.
#pragma once

#include <string>

#include "util/result.hpp"

namespace jailed::snapshot {

// Opens `path` (relative, '/'-separated, no "." or ".." components) beneath the directory
// `root_fd` with `flags`, following no link in any component, the last one included. Fails
// with errno set (ENOENT, ELOOP for a link, ENOTDIR, EXDEV) and returns -1.
int open_beneath(int root_fd, const std::string& path, int flags, unsigned mode = 0);

// Opens the directory `path` beneath `root_fd` as open_beneath() does; "" is `root_fd` itself.
int open_dir_beneath(int root_fd, const std::string& path);

// Removes the entry `name` of the directory `dir_fd`: a directory with everything in it,
// anything else by unlinking it. Never follows a link. Returns false with errno set on failure.
bool remove_at(int dir_fd, const std::string& name);

// Returns the parent part of `path` ("" for a top-level name) and its last component.
std::pair<std::string, std::string> split_parent(const std::string& path);

// Returns true if `path` is one a manifest may hold: relative, no empty, "." or ".." component.
bool is_clean_relative(const std::string& path);

}  // namespace jailed::snapshot
