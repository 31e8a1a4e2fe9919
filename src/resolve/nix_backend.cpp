// The Nix backend: the cache first, Nix only on a miss, the last good result when Nix fails.
#include "resolve/nix_backend.hpp"

#include <unistd.h>

#include <algorithm>
#include <ctime>
#include <set>

#include "cache/cache_key.hpp"
#include "resolve/interrupt_guard.hpp"
#include "resolve/nix_calls.hpp"
#include "resolve/nix_setup.hpp"
#include "util/tree_digest.hpp"
#include "util/files.hpp"
#include "util/strings.hpp"

namespace jailed::resolve {
namespace {

std::string where(const config::Origin& origin) { return origin.file.empty() ? "" : origin.text() + ": "; }

bool is_executable_file(const std::string& path) {
  auto st = util::stat_path(path);
  return st && S_ISREG(st->st_mode) && ::access(path.c_str(), X_OK) == 0;
}

bool is_dir(const std::string& path) {
  auto st = util::stat_path(path);
  return st && S_ISDIR(st->st_mode);
}

std::vector<std::string> spec_texts(const std::vector<NixSpec>& specs) {
  std::vector<std::string> out;
  out.reserve(specs.size());
  for (const auto& spec : specs) out.push_back(spec.text);
  return out;
}

// Returns the key: canonical specs, this machine, this Nix, and every local flake's files
// (digested here unless `known` has them).
Result<std::string> key_of(const std::vector<NixSpec>& specs, const std::string& nix, const util::TreeDigests& known) {
  cache::KeyInputs inputs;
  inputs.system = cache::system_name();
  auto identity = cache::nix_identity(nix);
  if (!identity) return identity.failure();
  inputs.nix = *identity;
  std::set<std::string> dirs;
  for (const auto& spec : specs) {
    inputs.specs.push_back(spec.text);
    if (!spec.local_dir.empty()) dirs.insert(spec.local_dir);
  }
  for (const auto& dir : dirs) {
    auto found = known.find(dir);
    auto digest = found != known.end() ? found->second : util::tree_digest(dir);
    if (!digest) return fail("cannot read local flake " + dir + ": " + digest.error());
    inputs.trees.emplace_back(dir, *digest);
  }
  return cache::make_key(inputs);
}

}  // namespace

NixBackend::NixBackend(util::CommandRunner& runner, std::string nix_path, cache::ClosureCache& cache, Progress& progress,
                       NixOptions options)
    : m_runner(runner), m_nix(std::move(nix_path)), m_cache(cache), m_progress(progress), m_options(std::move(options)) {}

Result<Resolution> NixBackend::resolve(const config::AgentConfig& agent) {
  m_cached = false;
  m_current.reset();
  auto specs = agent_specs(agent);
  if (!specs) return specs.failure();
  auto all = specs->all();
  auto key = key_of(all, m_nix, m_options.trees);
  if (!key) return key.failure();

  if (!m_options.refresh) {
    std::string text = cache::spec_text(spec_texts(all));
    // The remembered entry was marked used when it was remembered, under an hour ago.
    if (m_options.remembered && m_cache.usable(*m_options.remembered, *key, text)) {
      m_current = m_options.remembered;
    } else if (auto entry = m_cache.lookup(*key, text)) {
      m_cache.mark_used(*key, m_options.project, agent.name);
      m_current = std::move(entry);
    }
    if (m_current) {
      m_cached = true;
      return resolution_from(agent, *specs, *m_current);
    }
  }
  auto sorted = spec_texts(all);
  std::sort(sorted.begin(), sorted.end());
  auto fresh = resolve_fresh(agent, *key, sorted);
  if (fresh) {
    m_current = *fresh;
    return resolution_from(agent, *specs, *fresh);
  }

  if (!m_options.keep_last_good) return fresh.failure();
  auto previous = m_cache.last_good(m_options.project, agent.name);
  if (!previous) return fresh.failure();
  m_progress.warn(fresh.error());
  m_progress.warn("using the last good packages of agent \"" + agent.name + "\" (resolved " + util::local_date(previous->created) +
                  "); fix the error above, then run 'jailed resolve'");
  m_cached = true;
  return resolution_from(agent, *specs, *previous);
}

Result<cache::Entry> NixBackend::resolve_fresh(const config::AgentConfig& agent, const std::string& key,
                                               const std::vector<std::string>& specs) {
  InterruptGuard guard;
  std::string roots = m_cache.begin_roots(key);
  m_progress.begin("resolving " + std::to_string(specs.size()) + " packages of " + agent.name + " with nix");
  auto realised = realise_specs(m_runner, nix_tools(m_nix), specs, m_cache.roots_path(roots),
                                [&] { return guard.interrupted(); });
  if (!realised) {
    // No row names these roots yet; removing them leaves no trace of the attempt.
    m_cache.abandon_roots(roots);
    m_progress.end(guard.interrupted() ? "interrupted" : "failed");
    // When Nix is not set up to build for this user, what to do comes first, Nix's words after.
    std::string advice = guard.interrupted() ? "" : setup_advice(realised.error());
    return fail("agent \"" + agent.name + "\": nix could not resolve its packages" +
                (advice.empty() ? ":\n" : ": " + advice + "\nnix said: ") + realised.error());
  }
  cache::Entry entry{key, specs, std::move(realised->outputs), std::move(realised->closure), roots, 0, 0};
  try {
    m_cache.commit(entry, m_options.project, agent.name);
  } catch (...) {
    m_cache.abandon_roots(roots);
    m_progress.end("failed");
    throw;
  }
  m_progress.end("done (" + std::to_string(entry.closure.size()) + " store paths)");
  return entry;
}

Result<Resolution> resolution_from(const config::AgentConfig& agent, const AgentSpecs& specs, const cache::Entry& entry) {
  auto outputs_of = [&](const std::string& spec) -> const std::vector<std::string>* {
    auto it = std::find(entry.specs.begin(), entry.specs.end(), spec);
    return it == entry.specs.end() ? nullptr : &entry.outputs[static_cast<size_t>(it - entry.specs.begin())];
  };
  Resolution out;
  out.backend = "nix";

  const auto* package = outputs_of(specs.package.text);
  if (!package) {
    return fail("agent \"" + agent.name + "\": its package " + specs.package.text +
                " has no resolution yet; run 'jailed resolve " + agent.name + "'");
  }
  std::string command = agent.command ? agent.command->text : agent.name;
  config::Origin origin = agent.command ? agent.command->origin : agent.package->origin;
  if (command.empty() || command.find('/') != std::string::npos) {
    return fail(where(origin) + "agent \"" + agent.name + "\": command " + util::printable(command) +
                    " must be the name of a program in the package's bin/",
                ExitCode::bad_config);
  }
  for (const auto& output : *package) {
    if (is_executable_file(output + "/bin/" + command)) {
      out.program = output + "/bin/" + command;
      break;
    }
  }
  if (out.program.empty()) {
    return fail(where(origin) + "agent \"" + agent.name + "\": package " + specs.package.text + " has no bin/" + command +
                    " (outputs: " + util::join(*package, " ") + "); set command = the program to run",
                ExitCode::bad_config);
  }

  // PATH: the agent's package, its packages, the base packages; then anything else the entry
  // holds (a last good entry made from an earlier version of the .jailed).
  std::vector<std::string> order = spec_texts(specs.all());
  for (const auto& spec : entry.specs) {
    if (std::find(order.begin(), order.end(), spec) == order.end()) order.push_back(spec);
  }
  for (const auto& spec : order) {
    const auto* paths = outputs_of(spec);
    if (!paths) continue;
    for (const auto& output : *paths) {
      std::string bin = output + "/bin";
      if (is_dir(bin) && std::find(out.path_dirs.begin(), out.path_dirs.end(), bin) == out.path_dirs.end()) {
        out.path_dirs.push_back(bin);
      }
    }
  }
  for (const auto& dir : out.path_dirs) {
    if (is_executable_file(dir + "/sh")) {
      out.shell = dir + "/sh";
      break;
    }
  }
  out.closure = entry.closure;
  out.full_store = agent.store == "full";
  return out;
}

}  // namespace jailed::resolve
