// A digest of a directory tree: every file's relative path, content, executable bit, and link target.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "util/result.hpp"

namespace jailed::util {

// One entry of a tree, as tree_digest sees it.
struct TreeEntry {
  std::string path;    // relative to the tree's top, "/"-separated; "" for a tree that is one file
  std::string kind;    // "file", "exec" (executable file), "link" or "dir"
  std::string digest;  // SHA-256 hex of a file's content, a link's target, "" for a directory
  std::optional<std::string> text;  // a file's content, when read_tree was asked to keep it
  bool operator==(const TreeEntry&) const = default;
};

// A tree read from disk: its entries in byte order of their paths, and its digest.
struct Tree {
  std::vector<TreeEntry> entries;
  std::string digest;  // as tree_digest() returns it
};

// Reads every entry under `dir` (not .git) and digests the tree; keeps the content of each
// file that is valid UTF-8 text of at most `keep_text` bytes, while their total stays within
// `keep_total`. A regular file is a tree of one file; a missing path has no entries and the
// digest "missing".
Result<Tree> read_tree(const std::string& dir, size_t keep_text = 0, size_t keep_total = 0);

// Returns the SHA-256 digest (hex) of every entry under `dir` (not .git): relative paths in
// byte order, file contents and executable bits, symlink targets. A regular file digests its
// content; a missing path digests as "missing". Trust and the closure cache's key share it, so
// a launch reads a local flake once.
Result<std::string> tree_digest(const std::string& dir);

// Trees already digested, by directory: what a launch's trust check read, its cache key reuses.
using TreeDigests = std::map<std::string, Result<std::string>>;

}  // namespace jailed::util
