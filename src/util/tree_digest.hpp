// A digest of a directory tree: every file's relative path, content, executable bit, and link target.
#pragma once

#include <string>

#include "util/result.hpp"

namespace jailed::util {

enum class Digest {
  xxh128,  // fast: cache keys
  sha256,  // for trust decisions
};

// Returns a digest of every entry under `dir` (not .git): relative paths in byte order, file
// contents and executable bits, symlink targets. A regular file digests its content; a missing
// path digests as "missing".
Result<std::string> tree_digest(const std::string& dir, Digest kind);

}  // namespace jailed::util
