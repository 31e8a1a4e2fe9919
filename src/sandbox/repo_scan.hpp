// Scanning a project for what host tools run from it later: every git repository in the tree
// (nested ones and submodules too), the git dirs, configs and hooks host git uses for them,
// the configs of hook managers, and the files each .envrc loads.
#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "sandbox/policy.hpp"
#include "sandbox/tree_walk.hpp"
#include "util/result.hpp"

namespace jailed::sandbox {

// How many directories a launch walks at most, breadth first: a bound on its cost, not a
// budget an agent could exhaust unseen (past it, every launch warns). Reading a directory
// costs about 10 microseconds on a loaded 2-core VM, checking one that has not changed since
// the last walk about 1.3 (bench/probe).
inline constexpr size_t k_scan_dir_limit = 100000;

// What the scan found under a root: existing paths to re-bind read-only (with why),
// placeholders for missing names the agent must not create, and what it could not protect.
struct HostRunScan {
  std::vector<std::pair<std::string, std::string>> protect;
  std::vector<Placeholder> placeholders;
  std::vector<std::string> unprotected;
  size_t directories = 0;  // scanned
  bool truncated = false;  // stopped at the limit
};

// Scans `root` (a real path). With `git_commit`, the repository at `root` keeps its git dir
// writable but for what host git executes or obeys (config, hooks, info, modules, worktrees,
// commondir); every other repository's git dir is read-only whole. Fails if a path it must
// protect is a symlink.
// With `cache_file`, the walk of the tree reuses and updates the record kept there
// (scan_cache.hpp).
Result<HostRunScan> scan_host_run(const std::string& root, bool git_commit, const std::string& cache_file = "",
                                  size_t dir_limit = k_scan_dir_limit);

// Writes the placeholders of `project` that have content (git's commondir) where they are
// missing, before the launch binds them read-only; never through a symlink, never over a file.
Status ensure_placeholders(const ProjectFacts& project);

}  // namespace jailed::sandbox
