// The closure cache key: what a resolution depends on, hashed with XXH3-128.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "util/result.hpp"

namespace jailed::cache {

// Everything that can change what Nix resolves a set of specs to.
struct KeyInputs {
  std::vector<std::string> specs;  // canonical specs, in any order
  std::string system;              // "x86_64-linux"
  std::string nix;                 // identity of the nix binary (nix_identity)
  // Local flakes: directory and util::tree_digest of its files, in any order.
  std::vector<std::pair<std::string, std::string>> trees;
};

// Returns the key: XXH3-128 (hex) over tagged, length-delimited fields, specs and trees
// sorted, so the order of packages in a .jailed does not matter but every byte of each does.
std::string make_key(const KeyInputs& inputs);

// Returns the spec text an entry stores and lookups compare: the sorted, distinct specs,
// one per line. Comparing it is what makes a key collision harmless.
std::string spec_text(std::vector<std::string> specs);

// Returns Nix's name for this machine's platform ("x86_64-linux"), from uname(2).
std::string system_name();

// Returns the identity of the nix binary at `nix_path`: its realpath, size and mtime, so an
// upgrade of Nix changes keys without running nix (a warm hit must start no process).
Result<std::string> nix_identity(const std::string& nix_path);


}  // namespace jailed::cache
