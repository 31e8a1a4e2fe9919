// The sandbox policy: what an agent sees, may write, and which environment it gets.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "config/jail_config.hpp"
#include "resolve/resolver.hpp"

namespace jailed::sandbox {

enum class MountKind {
  proc,     // fresh procfs at target
  dev,      // minimal /dev at target
  tmpfs,    // empty tmpfs at target
  dir,      // empty directory at target
  ro_bind,  // source read-only at target
  bind,     // source read-write at target
  symlink,  // symlink at target pointing to source
  ro_data,  // a file at target holding `source` as its content (read-only with the root)
  copy,     // a file at target holding a copy of the file `source` (read-only with the root)
  empty_ro, // an empty read-only directory at target
  unlisted_dir,  // an empty tmpfs at target, mode 0111: what is mounted beneath opens by name, unlisted
  remount_ro,    // target made read-only, after the mounts beneath it exist
};

// How the jail shows /nix/store (Nix backend only).
enum class StoreView {
  none,      // host backend: no store
  landlock,  // all of /nix/store bound once; the helper's Landlock ruleset confines it to the closure
  per_path,  // each closure path bound on its own (no Landlock: slower start)
  full,      // store = full: all of /nix/store, unconfined
};

// One step of building the jail's file system, in order; `reason` is shown by explain.
struct Mount {
  MountKind kind;
  std::string source;
  std::string target;
  std::string reason;
  bool operator==(const Mount&) const = default;
};

// What the jail may consume. Each limit's `*_from` says where it was set, for explain.
struct Limits {
  uint64_t tmpfs_bytes = 0;   // /tmp and the empty home, each (bwrap --size)
  uint64_t processes = 0;     // processes and threads at once (RLIMIT_NPROC, set inside the jail)
  uint64_t memory_bytes = 0;  // data memory of each process (RLIMIT_DATA)
  std::vector<uint16_t> bind_ports;  // TCP ports the agent may bind (Landlock, network = on)
  bool root_caller = false;   // the kernel exempts uid 0 from RLIMIT_NPROC: no process limit
  std::string tmpfs_from, processes_from, memory_from;
  bool operator==(const Limits&) const = default;
};

// Everything that decides the jail, computed before anything runs.
struct Policy {
  std::string agent;
  std::string backend;
  bool network = false;
  std::vector<Mount> mounts;
  std::vector<std::pair<std::string, std::string>> env;  // exactly the agent's environment
  std::string chdir;                                     // working directory inside
  std::vector<std::string> command;                      // argv inside; [0] absolute
  std::vector<std::string> notes;                        // warnings (skipped grants, ...)
  std::vector<std::string> unprotected;                  // what protection by path leaves open (explain)
  StoreView store_view = StoreView::none;
  std::vector<std::string> store_paths;  // the closure the agent may read (empty for none/full)
  int landlock_abi = 0;                  // the ABI the ruleset is built for (store_view landlock)
  std::map<std::string, std::string> store_links;  // per-path view: closure symlinks, made symlinks inside
  std::string landlock_helper;           // jailed-landlock on the host, run in front of command; "" for none
  Limits limits;
};

// Facts about the caller and the host that the policy depends on.
struct HostFacts {
  std::string home;
  std::string user;
  std::string group;  // name of the user's primary group (the user name when unknown)
  uid_t uid = 0;
  gid_t gid = 0;
  std::string cwd;
  std::map<std::string, std::string> env;   // the caller's environment
  std::vector<std::string> network_files;   // existing /etc files for DNS and TLS
  bool localtime = false;                   // /etc/localtime exists
  std::vector<std::string> host_global_proc;  // existing /proc entries that act on the whole host
  int landlock_abi = 0;                     // the kernel's Landlock ABI; 0 without Landlock
  std::string landlock_helper;              // jailed-landlock on the host; "" if not installed
  std::string store_env;                    // a package's bin/env for /usr/bin/env (probe_store)
  std::map<std::string, std::string> store_links;  // per-path view: closure paths that are symlinks, and their targets
  std::string homes_dir;                    // $XDG_STATE_HOME/jailed/homes: agents' private homes
  std::string login_shell;                  // the caller's shell in the host's passwd ("" if none)
  std::string shell;                        // the shell the jail's passwd names (probe_shell)
  std::map<std::string, std::string> ca_paths;  // CA variables set to an existing absolute path
};

// A name the agent must not create, held by a read-only mount. bwrap makes the mount point on
// the host, so a placeholder stays in the project after the session: only names whose empty
// (or given) form the host tools treat as absent get one.
struct Placeholder {
  std::string path;
  bool directory = false;  // an empty read-only directory; else a read-only file
  std::string content;     // a file's content, written by ensure_placeholders (empty: /dev/null)
  std::string reason;
  bool operator==(const Placeholder&) const = default;
};

// Facts about the project, probed from disk before the policy is made.
struct ProjectFacts {
  std::string dir;                                     // project directory (real path)
  std::vector<std::string> protected_paths;            // existing paths to re-bind read-only
  // The real path of each grant and config path (by the path as configured): what the jail binds.
  std::map<std::string, std::string> grant_sources;
  std::vector<std::string> placeholders;               // missing names the agent must not create
  // More paths the host runs later, each with why: core.hooksPath directories and local
  // flakes (Nix builds them outside the jail) inside the project.
  std::vector<std::pair<std::string, std::string>> extra_protected;
  // Found by the scan of the tree (repo_scan.hpp): placeholders for missing names host tools
  // would load, what cannot be protected by path (for explain), and the git identity the
  // agent commits under with git = commit (GIT_AUTHOR_*, GIT_COMMITTER_*).
  std::vector<Placeholder> more_placeholders;
  std::vector<std::string> unprotected;
  std::vector<std::string> scan_notes;  // warnings for every launch (a scan cut short)
  std::vector<std::pair<std::string, std::string>> git_env;
};

// Returns the caller's identity, directories and environment, which /etc files exist, the
// kernel's Landlock ABI and where the Landlock helper is.
HostFacts probe_host();

// Fills host.store_env: the env of a package's bin directory (coreutils preferred), so that
// `#!/usr/bin/env` scripts work in a Nix jail; and, for the per-path view, host.store_links.
// Call after resolving, before make_policy.
void probe_store(const resolve::Resolution& resolution, HostFacts& host);

// Fills host.shell: the caller's login shell if the resolution shows it (as its realpath),
// else the first bash, then sh, on the jail's PATH, else /bin/sh. Call after resolving.
void probe_shell(const resolve::Resolution& resolution, HostFacts& host);

// Returns the proxy and CA variables a jail with network = on gets from the caller when set.
const std::vector<std::string>& network_variables();

// Returns the relative names protected inside the project (.jailed, .git/hooks, ...).
const std::vector<std::string>& protected_names();

// Probes the project (and, with workdir = cwd, the current directory) for `agent`'s launch:
// which protected paths exist, where each grant and config path really is (resolve_grants() refuses
// a missing grant and a symlink an agent could have made). The local flakes of `agent` and of
// the `others` of its file are protected alike. Fails if a protected path or a directory above
// it within the project is a symlink (it could redirect the read-only bind elsewhere).
Result<ProjectFacts> probe_project(const std::string& project_dir, const config::AgentConfig& agent,
                                   const std::vector<config::AgentConfig>& others = {});

// Returns the agent's config paths kept as private copies in its private home: every one under
// the home outside the directories the jail binds there (a directory config path, a grant, the
// work directory); with config-share only the files (names ending in .json, .toml, .yaml, ...),
// as a file bound on its own could not be replaced by a rename.
std::vector<std::string> private_config_paths(const config::AgentConfig& agent, const HostFacts& host,
                                              const ProjectFacts& project);

// Returns the name of a project's directory of private homes: its base name (made safe) and a
// hash of its real path, e.g. "app-1f2e3d4c5b6a".
std::string project_home_key(const std::string& project_dir);

// Returns the agent's private home on the host, host.homes_dir/<project key>/<agent>, bound read-write at the
// home path instead of an empty tmpfs; "" when the agent has no private_config_paths.
std::string private_home(const config::AgentConfig& agent, const HostFacts& host, const ProjectFacts& project);

// Creates the agent's missing config paths (bwrap cannot bind a missing source): directories
// 0700, or an empty 0600 file when the name ends in .json, .toml, .yaml, ... Paths kept in the
// private home are not touched in the real home: the private home is created 0700 and an entry
// missing there is seeded with a copy of the real file or directory tree, if that exists.
Status ensure_config_paths(const config::AgentConfig& agent, const HostFacts& host, const ProjectFacts& project);

// Builds the policy for `agent`: a pure function of its inputs.
Policy make_policy(const config::AgentConfig& agent, const resolve::Resolution& resolution, const HostFacts& host,
                   const ProjectFacts& project, const std::vector<std::string>& agent_args);

}  // namespace jailed::sandbox
