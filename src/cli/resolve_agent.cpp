// Backend choice, cache and progress wired together for the commands.
#include "cli/resolve_agent.hpp"

#include <unistd.h>

#include <cstdlib>

#include "cache/closure_cache.hpp"
#include "cli/output.hpp"
#include "cli/progress.hpp"
#include "resolve/host_backend.hpp"
#include "resolve/nix_backend.hpp"
#include "util/error.hpp"
#include "util/paths.hpp"
#include "util/process.hpp"
#include "util/strings.hpp"

namespace jailed::cli {
namespace {

std::string host_path() {
  const char* path = std::getenv("PATH");
  return path ? path : "/usr/local/bin:/usr/bin:/bin";
}

}  // namespace

std::string HostAgent::describe() const {
  return "runs " + display_path(program) + " from the host" +
         (installs.empty() ? std::string() : " (binds " + util::join(installs, ", ") + ")");
}

Result<HostAgent> check_host_agent(const config::AgentConfig& agent, const std::string& real_file) {
  resolve::HostBackend backend(host_path(), "", util::parent_dir(real_file));
  auto resolved = backend.resolve(agent);
  if (!resolved) return resolved.failure();
  HostAgent host{resolved->program, {}};
  for (const auto& path : resolved->readonly) {
    if (path.install) host.installs.push_back(display_path(path.path));
  }
  return host;
}

Resolved resolve_agent(const config::AgentConfig& agent, const std::string& real_file, ResolveMode mode,
                       const util::TreeDigests& trees, std::optional<cache::Entry> remembered) {
  auto nix_path = util::find_program("nix", host_path());
  if (resolve::choose_backend(agent, nix_path.has_value(), real_file).take() == resolve::BackendKind::host) {
    resolve::HostBackend backend(host_path(), "", util::parent_dir(real_file));
    return {backend.resolve(agent).take(), false, {}};
  }
  std::string nix = *nix_path;
  cache::ClosureCache cache(cache::ClosureCache::default_db_path(), cache::ClosureCache::default_roots_dir(),
                            [](const std::string& message) { warn(message); });
  util::SystemRunner runner;
  TerminalProgress progress;
  resolve::NixOptions options{real_file, mode == ResolveMode::reload, mode == ResolveMode::launch, trees,
                              std::move(remembered)};
  resolve::NixBackend backend(runner, nix, cache, progress, std::move(options));
  auto resolution = backend.resolve(agent).take();
  return {std::move(resolution), backend.was_cached(), backend.current_entry()};
}

int resolve_agents_now(const config::JailConfig& config, const std::string& real_file, ResolveMode mode,
                       const util::TreeDigests& trees, const std::string& only) {
  int status = 0;
  bool tty = ::isatty(2) == 1;  // TerminalProgress draws only then
  for (const auto& agent : config.agents) {
    if (!only.empty() && agent.name != only) continue;
    auto kind = resolve::choose_backend(agent, util::find_program("nix", host_path()).has_value(), real_file);
    if (!kind && mode == ResolveMode::allow) {
      // Nix may be installed later; the agent fails with this message when launched until then.
      warn(kind.error());
      continue;
    }
    try {
      if (std::move(kind).take() != resolve::BackendKind::nix) {
        if (mode == ResolveMode::reload) info("agent " + agent.name + " uses the host backend: nothing to resolve");
        // Found now or not, the host's programs may change before a launch: a problem is a warning.
        // A program from the system directories needs no word; an install bound beside them does.
        auto host = check_host_agent(agent, real_file);
        if (mode == ResolveMode::allow && !host.ok()) warn(host.error());
        if (mode == ResolveMode::allow && host.ok() && !host->installs.empty()) {
          info("agent " + agent.name + ": " + host->describe());
        }
        continue;
      }
      auto resolved = resolve_agent(agent, real_file, mode, trees);
      // A fresh resolution on a terminal has already said "done (N store paths)".
      if (resolved.cached || !tty) {
        info("agent " + agent.name + ": " + std::to_string(resolved.resolution.closure.size()) + " store paths" +
             (resolved.cached ? " (cached)" : ""));
      }
    } catch (const Error& failure) {
      error(failure.what());
      status = 1;
    }
  }
  return status;
}

}  // namespace jailed::cli
