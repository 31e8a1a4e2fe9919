// GC root directories: the symlinks that keep Nix from collecting a cached closure.
#pragma once

#include <string>
#include <vector>

#include "util/result.hpp"

namespace jailed::cache {

// Creates a fresh directory `<key>.<pid>.<nonce>` under `base` for the roots of one
// resolution and returns its name. Nix registers each root it makes there by its full path
// (an indirect root), so the directory is never renamed: a renamed root is no root at all.
Result<std::string> create_roots_dir(const std::string& base, const std::string& key);

// Returns true if `dir` holds, for every path in `outputs`, a symlink pointing at it, and
// every output exists: the check made on each cache hit.
bool roots_pin(const std::string& dir, const std::vector<std::string>& outputs);

// Returns the names of the entries of `base` (none if it does not exist).
std::vector<std::string> list_roots_dirs(const std::string& base);

// Returns true if `name` is the directory of a resolution still running: its process lives
// and the directory is less than a day old (a reused pid cannot keep it forever).
bool resolution_running(const std::string& base, const std::string& name);

// Removes a roots directory and its links; Nix forgets the roots on its next collection.
Status remove_roots_dir(const std::string& base, const std::string& name);

}  // namespace jailed::cache
