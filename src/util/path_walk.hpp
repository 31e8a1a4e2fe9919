// Resolving a path one component at a time, noting every symlink met on the way.
#pragma once

#include <string>
#include <vector>

#include "util/result.hpp"

namespace jailed::util {

// A path resolved by walk_path().
struct WalkedPath {
  std::string real;                // the path with every symlink resolved (normalized)
  std::vector<std::string> links;  // where each symlink met lies (the link itself, resolved above it)
  bool exists = true;              // false: the walk stopped at a missing component
};

// Resolves absolute `path` as the kernel would, component by component, with lstat and
// readlink: returns the real path and the location of each symlink followed, so that a caller
// can refuse a link someone else could have made. A missing component ends the walk (exists
// false; real is the resolved part plus the rest as written). Fails on a relative path, a loop
// (more than 40 links), a non-directory in the middle, or an lstat error other than ENOENT.
Result<WalkedPath> walk_path(const std::string& path);

}  // namespace jailed::util
