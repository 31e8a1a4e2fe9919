// The three Nix processes of a resolution, whatever the number of packages: evaluate, build
// with GC roots, query the closure.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "resolve/nix_json.hpp"
#include "util/process.hpp"
#include "util/result.hpp"

namespace jailed::resolve {

// The Nix programs used: `nix` for flakes, `nix-store` (next to it) for roots and closures.
struct NixTools {
  std::string nix;
  std::string nix_store;
};

// Returns Nix's own error from a failed run's stderr: from the first "error:" line (what came
// before is progress chatter), at most 40 lines, without its --show-trace hint.
std::string nix_error_text(const util::Completed& done);

// Returns the tools for the nix binary at `nix`: nix-store from the same directory if there.
NixTools nix_tools(const std::string& nix);

// Returns the argv evaluating `specs` without building: `nix build --dry-run --json`, whose
// list is in installable order. (A real `nix build --json` is not: Nix 2.8 sorts it by
// derivation and merges duplicates, so it cannot say which package gave which output.)
std::vector<std::string> eval_argv(const NixTools& tools, const std::vector<std::string>& specs);

// Returns the argv building `paths` and adding a GC root per output under `root` (root,
// root-2, root-3-dev, ...: nix-store names them by argument position).
std::vector<std::string> realise_argv(const NixTools& tools, const std::vector<DerivedPath>& paths, const std::string& root);

// Returns the argv printing the runtime closure of `outputs`.
std::vector<std::string> closure_argv(const NixTools& tools, const std::vector<std::string>& outputs);

// What Nix resolved a list of specs to.
struct Realised {
  std::vector<std::vector<std::string>> outputs;  // per spec, in the order asked
  std::vector<std::string> closure;               // sorted
};

// Resolves `specs` with three processes, leaving GC roots in `roots_dir` (which must exist
// and be empty). `interrupted` is polled between the calls. Fails with Nix's own error.
Result<Realised> realise_specs(util::CommandRunner& runner, const NixTools& tools, const std::vector<std::string>& specs,
                               const std::string& roots_dir, const std::function<bool()>& interrupted);

}  // namespace jailed::resolve
