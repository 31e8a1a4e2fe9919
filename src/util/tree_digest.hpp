// A digest of a directory tree: every file's relative path, content, executable bit, and link target.
#pragma once

#include <map>
#include <string>

#include "util/result.hpp"

namespace jailed::util {

// Returns the SHA-256 digest (hex) of every entry under `dir` (not .git): relative paths in
// byte order, file contents and executable bits, symlink targets. A regular file digests its
// content; a missing path digests as "missing". Trust and the closure cache's key share it, so
// a launch reads a local flake once.
Result<std::string> tree_digest(const std::string& dir);

// Trees already digested, by directory: what a launch's trust check read, its cache key reuses.
using TreeDigests = std::map<std::string, Result<std::string>>;

}  // namespace jailed::util
