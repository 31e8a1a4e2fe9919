// jailed __complete WHAT [ARG]: the words the shell completion scripts offer, one per line.
//
// Hidden from `jailed --help`. It runs on every TAB, so it opens no database and evaluates
// nothing: agent names come from the project text alone (as the shims do), and a missing,
// unsafe or invalid .jailed simply offers nothing.
#include <algorithm>
#include <iostream>
#include <sstream>

#include "cli/commands.hpp"
#include "config/find.hpp"
#include "config/jail_config.hpp"
#include "config/presets.hpp"
#include "config/schema.hpp"
#include "util/error.hpp"
#include "util/paths.hpp"
#include "util/spellcheck.hpp"
#include "util/strings.hpp"

namespace jailed::cli {
namespace {

const std::vector<std::string> k_kinds = {"agents", "commands", "keys", "options", "presets", "shells"};

void print_lines(const std::vector<std::string>& words) {
  for (const auto& word : words) std::cout << word << "\n";
}

// Returns the agents of the nearest .jailed, or nothing when there is none or it cannot be read.
std::vector<std::string> project_agents() {
  std::string cwd;
  try {
    cwd = util::current_dir();
  } catch (const Error&) {
    return {};  // a removed working directory holds no project
  }
  auto found = config::find_nearest(cwd);
  if (!found) return {};
  auto file = config::read_jailed_file(found->path);
  if (!file.ok()) return {};
  auto names = config::agent_names(found->path, file->content);
  return names.ok() ? *names : std::vector<std::string>{};
}

// Returns the long options `command --help` lists. The options are declared where the command
// parses them, so their help text is the one place that knows them; reading it back keeps the
// completion helper from growing a second list that could drift.
std::vector<std::string> long_options(const Command& command) {
  // `help --help` prints the main help, which is not about the help command's own options.
  if (command.run == cmd_help) return {"--help"};
  std::ostringstream captured;
  std::streambuf* saved = std::cout.rdbuf(captured.rdbuf());
  try {
    command.run({"--help"});
  } catch (...) {
    std::cout.rdbuf(saved);
    throw;
  }
  std::cout.rdbuf(saved);

  // Boost prints "  --name arg   text" or "  -h [ --name ]   text"; continuation lines of a
  // long description start with blanks and words, never with "-".
  std::vector<std::string> options;
  for (const auto& line : util::split(captured.str(), '\n')) {
    std::string_view text = util::trim(line);
    if (line.empty() || line[0] != ' ' || text.empty() || text[0] != '-') continue;
    size_t start = text.find("--");
    if (start == std::string_view::npos) continue;
    size_t end = start + 2;
    while (end < text.size() && text[end] != ' ' && text[end] != ']') ++end;
    options.emplace_back(text.substr(start, end - start));
  }
  return options;
}

std::vector<std::string> visible_commands() {
  std::vector<std::string> names;
  for (const auto& command : commands()) {
    if (!command.hidden) names.emplace_back(command.name);
  }
  return names;
}

const Command& visible_command(const std::string& name) {
  for (const auto& command : commands()) {
    if (!command.hidden && name == command.name) return command;
  }
  throw Error("jailed __complete options: unknown command \"" + name + "\"" +
                  util::did_you_mean(name, visible_commands()),
              ExitCode::usage);
}

}  // namespace

int cmd_complete(const Args& args) {
  const Command& self = command_named("__complete");
  if (!args.empty() && (args[0] == "--help" || args[0] == "-h")) {
    std::cout << "usage: jailed " << self.name << " " << self.synopsis << "\n\n" << self.summary << "\n";
    return 0;
  }
  if (args.empty()) {
    throw Error("jailed __complete: what? (" + util::join(k_kinds, ", ") + ")", ExitCode::usage);
  }
  const std::string& kind = args[0];
  if (std::find(k_kinds.begin(), k_kinds.end(), kind) == k_kinds.end()) {
    throw Error("jailed __complete: unknown word list \"" + kind + "\"" + util::did_you_mean(kind, k_kinds) + " (" +
                    util::join(k_kinds, ", ") + ")",
                ExitCode::usage);
  }
  const size_t expected = kind == "options" || kind == "shells" ? 2 : 1;
  if (args.size() != expected) {
    throw Error("jailed __complete " + kind + ": expected " + (expected == 2 ? "one argument" : "no arguments") +
                    " (jailed __complete " + self.synopsis + ")",
                ExitCode::usage);
  }

  if (kind == "agents") {
    print_lines(project_agents());
  } else if (kind == "commands") {
    print_lines(visible_commands());
  } else if (kind == "presets") {
    print_lines(config::builtin_preset_names());
  } else if (kind == "keys") {
    for (const auto& spec : config::key_specs()) std::cout << spec.name << "\n";
  } else if (kind == "options") {
    print_lines(long_options(visible_command(args[1])));
  } else if (args[1] == "hook") {
    // What `jailed hook` and `jailed export` accept; json is for programs, not prompts.
    print_lines({"bash", "zsh", "fish"});
  } else if (args[1] == "export") {
    print_lines({"bash", "zsh", "fish", "json"});
  } else {
    throw Error("jailed __complete shells: expected hook or export, not \"" + args[1] + "\"", ExitCode::usage);
  }
  return 0;
}

}  // namespace jailed::cli
