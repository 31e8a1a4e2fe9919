// jailed hook SHELL: prints the prompt hook to eval from the shell's rc file.
#include <iostream>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "cli/context.hpp"
#include "shell/emit.hpp"
#include "util/error.hpp"
#include "util/paths.hpp"

namespace jailed::cli {

int cmd_hook(const Args& args) {
  auto values = parse_options(command_named("hook"), args, {{{"shell", OptionKind::value, "bash, zsh or fish"}}, "shell"});
  if (!values) return 0;
  if (!values->has("shell")) throw Error("jailed hook: which shell? (jailed hook bash|zsh|fish)", ExitCode::usage);

  // Login shells pass $0 as "-bash"; accept a path too ("jailed hook $SHELL").
  std::string name = util::base_name(values->value("shell"));
  if (!name.empty() && name[0] == '-') name.erase(0, 1);
  auto shell = shell::parse_shell(name);
  if (!shell || *shell == shell::Shell::json) {
    throw Error("jailed hook: unsupported shell \"" + name + "\" (supported: bash, zsh, fish)", ExitCode::usage);
  }
  std::cout << shell::hook_script(*shell, self_path());
  return 0;
}

}  // namespace jailed::cli
