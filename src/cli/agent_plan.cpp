#include "cli/agent_plan.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "cli/context.hpp"
#include "cli/output.hpp"
#include "cli/resolve_agent.hpp"
#include "cli/session.hpp"
#include "sandbox/gate.hpp"
#include "sandbox/landlock.hpp"
#include "sandbox/launcher.hpp"
#include "sandbox/repo_scan.hpp"
#include "util/error.hpp"
#include "util/paths.hpp"
#include "util/spellcheck.hpp"
#include "util/strings.hpp"

namespace jailed::cli {
namespace {

const config::AgentConfig& pick_agent(const config::JailConfig& config, const std::string& name, bool by_shim) {
  const config::AgentConfig* agent = by_shim ? config.find_shim(name) : config.find_agent(name);
  if (agent) return *agent;
  std::vector<std::string> names;
  for (const auto& candidate : config.agents) names.push_back(by_shim ? candidate.shim_name.text : candidate.name);
  std::string listed = names.empty() ? "none" : util::join(names, ", ");
  throw Error("no agent " + util::printable(name) + " in " + display_path(config.file) + util::did_you_mean(name, names) +
                  " (agents: " + listed + ")",
              ExitCode::usage);
}

// The planner of a gated launch: plans the agent and hands the jail over, or says why not and
// has the helper exit with the status jailed would have; returns the planner's exit status.
int hand_over_plan(sandbox::Gate& gate, const std::string& jailed_file, const std::string& name, bool by_shim,
                   const std::vector<std::string>& agent_args, int report_fd) {
  int status;
  try {
    auto plan = plan_agent(jailed_file, name, by_shim, agent_args, true);
    for (const auto& note : plan.policy.notes) warn(note);
    // While bwrap builds the jail; the helper runs nothing before the hand-over, so the
    // snapshot is complete before the agent's first instruction.
    return sandbox::hand_over_policy(
        gate, plan.policy, [](const std::string& why) { error(why); }, [&] { begin_session(plan, report_fd); });
  } catch (const Error& e) {
    error(e.what());
    status = static_cast<int>(e.code());
  } catch (const std::exception& e) {
    error(e.what());
    status = static_cast<int>(ExitCode::failure);
  }
  sandbox::hand_over_failure(gate, status);
  return status;
}

}  // namespace

AgentPlan plan_agent(const std::string& jailed_file, const std::string& name, bool by_shim,
                     const std::vector<std::string>& agent_args, bool launch) {
  // A launch consults what the agent's last launch learnt from the databases (launch_memo.hpp).
  LaunchMemo memo = launch ? LaunchMemo(jailed_file, (by_shim ? "shim " : "agent ") + name) : LaunchMemo();
  auto [file, config, trees, trust_hash] = load_allowed(jailed_file, launch ? &memo : nullptr);
  AgentPlan plan{std::move(config), {}, {}, {}};
  plan.agent = pick_agent(plan.config, name, by_shim);

  // On a cache hit this costs stat()s and a little SQLite (none with a launch record); Nix runs
  // only on a miss (the first launch of an agent `allow` did not resolve, or after its flake changed).
  auto resolved = resolve_agent(plan.agent, file.real_path, ResolveMode::launch, trees, memo.entry());
  if (launch) memo.remember(file.real_path, trust_hash, resolved.entry);
  plan.resolution = std::move(resolved.resolution);

  // Bind the project at its real location: the caller's cwd (from getcwd) is physical too.
  std::string project_dir = util::parent_dir(file.real_path);
  // Every agent's local flakes are protected: one agent must not edit what Nix builds for another.
  auto project = sandbox::probe_project(project_dir, plan.agent, plan.config.agents).take();
  auto host = sandbox::probe_host();
  if (launch) {
    sandbox::ensure_config_paths(plan.agent, host, project).take();
    sandbox::ensure_placeholders(project).take();
  }
  sandbox::probe_store(plan.resolution, host);  // /usr/bin/env from the closure, for Nix jails
  sandbox::probe_shell(plan.resolution, host);  // the login shell the jail's passwd names
  plan.policy = sandbox::make_policy(plan.agent, plan.resolution, host, project, agent_args);
  return plan;
}

int run_agent(const std::string& jailed_file, const std::string& name, bool by_shim,
              const std::vector<std::string>& agent_args, bool no_snapshot) {
  sandbox::check_standard_descriptors().take();
  // Check the sandbox first: without bwrap nothing else matters.
  std::string bwrap = sandbox::find_bwrap().take();
  sandbox::check_user_namespaces(bwrap).take();
  std::string helper = sandbox::find_gate_helper();
  // With a snapshot jailed waits for the jail (session.hpp); without one it becomes bwrap.
  int report[2] = {-1, -1};
  if (!no_snapshot && wants_snapshot(jailed_file) && ::pipe2(report, O_CLOEXEC) != 0) {
    throw Error(std::string("cannot start the session: ") + std::strerror(errno));
  }
  if (helper.empty()) {
    // No helper: work the jail out, then start bwrap with the agent as its command.
    auto plan = plan_agent(jailed_file, name, by_shim, agent_args, true);
    for (const auto& note : plan.policy.notes) warn(note);
    auto start = [&] { throw Error(sandbox::launch(plan.policy, bwrap).error(), ExitCode::no_sandbox); };
    if (report[0] < 0) start();
    begin_session(plan, report[1]);
    return run_session(start, report[0], -1);
  }
  // The gated launch (gate.hpp): bwrap starts now, a planner hands the jail over meanwhile.
  auto start = [&] {
    auto failed = sandbox::launch_gated(bwrap, helper, [&](sandbox::Gate& gate) {
      return hand_over_plan(gate, jailed_file, name, by_shim, agent_args, report[1]);
    });
    throw Error(failed.error(), ExitCode::no_sandbox);
  };
  if (report[0] < 0) start();
  return run_session(start, report[0], report[1]);
}

}  // namespace jailed::cli
