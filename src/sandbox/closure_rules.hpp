// The Landlock ruleset the helper applies, made on the host: created by jailed, and the closure's
// rules added by a child of jailed while bwrap builds the jail.
#pragma once

#include "sandbox/policy.hpp"
#include "util/result.hpp"

namespace jailed::sandbox {

// Returns a new ruleset (close-on-exec) for policy.landlock_helper: the file-system rights it
// handles for the landlock store view (none otherwise) and the scopes of policy.landlock_abi.
Result<int> create_helper_ruleset(const Policy& policy);

// Starts a child that adds one read-and-execute rule per closure path (policy.store_paths) to
// `ruleset`, opened beneath /nix/store without following symlinks, then writes "1" (or what
// failed) and exits. A rule names an inode, and the jail's
// /nix/store is a bind of the host's, so rules made out here hold in there; made in parallel,
// they cost nothing of the launch (~3 us a path in the helper otherwise: 1 ms at 300 paths).
// Returns the read end of the child's report (close-on-exec), for the helper's READY: it reads
// "1" and end of file before it applies the ruleset. Call last before executing bwrap, which
// then reaps the child like any stray one.
Result<int> start_closure_rules(int ruleset, const Policy& policy);

}  // namespace jailed::sandbox
