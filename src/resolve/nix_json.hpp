// Reading the JSON that `nix build --dry-run --json` prints: what each installable stands for.
#pragma once

#include <string>
#include <vector>

#include "util/result.hpp"

namespace jailed::resolve {

// What one installable evaluated to: outputs of a derivation, or a plain store path.
struct DerivedPath {
  std::string drv_path;              // set for a derivation
  std::vector<std::string> outputs;  // its output names ("*": all of them)
  std::string path;                  // set for a plain store path
};

// Parses Nix's derived-path list, in both the Nix 2.8 shape
// ([{"drvPath":D,"outputs":{"out":P}}, {"path":P}]) and the later one ("outputs":["out"]).
Result<std::vector<DerivedPath>> parse_derived_paths(const std::string& json);

}  // namespace jailed::resolve
