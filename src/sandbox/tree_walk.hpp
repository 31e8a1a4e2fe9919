// Walking a project tree for the names host tools act on: where the repositories (.git) and
// the .envrc files are. Each directory is read once, and at the next launch only if its entries
// changed.
#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace jailed::sandbox {

// Directories the walk does not enter: dependency trees and caches that git ignores in practice
// and that hold thousands of directories (node_modules, Python's .venv, .tox, .nox,
// __pycache__; also target/ beside Cargo.toml or pom.xml, decided where it is found). A
// repository there is no more protected than one the agent makes; a submodule there is still
// found through .gitmodules.
const std::vector<std::string>& unscanned_dir_names();

// What a walk of the tree found.
struct Tree {
  std::vector<std::pair<std::string, unsigned char>> repos;  // work tree top, DT_* type of its .git
  std::vector<std::string> envrcs;                           // every .envrc but the root's
  size_t directories = 0;                                    // walked
  bool truncated = false;                                    // stopped at the limit
};

// Walks `root` breadth first, without following symlinks or entering .git directories or the
// unscanned names, for at most `dir_limit` directories. With `cache_file`, reuses the record
// of the last walk kept there for directories whose entries have not changed, and updates it.
Tree walk_tree(const std::string& root, const std::string& cache_file, size_t dir_limit);

}  // namespace jailed::sandbox
