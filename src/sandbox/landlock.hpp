// Landlock from jailed's side: the kernel probe, where the helper is, the rules it is handed.
#pragma once

#include <string>

#include "sandbox/policy.hpp"

namespace jailed::sandbox {

// Where the Landlock helper is bound inside the jail (read-only, outside every granted path).
inline constexpr const char* k_landlock_helper_target = "/run/jailed/landlock";

// Returns the running kernel's Landlock ABI version, or 0 when Landlock is missing or disabled.
int probe_landlock_abi();

// Returns the absolute path of jailed-landlock: next to the running binary (the build tree), or
// in ../libexec/jailed/ from its bin directory (an install); "" if neither exists.
std::string find_landlock_helper();

// Returns the helper's rules for `policy`: NUL-separated pairs of a class letter (r, x, d, w;
// see landlock_access.hpp) and a path: the closure, then one rule per mount the jail grants.
std::string landlock_rules(const Policy& policy);

}  // namespace jailed::sandbox
