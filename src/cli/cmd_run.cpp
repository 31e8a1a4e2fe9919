// jailed run [-C DIR] [--no-snapshot] AGENT [--] [ARGS...]: runs an agent of the nearest .jailed (or
// of DIR's) in its sandbox.
#include "cli/agent_plan.hpp"
#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "config/find.hpp"
#include "util/error.hpp"
#include "util/paths.hpp"

namespace jailed::cli {
namespace {

// Returns the .jailed that governs `dir` (the current directory when empty): the nearest one
// from there up, as if jailed had been started in it.
std::string locate_from(const std::string& dir) {
  if (dir.empty()) return config::locate_jailed_file("").take();
  std::string path = util::normalize(dir[0] == '/' ? dir : util::join_path(util::current_dir(), dir));
  if (util::base_name(path) != config::k_file_name) {
    if (auto found = config::find_nearest(path)) return found->path;
  }
  return config::locate_jailed_file(path).take();
}

}  // namespace

int cmd_run(const Args& args) {
  // Everything after the agent name belongs to the agent, so `jailed run crush --help`
  // reaches crush; jailed's own options can only come before the name.
  const OptionTable options = {{{"directory", OptionKind::value, "the project of DIR's nearest .jailed (also -C DIR)"},
                                {"no-snapshot", OptionKind::flag, "run without snapshotting the project first"}}};
  size_t first = 0;
  std::string dir;
  bool no_snapshot = false;
  while (first < args.size()) {
    if (args[first] == "--no-snapshot") {
      no_snapshot = true;
      first += 1;
    } else if (first + 1 < args.size() && (args[first] == "-C" || args[first] == "--directory")) {
      dir = args[first + 1];
      first += 2;
    } else if (args[first].size() > 2 && args[first].compare(0, 2, "-C") == 0) {
      dir = args[first].substr(2);
      first += 1;
    } else {
      break;
    }
  }
  if (first < args.size() && args[first] == "--") ++first;
  if (first == args.size() || args[first].empty() || args[first][0] == '-') {
    if (!parse_options(command_named("run"), Args(args.begin() + static_cast<long>(first), args.end()), options)) {
      return 0;
    }
    throw Error("jailed run: which agent? (jailed run [-C DIR] AGENT [ARGS...]; 'jailed status' lists them)",
                ExitCode::usage);
  }
  const std::string& agent = args[first];
  size_t rest = first + 1;
  if (rest < args.size() && args[rest] == "--") ++rest;
  std::string file = locate_from(dir);
  return run_agent(file, agent, false, Args(args.begin() + static_cast<long>(rest), args.end()), no_snapshot);
}

}  // namespace jailed::cli
