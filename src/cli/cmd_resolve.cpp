// jailed resolve [AGENT]: resolves the nearest .jailed's Nix agents afresh, replacing cached results.
// `jailed reload` is its older name, kept working.
#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "cli/context.hpp"
#include "cli/output.hpp"
#include "cli/resolve_agent.hpp"
#include "config/find.hpp"
#include "util/error.hpp"
#include "util/spellcheck.hpp"
#include "util/strings.hpp"

namespace jailed::cli {

int cmd_resolve(const Args& args) {
  auto values = parse_options(command_named("resolve"), args,
                              {{{"agent", OptionKind::value, "the agent to resolve (default: all)"}}, "agent"});
  if (!values) return 0;

  std::string path = config::locate_jailed_file("").take();
  auto [file, config, trees, trust_hash] = load_allowed(path);
  std::string only = values->value("agent");
  if (!only.empty() && !config.find_agent(only)) {
    std::vector<std::string> names;
    for (const auto& agent : config.agents) names.push_back(agent.name);
    throw Error("no agent " + util::printable(only) + " in " + display_path(path) + util::did_you_mean(only, names) +
                    " (agents: " + (names.empty() ? "none" : util::join(names, ", ")) + ")",
                ExitCode::usage);
  }
  return resolve_agents_now(config, file.real_path, ResolveMode::reload, trees, only);
}

}  // namespace jailed::cli
