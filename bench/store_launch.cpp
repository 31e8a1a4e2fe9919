// Launches an agent over a Nix closure the way `jailed run` does once the closure is resolved
// and cached: probe the host, make the policy, launch (memfds, bwrap, the Landlock helper).
// bench/store times it beside `jailed run`: the difference is the config, trust and cache.
//   bench-store-launch closure|full CLOSURE_FILE PROGRAM [ARGS...]
// CLOSURE_FILE holds one store path a line (nix-store -qR); JAILED_NO_LANDLOCK=1 forces the
// per-path fallback, as it does for jailed.
#include <cstdio>
#include <string>
#include <vector>

#include "sandbox/launcher.hpp"
#include "sandbox/policy.hpp"
#include "util/files.hpp"
#include "util/paths.hpp"
#include "util/strings.hpp"

using namespace jailed;

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: bench-store-launch closure|full CLOSURE_FILE PROGRAM [ARGS...]\n");
    return 2;
  }
  auto listed = util::read_file(argv[2]);
  if (!listed) {
    std::fprintf(stderr, "bench-store-launch: %s\n", listed.error().c_str());
    return 1;
  }
  resolve::Resolution resolution;
  resolution.backend = "nix";
  resolution.full_store = std::string(argv[1]) == "full";
  resolution.program = argv[3];
  resolution.path_dirs = {util::parent_dir(argv[3])};
  for (auto line : util::split(*listed, '\n')) {
    if (!line.empty()) resolution.closure.emplace_back(line);
  }
  auto host = sandbox::probe_host();
  sandbox::probe_store(resolution, host);
  sandbox::ProjectFacts project;
  project.dir = host.cwd;
  config::AgentConfig agent;
  agent.name = "bench";
  auto policy = sandbox::make_policy(agent, resolution, host, project, std::vector<std::string>(argv + 4, argv + argc));
  auto bwrap = sandbox::find_bwrap();
  if (!bwrap) {
    std::fprintf(stderr, "bench-store-launch: %s\n", bwrap.error().c_str());
    return 1;
  }
  // Through the gate when the policy needs the helper, as jailed run does.
  auto failed = sandbox::launch(policy, *bwrap);
  std::fprintf(stderr, "bench-store-launch: %s\n", failed.error().c_str());
  return 1;
}
