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
      {"init", "[AGENT...] [--force]", "write a commented starter .jailed here, from the presets", cmd_init, false,
       "  jailed init                    a .jailed listing every preset, commented\n"
       "  jailed init crush opencode     one section per agent, its preset shown in comments\n"},
      {"allow", "[PATH] [--yes]", "review a .jailed and what it grants, then trust it", cmd_allow, false,
       "  jailed allow                   the nearest .jailed: shows it, asks on a terminal\n"
       "  jailed allow ~/src/app --yes   without asking (scripts never get asked)\n"},
      {"edit", "[PATH] [--yes]", "open the nearest .jailed in $VISUAL or $EDITOR, then review and allow it", cmd_edit,
       false,
       "  jailed edit                    edit, then the same review as 'jailed allow'\n"
       "  EDITOR=nano jailed edit        with another editor\n"},
      {"deny", "[PATH]", "refuse a .jailed file, whatever its content", cmd_deny, false,
       "  jailed deny                    the nearest .jailed stays off, even after edits\n"},
      {"status", "[PATH] [--all] [--json]", "show the nearest .jailed, its trust and agents", cmd_status, false,
       "  jailed status                  is this project allowed, loaded here, which agents\n"
       "  jailed status --all --json     every trust record, for scripts\n"},
      {"prune", "", "forget trust records of files that no longer exist", cmd_prune, false,
       "  jailed prune\n"},
      {"run", "[-C DIR] [--no-snapshot] AGENT [--] [ARGS...]",
       "run an agent of the nearest .jailed (or DIR's) in its sandbox", cmd_run, false,
       "  jailed run crush               what jailed-crush does, after a snapshot of the project\n"
       "  jailed run -C ~/src/app crush  the agent of another project, from anywhere\n"
       "  jailed run crush -- --help     arguments after the agent go to it\n"},
      {"explain", "AGENT [--json]", "show an agent's sandbox in words and the exact bwrap argv", cmd_explain, false,
       "  jailed explain crush           what crush can see and change, and why\n"},
      {"resolve", "[AGENT]", "resolve the nearest .jailed's Nix packages again (all agents by default)", cmd_resolve,
       false,
       "  jailed resolve                 after a flake input moved on, or a failed resolution was fixed\n"
       "  jailed resolve crush           one agent\n"},
      // The older name of resolve. Not direnv's reload: the prompt hook needs none.
      {"reload", "[AGENT]", "the older name of resolve", cmd_resolve, true},
      {"cache", "list [--json] | gc [--older-than DURATION] | clear", "list or drop cached closures and their GC roots",
       cmd_cache, false,
       "  jailed cache list              what is cached, for which project\n"
       "  jailed cache gc --older-than 30d\n"
       "  jailed cache clear             drop everything and its GC roots (before uninstalling)\n"},
      {"snapshot", "", "snapshot the nearest .jailed's project now", cmd_snapshot, false,
       "  jailed snapshot                before you change something by hand\n"},
      {"snapshots", "list [--json] | prune", "list the project's snapshots, or drop those beyond its limits",
       cmd_snapshots, false,
       "  jailed snapshots list --json\n"
       "  jailed snapshots prune         apply snapshot-keep and snapshot-max-total now\n"},
      {"log", "[--json]", "list the agent sessions in the project and what they changed", cmd_log, false,
       "  jailed log                     sessions, newest last, with what each changed\n"},
      {"diff", "[SESSION|SNAPSHOT] [--stat|--name-only] [PATH...]", "show what changed since a snapshot", cmd_diff,
       false,
       "  jailed diff                    what the last session changed\n"
       "  jailed diff s3 --stat src      since snapshot 3, under src, as counts\n"},
      {"restore", "[SESSION|SNAPSHOT] [PATH...] [--dry-run] [--delete]",
       "bring the project or some paths back to a snapshot", cmd_restore, false,
       "  jailed restore --dry-run       what undoing the last session would change\n"
       "  jailed restore src/main.c      one file as it was before the last session\n"
       "  jailed restore --delete        the whole tree, removing files made since\n"},
      {"hook", "SHELL", "print the prompt hook for bash, zsh or fish", cmd_hook, false,
       "  eval \"$(jailed hook bash)\"     in ~/.bashrc (zsh likewise)\n"
       "  jailed hook fish | source      in ~/.config/fish/config.fish\n"},
      {"export", "SHELL", "print environment changes for the prompt hook (bash, zsh, fish, json)", cmd_export, false,
       "  jailed export json             what the hook would change here, as JSON\n"},
      {"doctor", "", "check bwrap, user namespaces, the shell hook and nix", cmd_doctor, false,
       "  jailed doctor\n"},
      {"help", "[COMMAND]", "show help for jailed or a command", cmd_help, false,
       "  jailed help allow\n"},
      {"__complete", "agents|commands|keys|options COMMAND|presets|shells hook|export",
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
               "  -V [ --version ]      print the version\n"
               "\n"
               "examples:\n"
               "  jailed init crush && jailed edit   start a project's .jailed, review and allow it\n"
               "  jailed-crush                       run its agent (the prompt hook put it on PATH)\n"
               "  jailed explain crush               what the agent can see and change\n"
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
  if (first == "--version" || first == "-V" || first == "version") {
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
