// Whether Nix can build for the calling user, and what to do when it cannot: a Nix that is
// installed is not always one that builds (Debian's nix-bin without its build users or daemon).
#pragma once

#include <string>

#include "resolve/nix_calls.hpp"
#include "util/process.hpp"
#include "util/result.hpp"

namespace jailed::resolve {

// Builds a tiny derivation that is new every time (Nix's own builtin:buildenv builder, so it
// needs nothing from the host), offline. Fails with setup_advice() first, then Nix's error.
Status probe_nix_build(util::CommandRunner& runner, const NixTools& tools);

// Returns what the user should do about a Nix error that means Nix is not set up to build for
// them (no build users, no daemon, not in nix-users), or "" for any other error.
std::string setup_advice(const std::string& nix_error);

}  // namespace jailed::resolve
