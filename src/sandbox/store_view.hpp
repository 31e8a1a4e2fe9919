// How a Nix jail shows /nix/store: once, confined by Landlock; path by path; or all of it.
#pragma once

#include <string>
#include <vector>

#include "sandbox/policy.hpp"

namespace jailed::sandbox {

inline constexpr const char* k_store_dir = "/nix/store";

// Returns the name of `path` in the store if it is one directly (/nix/store/NAME); "" otherwise.
// Anything else in a closure is refused: a rule or a bind for it could show the agent more.
std::string store_name(const std::string& path);

// Returns the mounts that show the store to a Nix jail (none for other backends) and records
// the chosen view in `policy` (store_view, store_paths, landlock_abi, landlock_helper, notes).
// Pure: Landlock's availability and the helper's path come from `host`; JAILED_NO_LANDLOCK=1 in
// the caller's environment forces the per-path view (tests and benchmarks).
std::vector<Mount> store_mounts(const resolve::Resolution& resolution, const HostFacts& host, Policy& policy);

// Returns the mounts that come after every other one: the per-path binds (a closure path that
// is a symlink is made a symlink, not bound: a bind would follow it wherever it leads) (bwrap re-reads
// /proc/self/mountinfo after each mount, so any mount after them would pay for all N) and the
// seal over them.
std::vector<Mount> late_store_mounts(const Policy& policy);

// Returns the view's name for JSON: none, landlock, per_path or full.
const char* store_view_name(StoreView view);

// Returns the view in words for explain, e.g. "302 paths, confined by Landlock ABI 7"; "" for none.
std::string describe_store(const Policy& policy);

}  // namespace jailed::sandbox
