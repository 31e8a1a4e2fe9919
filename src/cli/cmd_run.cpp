// jailed run AGENT [--] [ARGS...]: runs an agent of the nearest .jailed in its sandbox.
#include "cli/agent_plan.hpp"
#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "config/find.hpp"
#include "util/error.hpp"

namespace jailed::cli {

int cmd_run(const Args& args) {
  // Everything after the agent name belongs to the agent, so `jailed run crush --help`
  // reaches crush; jailed's own options can only come before the name.
  size_t first = 0;
  if (first < args.size() && args[first] == "--") ++first;
  if (first == args.size() || args[first].empty() || args[first][0] == '-') {
    if (!parse_options(command_named("run"),
                       Args(args.begin(), args.begin() + static_cast<long>(first == args.size() ? first : args.size())), {})) {
      return 0;
    }
    throw Error("jailed run: which agent? (jailed run AGENT [ARGS...]; 'jailed status' lists them)", ExitCode::usage);
  }
  const std::string& agent = args[first];
  size_t rest = first + 1;
  if (rest < args.size() && args[rest] == "--") ++rest;
  std::string file = config::locate_jailed_file("").take();
  return run_agent(file, agent, false, Args(args.begin() + static_cast<long>(rest), args.end()));
}

}  // namespace jailed::cli
