// The Landlock ruleset the helper applies, made on the host: created by jailed, with a rule per
// closure path added out here, where it costs nothing of the launch (gate.hpp).
#pragma once

#include "sandbox/policy.hpp"
#include "util/result.hpp"

namespace jailed::sandbox {

// Returns a new ruleset (close-on-exec) for policy.landlock_helper: the file-system rights it
// handles for the landlock store view (none otherwise), the scopes of policy.landlock_abi and, on
// the host's network, TCP binding with a rule per allowed port (policy.limits.bind_ports).
Result<int> create_helper_ruleset(const Policy& policy);

// Adds one read-and-execute rule per closure path (policy.store_paths) to `ruleset`, opened
// beneath /nix/store without following symlinks. A rule names an inode, and the jail's
// /nix/store is a bind of the host's, so rules made out here hold in there.
Status add_closure_rules(int ruleset, const Policy& policy);

}  // namespace jailed::sandbox
