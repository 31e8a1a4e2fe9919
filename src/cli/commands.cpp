#include "cli/commands.hpp"

#include <cstdio>
#include <iostream>

#include "cli/options.hpp"
#include "util/error.hpp"
#include "util/spellcheck.hpp"

namespace jailed::cli {

const char* const k_version = "0.1.0";

const std::vector<Command>& commands() {
  static const std::vector<Command> table = {
      {"allow", "[PATH]", "trust a .jailed file (after you have read it)", cmd_allow, false},
      {"deny", "[PATH]", "refuse a .jailed file, whatever its content", cmd_deny, false},
      {"status", "[PATH] [--all] [--json]", "show the nearest .jailed, its trust and agents", cmd_status, false},
      {"prune", "", "forget trust records of files that no longer exist", cmd_prune, false},
      {"run", "AGENT [--] [ARGS...]", "run an agent of the nearest .jailed in its sandbox", cmd_run, false},
      {"explain", "AGENT [--json]", "show an agent's sandbox in words and the exact bwrap argv", cmd_explain, false},
      {"reload", "[AGENT]", "resolve the nearest .jailed's Nix agents again (all by default)", cmd_reload, false},
      {"cache", "list [--json] | gc [--older-than DURATION] | clear", "list or drop cached closures and their GC roots",
       cmd_cache, false},
      {"hook", "SHELL", "print the prompt hook for bash, zsh or fish", cmd_hook, false},
      {"export", "SHELL", "print environment changes for the prompt hook (bash, zsh, fish, json)", cmd_export, false},
      {"doctor", "", "check bwrap, user namespaces, the shell hook and nix", cmd_doctor, false},
      {"help", "[COMMAND]", "show help for jailed or a command", cmd_help, false},
      {"__complete", "agents|commands|keys|options COMMAND|shells hook|export",
       "print words for shell completion, one per line", cmd_complete, true},
  };
  return table;
}

const Command& command_named(const std::string& name) {
  for (const auto& command : commands()) {
    if (name == command.name) return command;
  }
  throw Error("internal: no command " + name);
}

static std::vector<std::string> visible_command_names() {
  std::vector<std::string> names;
  for (const auto& command : commands()) {
    if (!command.hidden) names.emplace_back(command.name);
  }
  return names;
}

static void print_main_help() {
  std::cout << "usage: jailed COMMAND [OPTIONS] [ARGS]\n"
               "\n"
               "Run AI coding agents in bubblewrap sandboxes declared by a project's .jailed file.\n"
               "\n"
               "commands:\n";
  for (const auto& command : commands()) {
    if (command.hidden) continue;
    std::printf("  %-9s %s\n", command.name, command.summary);
  }
  std::cout << "\n"
               "options:\n"
               "  -h [ --help ]         show this help\n"
               "  --version             print the version\n"
               "\n"
               "Set up: add 'eval \"$(jailed hook bash)\"' to ~/.bashrc (zsh and fish likewise).\n"
               "See jailed(1) and jailed(5) for more.\n";
  std::cout.flush();
}

int cmd_help(const Args& args) {
  if (args.empty()) {
    print_main_help();
    return 0;
  }
  if (args[0] == "--help" || args[0] == "-h") {
    print_command_help(command_named("help"), {});
    return 0;
  }
  // `jailed help CMD` shows exactly what `jailed CMD --help` shows.
  return dispatch({args[0], "--help"});
}

int dispatch(const Args& args) {
  if (args.empty()) {
    print_main_help();
    return 0;
  }
  const std::string& first = args[0];
  if (first == "--help" || first == "-h") {
    print_main_help();
    return 0;
  }
  if (first == "--version" || first == "version") {
    std::cout << "jailed " << k_version << "\n";
    return 0;
  }
  for (const auto& command : commands()) {
    if (first == command.name) return command.run(Args(args.begin() + 1, args.end()));
  }
  throw Error("unknown command " + (!first.empty() && first[0] == '-' ? "option " : std::string()) + "\"" + first +
                  "\"" + util::did_you_mean(first, visible_command_names()) + " (see 'jailed --help')",
              ExitCode::usage);
}

}  // namespace jailed::cli
