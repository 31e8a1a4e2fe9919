// Resolving an agent with its backend and the closure cache: what run, explain, allow and reload share.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cache/closure_cache.hpp"
#include "config/jail_config.hpp"
#include "resolve/choose.hpp"
#include "resolve/resolver.hpp"
#include "util/tree_digest.hpp"

namespace jailed::cli {

// How a command wants an agent resolved.
enum class ResolveMode {
  launch,  // run/explain: the cache; when Nix fails, the agent's last good result (with a warning)
  allow,   // allow: the cache, else Nix in the foreground; a failure is an error
  reload,  // reload: Nix always, replacing the cached result
};

// A resolution and whether the cache (or the last good result) supplied it.
struct Resolved {
  resolve::Resolution resolution;
  bool cached = false;
  std::optional<cache::Entry> entry;  // Nix: the cache's current entry it came from, if so
};

// Resolves `agent` of the allowed .jailed whose realpath is `real_file`; throws on failure
// (Nix's own error included). `trees`: the local flakes the trust check already read;
// `remembered`: the entry the agent's launch record holds, tried before the database.
Resolved resolve_agent(const config::AgentConfig& agent, const std::string& real_file, ResolveMode mode,
                       const util::TreeDigests& trees = {}, std::optional<cache::Entry> remembered = {});

// What a host-backend agent runs: its program, and the installs bound beside the system
// directories (an npm package, a virtual environment, an interpreter), for allow and doctor.
struct HostAgent {
  std::string program;
  std::vector<std::string> installs;
  // Returns "runs PROGRAM from the host (binds ...)".
  std::string describe() const;
};

// Returns what a host-backend agent runs, or why it cannot run: its program or the interpreter
// its #! line names is not found.
Result<HostAgent> check_host_agent(const config::AgentConfig& agent, const std::string& real_file);

// Resolves every Nix agent of an allowed file in the foreground (allow, reload), printing
// one line per agent; `only` limits it to one agent. Returns 0, or 1 if any failed (each
// failure is printed).
int resolve_agents_now(const config::JailConfig& config, const std::string& real_file, ResolveMode mode,
                       const util::TreeDigests& trees, const std::string& only = "");

}  // namespace jailed::cli
