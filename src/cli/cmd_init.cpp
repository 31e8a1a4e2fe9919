// jailed init [AGENT...] [--force]: writes a commented starter .jailed in the current directory.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "cli/commands.hpp"
#include "cli/context.hpp"
#include "cli/options.hpp"
#include "cli/output.hpp"
#include "cli/setup_check.hpp"
#include "config/find.hpp"
#include "config/presets.hpp"
#include "config/reader.hpp"
#include "util/error.hpp"
#include "util/files.hpp"
#include "util/paths.hpp"
#include "util/spellcheck.hpp"
#include "util/strings.hpp"

namespace jailed::cli {
namespace {

constexpr const char* k_header =
    "# .jailed: the agents this project may run, and what they may touch (man 5 jailed).\n"
    "# Nothing here is used until you run 'jailed allow', which shows what it grants first.\n"
    "# A comment is a line that starts with '#'; a list is values separated by spaces.\n"
    "\n"
    "[jail]\n"
    "# Defaults for every agent below, for example:\n"
    "# readonly = ~/.gitconfig        files the agents may read\n"
    "# readwrite = ../shared          more places they may change\n"
    "# packages = nixpkgs#go          more programs inside the jail\n"
    "# network = on                   the presets of agents that talk to a model turn it on\n";

// Returns the preset's settings as comments, so the starter file shows what the agent gets.
std::string preset_comments(std::string_view preset) {
  std::string out;
  for (const auto& line : util::split(preset, '\n')) {
    std::string_view text = util::trim(line);
    if (text.empty() || text[0] == '#' || text[0] == '[') continue;
    out += "#   " + std::string(text) + "\n";
  }
  return out;
}

std::string agent_section(const std::string& name, const config::UserContext& user) {
  std::string out = "\n[agent " + name + "]\n";
  std::string user_preset = user.config_dir + "/agents/" + name + ".jailed";
  auto builtin = config::builtin_preset(name);
  if (util::stat_path(user_preset)) {
    out += "# from your preset " + display_path(user_preset) + " ('jailed explain " + name + "' shows all).\n";
  } else if (builtin) {
    out += "# from the built-in preset ('jailed explain " + name + "' shows the whole jail):\n" +
           preset_comments(*builtin) + "# Add to it here, for example: packages = nixpkgs#ripgrep\n";
  } else {
    out += "# not a preset: say where the agent comes from, either a program installed here\n"
           "# or a Nix package (package = nixpkgs#" + name + "), and where it keeps its state.\n"
           "package = host:" + name + "\n"
           "# config = ~/.config/" + name + "\n";
  }
  return out;
}

std::string starter_text(const std::vector<std::string>& agents, const config::UserContext& user) {
  std::string text = k_header;
  if (agents.empty()) {
    text += "\n# Add a section per agent. Built-in presets: " + util::join(config::builtin_preset_names(), ", ") +
            ".\n# [agent crush]\n";
  }
  for (const auto& name : agents) text += agent_section(name, user);
  return text;
}

}  // namespace

int cmd_init(const Args& args) {
  Args options;
  std::vector<std::string> agents;
  for (const auto& arg : args) (arg.size() > 1 && arg[0] == '-' ? options : agents).push_back(arg);
  auto values = parse_options(command_named("init"), options,
                              {{{"force", OptionKind::flag, "replace an existing .jailed"}}});
  if (!values) return 0;
  for (const auto& name : agents) {
    if (!config::is_valid_agent_name(name)) {
      throw Error("invalid agent name " + util::printable(name) + util::did_you_mean(name, config::builtin_preset_names()) +
                      " (use lowercase letters, digits, '.', '_' and '-')",
                  ExitCode::usage);
    }
  }
  std::string dir = util::current_dir();
  config::UserContext user = user_context();
  if (auto why = broad_project(dir, user.home)) throw Error("not here: " + *why, ExitCode::usage);
  std::string path = util::join_path(dir, config::k_file_name);
  if (util::exists_nofollow(path) && !values->has("force")) {
    throw Error(display_path(path) + " exists (edit it with 'jailed edit', or replace it with 'jailed init --force')",
                ExitCode::failure);
  }
  // 0644: jailed refuses a .jailed that others may write.
  auto written = util::write_file_atomic(path, starter_text(agents, user), 0644);
  if (!written) throw Error(written.error());
  info("wrote " + display_path(path) + "; edit and allow it with 'jailed edit' (or review it, then 'jailed allow')");
  return 0;
}

}  // namespace jailed::cli
