// Package specs as Nix sees them: canonical flake refs and store paths, and the default packages.
#pragma once

#include <string>
#include <vector>

#include "config/jail_config.hpp"
#include "util/result.hpp"

namespace jailed::resolve {

// One package spec, canonical: the same package is always spelt the same way, whatever
// directory jailed runs from, so it can key the cache.
struct NixSpec {
  std::string text;       // "nixpkgs#go", "path:/abs/tools#bot", "/nix/store/…-x"
  std::string local_dir;  // a local flake's directory (its files belong in the cache key), else ""
  bool operator==(const NixSpec&) const = default;
};

// An agent's specs by role, in PATH order; a spec appears once, in its first role.
struct AgentSpecs {
  NixSpec package;
  std::vector<NixSpec> packages;
  std::vector<NixSpec> base;

  // Returns every spec in PATH order: the package, packages, base packages.
  std::vector<NixSpec> all() const;
};

// Returns the common packages of a Nix jail when base-packages is not set: jailed-agents'
// basePackages (bash, curl, wget, jq, git, ripgrep, gnugrep, gawk, ps, findutils, gzip,
// unzip, gnutar, diffutils) plus coreutils, which every jail needs (DESIGN.md §3).
const std::vector<std::string>& default_base_packages();

// Canonicalizes `spec` of `agent`: a relative `path:./x#y`, `.#y` or `./x#y` becomes
// `path:<absolute dir>#y` (relative to the directory of the file that named it); store paths
// and other flake refs stay as written. Fails for `host:` specs and malformed store paths.
Result<NixSpec> canonical_spec(const config::AgentConfig& agent, const config::Value& spec);

// Returns the agent's canonical specs; fails when it has no package or a spec is invalid.
Result<AgentSpecs> agent_specs(const config::AgentConfig& agent);

}  // namespace jailed::resolve
