// Landlock from jailed's side: the kernel probe, where the helper is, when it runs, its rules.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "sandbox/policy.hpp"

namespace jailed::sandbox {

// Returns the running kernel's Landlock ABI version, or 0 when Landlock is missing or disabled.
int probe_landlock_abi();

// Returns the absolute path of jailed-landlock: next to the running binary (the build tree), or
// in ../libexec/jailed/ from its bin directory (an install); "" if neither exists.
std::string find_landlock_helper();

// Returns JAILED_NO_LANDLOCK's value in `env` when it turns Landlock off (set, not "0"), else "".
std::string landlock_turned_off(const std::map<std::string, std::string>& env);

// Returns the helper a gated launch runs as bwrap's command (gate.hpp): find_landlock_helper(),
// unless JAILED_NO_LANDLOCK turns Landlock off; "" then, and bwrap runs the agent itself.
std::string find_gate_helper();

// Returns the helper's rules for the jail's own mounts: NUL-separated pairs of a class letter
// (r, x, d, w; R, W outside the Landlock store view; see landlock_access.hpp) and a path, one per
// mount the jail grants; "" without the helper. The closure's rules are not among them: jailed
// adds those on the host (closure_rules.hpp).
std::string landlock_rules(const Policy& policy);

// Runs the helper in front of every jail, so that its scopes keep signals (and, with network =
// on, the host's abstract Unix sockets) inside the jail and its port rules apply: sets
// policy.landlock_helper unless the kernel (no scopes, and no port rules where they would
// matter) or the install cannot, which adds a note instead. Call after store_mounts.
void plan_scopes(const HostFacts& host, Policy& policy);

// Returns what the helper does for `policy` in words, for explain; "" when it runs no helper.
std::string describe_helper(const Policy& policy);

}  // namespace jailed::sandbox
