// From a .jailed and an agent name to a sandbox policy: the steps `run` and `explain` share.
#pragma once

#include <string>
#include <vector>

#include "config/jail_config.hpp"
#include "resolve/resolver.hpp"
#include "sandbox/policy.hpp"

namespace jailed::cli {

// Everything decided about one launch, before anything runs.
struct AgentPlan {
  config::JailConfig config;
  config::AgentConfig agent;
  resolve::Resolution resolution;
  sandbox::Policy policy;
};

// Loads the allowed .jailed at `jailed_file`, picks the agent `name` (its shim command name
// when `by_shim`), resolves it and computes its policy with `agent_args`. A `launch` creates
// missing config paths on the host and uses the agent's launch record; explain only looks.
AgentPlan plan_agent(const std::string& jailed_file, const std::string& name, bool by_shim,
                     const std::vector<std::string>& agent_args, bool launch);

// Launches the agent in its sandbox. Without a snapshot (`no_snapshot`, JAILED_NO_SNAPSHOT or
// snapshot = off) jailed becomes bwrap and returns only on failure; with one it waits for the
// session (session.hpp) and returns the agent's exit status.
int run_agent(const std::string& jailed_file, const std::string& name, bool by_shim,
              const std::vector<std::string>& agent_args, bool no_snapshot = false);

}  // namespace jailed::cli
