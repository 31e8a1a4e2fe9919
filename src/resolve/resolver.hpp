// Turns an agent's package specs into what the sandbox must contain.
#pragma once

#include <string>
#include <vector>

#include "config/jail_config.hpp"
#include "util/result.hpp"

namespace jailed::resolve {

// A path made visible read-only inside the jail at the same location.
struct ReadonlyPath {
  std::string path;
  std::string reason;
  bool install = false;  // part of a host program's install (not a system directory)
};

// A symlink recreated inside the jail (e.g. merged-/usr /bin -> usr/bin).
struct Symlink {
  std::string target;  // what the link points to
  std::string path;    // where the link is
  std::string reason;  // for explain; "" for a system symlink
};

// What an agent needs at run time.
struct Resolution {
  std::string backend;                  // "host" (and later "nix")
  std::string program;                  // absolute path of the agent's command
  std::vector<std::string> path_dirs;   // PATH inside, in order
  std::vector<ReadonlyPath> readonly;   // system paths bound read-only
  std::vector<Symlink> symlinks;        // system symlinks recreated
  std::string shell;                    // absolute path of a POSIX shell for /bin/sh
  // Nix backend: every store path the agent may read and execute (the runtime closure of
  // its packages), sorted; empty for the host backend.
  std::vector<std::string> closure;
  bool full_store = false;              // store = full: all of /nix/store, unconfined
};

// Resolves package specs for one backend.
class Resolver {
 public:
  virtual ~Resolver() = default;
  // Returns what `agent` needs, or an error naming the spec and what to do.
  virtual Result<Resolution> resolve(const config::AgentConfig& agent) = 0;
};

}  // namespace jailed::resolve
