// Landlock from jailed's side: the kernel probe, where the helper is, when it runs, its rules.
#pragma once

#include <string>
#include <vector>

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
// "" (scopes only) unless the store view is landlock.
std::string landlock_rules(const Policy& policy);

// Returns the helper's mount for a jail on the host's network (policy.network) whose store view
// runs no helper, so that its scopes keep the host's abstract Unix sockets out of reach, and sets
// policy.store_helper; where the kernel (ABI < 6) or the install cannot, adds a note instead.
// Pure, like store_mounts: call it after them.
std::vector<Mount> scope_mounts(const HostFacts& host, Policy& policy);

}  // namespace jailed::sandbox
