// jailed edit [PATH] [--yes]: opens the nearest .jailed in $VISUAL or $EDITOR, then reviews and
// allows it as `jailed allow` does.
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "cli/allow_flow.hpp"
#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "cli/output.hpp"
#include "config/find.hpp"
#include "util/error.hpp"
#include "util/strings.hpp"

namespace jailed::cli {
namespace {

// Returns the editor's command line: $VISUAL, else $EDITOR, else vi; split at blanks as git
// does for "code -w" (no shell runs it).
std::vector<std::string> editor_argv() {
  const char* editor = std::getenv("VISUAL");
  if (!editor || !*editor) editor = std::getenv("EDITOR");
  if (!editor || !*editor) editor = "vi";
  std::vector<std::string> argv;
  for (const auto& word : util::split(editor, ' ')) {
    if (!word.empty()) argv.push_back(word);
  }
  return argv;
}

// Runs the editor on `path` with the terminal, waits for it; throws if it fails.
void run_editor(const std::string& path) {
  std::vector<std::string> argv = editor_argv();
  argv.push_back(path);
  std::vector<char*> raw;
  for (auto& arg : argv) raw.push_back(arg.data());
  raw.push_back(nullptr);
  pid_t pid = ::fork();
  if (pid < 0) throw Error(std::string("cannot start the editor: ") + std::strerror(errno));
  if (pid == 0) {
    ::execvp(raw[0], raw.data());
    _exit(127);
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) throw Error(std::string("waiting for the editor: ") + std::strerror(errno));
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 127) {
    throw Error("cannot run the editor " + shown(argv[0]) + " (set VISUAL or EDITOR)");
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    throw Error("the editor " + shown(argv[0]) + " failed; nothing was allowed (run 'jailed allow' when ready)");
  }
}

}  // namespace

int cmd_edit(const Args& args) {
  auto values = parse_options(command_named("edit"), args,
                              {{{"path", OptionKind::value, "a .jailed file or its directory (default: the nearest)"},
                                {"yes", OptionKind::flag, "allow without asking after the review"}},
                               "path"});
  if (!values) return 0;
  auto located = config::locate_jailed_file(values->value("path"));
  if (!located) throw Error(located.error(), located.failure().code);
  run_editor(*located);
  return review_and_allow(*located, values->has("yes"));
}

}  // namespace jailed::cli
