// Which backend resolves an agent: the one place `run`, `explain`, `allow` and `reload` ask.
#pragma once

#include <string>

#include "config/jail_config.hpp"
#include "util/result.hpp"

namespace jailed::resolve {

enum class BackendKind { host, nix };

// Picks the backend of `agent` (DESIGN.md §5). backend = host or nix: that one (nix fails
// when Nix is not installed). backend = auto: host for a host: package; else nix when
// installed; else host for a preset (its agent may be installed on the host); else a
// needs-Nix error. `file` is the .jailed, named in messages.
Result<BackendKind> choose_backend(const config::AgentConfig& agent, bool nix_installed, const std::string& file);

}  // namespace jailed::resolve
