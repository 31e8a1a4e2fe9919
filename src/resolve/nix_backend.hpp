// The Nix backend: package specs to store paths and their closure, through the closure cache.
#pragma once

#include <optional>
#include <string>

#include "cache/closure_cache.hpp"
#include "resolve/nix_spec.hpp"
#include "resolve/resolver.hpp"
#include "util/process.hpp"
#include "util/tree_digest.hpp"

namespace jailed::resolve {

// Shows the user what a resolution is doing; the CLI draws it (only the CLI prints).
class Progress {
 public:
  virtual ~Progress() = default;
  // Shows that Nix works on `what` ("resolving 17 packages of crush with nix") until end().
  virtual void begin(const std::string& what) = 0;
  // Ends the display with `outcome` ("done (412 store paths)", "failed").
  virtual void end(const std::string& outcome) = 0;
  // Tells the user something that does not stop the run.
  virtual void warn(const std::string& message) = 0;
};

// How one resolution may use the cache.
struct NixOptions {
  std::string project;          // realpath of the .jailed: the cache keeps its agents' last good results
  bool refresh = false;         // resolve even on a cache hit (jailed resolve)
  bool keep_last_good = false;  // when Nix fails, warn and use the agent's last good result
  util::TreeDigests trees;      // local flakes already digested (by the trust check): not read again
  // An entry an earlier launch used (launch_record.hpp): a hit without opening the database,
  // when it is still what the cache would return.
  std::optional<cache::Entry> remembered;
};

// Resolves with Nix: a cache hit starts no process; a miss runs three (evaluate, build with
// GC roots, closure) for all the agent's packages together.
class NixBackend : public Resolver {
 public:
  NixBackend(util::CommandRunner& runner, std::string nix_path, cache::ClosureCache& cache, Progress& progress,
             NixOptions options);
  Result<Resolution> resolve(const config::AgentConfig& agent) override;
  // Returns true if the last resolve() came from the cache.
  bool was_cached() const { return m_cached; }
  // Returns the entry the last resolve() used when it is the cache's current one for the
  // agent's packages (not a last good result after a failure).
  const std::optional<cache::Entry>& current_entry() const { return m_current; }

 private:
  Result<cache::Entry> resolve_fresh(const config::AgentConfig& agent, const std::string& key,
                                     const std::vector<std::string>& specs);

  util::CommandRunner& m_runner;
  std::string m_nix;
  cache::ClosureCache& m_cache;
  Progress& m_progress;
  NixOptions m_options;
  bool m_cached = false;
  std::optional<cache::Entry> m_current;
};

// Builds what the sandbox needs from a cache entry: the program, PATH in role order, a
// shell for /bin/sh, the closure. Fails when the package has no bin/<command>.
Result<Resolution> resolution_from(const config::AgentConfig& agent, const AgentSpecs& specs, const cache::Entry& entry);

}  // namespace jailed::resolve
