// jailed doctor: checks what jailed needs on this machine and says what to fix.
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <iostream>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "cli/context.hpp"
#include "cli/output.hpp"
#include "cli/resolve_agent.hpp"
#include "config/find.hpp"
#include "config/jail_config.hpp"
#include "resolve/choose.hpp"
#include "sandbox/gate.hpp"
#include "sandbox/landlock.hpp"
#include "sandbox/landlock_calls.hpp"
#include "sandbox/launcher.hpp"
#include "sandbox/seccomp.hpp"
#include "resolve/nix_setup.hpp"
#include "trust/trust_store.hpp"
#include "util/accounts.hpp"
#include "util/error.hpp"
#include "util/files.hpp"
#include "util/paths.hpp"
#include "util/process.hpp"
#include "util/strings.hpp"
#include "util/terminal_text.hpp"

namespace jailed::cli {
namespace {

enum class Verdict { ok, warn, fail };

struct Checker {
  bool failed = false;
  bool sandbox_failed = false;

  void report(Verdict verdict, const std::string& what, const std::string& detail) {
    const char* word = verdict == Verdict::ok ? "ok  " : verdict == Verdict::warn ? "warn" : "FAIL";
    const char* color = verdict == Verdict::ok ? "32" : verdict == Verdict::warn ? "33" : "31";
    std::string label = color_enabled(1) ? std::string("\033[") + color + "m" + word + "\033[0m" : word;
    // Details quote paths and other programs' output: escaped, whatever they hold. Later lines
    // of a detail line up under the first.
    std::string indented;
    for (char c : util::escape_deceptive(detail, "\n")) indented += c == '\n' ? std::string("\n      ") : std::string(1, c);
    std::cout << label << "  " << shown(what) << ": " << indented << "\n";
    if (verdict == Verdict::fail) failed = true;
  }
};

std::string first_line(const std::string& text) {
  auto line = text.substr(0, text.find('\n'));
  return std::string(util::trim(line));
}

// Returns bwrap's path when it can make a sandbox here, else "".
std::string check_sandbox(Checker& checker) {
  util::SystemRunner runner;
  auto bwrap = sandbox::find_bwrap();
  if (!bwrap.ok()) {
    checker.report(Verdict::fail, "bwrap", bwrap.error());
    checker.sandbox_failed = true;
    return "";
  }
  auto version = runner.run({*bwrap, "--version"});
  checker.report(Verdict::ok, "bwrap", (version.ok() ? first_line(version->out) : "unknown version") + " (" + *bwrap + ")");

  auto userns = sandbox::check_user_namespaces(*bwrap);
  // A real probe: the same namespaces a jail uses, around `true`.
  auto probe = runner.run({*bwrap, "--unshare-user", "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--cap-drop", "ALL",
                           "--ro-bind", "/", "/", "--proc", "/proc", "--dev", "/dev", "--", "true"});
  if (probe.ok() && probe->status == 0) {
    checker.report(Verdict::ok, "user namespaces", "bwrap can create a sandbox here");
  } else {
    std::string why = probe.ok() ? first_line(probe->err) : probe.error();
    checker.report(Verdict::fail, "user namespaces", "bwrap failed (" + why + ")" + (userns.ok() ? "" : "; " + userns.error()));
    checker.sandbox_failed = true;
  }
  auto seccomp = sandbox::seccomp_program_fd();
  if (seccomp.ok()) {
    ::close(*seccomp);
    checker.report(Verdict::ok, "seccomp", "filter ready (denies " + std::to_string(sandbox::seccomp_denials().size()) + " operations)");
  } else {
    checker.report(Verdict::fail, "seccomp", seccomp.error());
    checker.sandbox_failed = true;
  }
  return checker.sandbox_failed ? "" : *bwrap;
}

// Runs the helper as a jail does: from a descriptor, inside bwrap, with a ruleset (one that
// lets it run `true`). Returns "" when it worked, else why not: a security module may refuse
// to execute a file from outside the sandbox's root, or the kernel the ruleset.
std::string probe_helper(const std::string& bwrap, const std::string& helper, int abi) {
  auto program_path = util::find_in_path("true");
  if (!program_path) return "no 'true' on PATH to run";
  int program = ::open(helper.c_str(), O_PATH);
  // Without Landlock the helper only passes the launch on, and gets no ruleset.
  int ruleset = abi >= 1 ? sandbox::landlock::create_ruleset(sandbox::landlock::handled_access(abi), 0) : -1;
  std::string rules = abi >= 1 ? std::string("x\0/\0", 4) : "";
  int ends[2] = {-1, -1};
  std::string why;
  // The probe passes them through bwrap, as a launch does.
  if (program < 0 || (abi >= 1 && ruleset < 0) || ::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ends) != 0 ||
      ::fcntl(ends[0], F_SETFD, 0) != 0) {
    why = "cannot prepare its descriptors";
  } else if (auto sent = sandbox::send_hand_over(ends[1], sandbox::run_message(rules, {*program_path}), ruleset); !sent) {
    why = sent.error();
  } else {
    auto ran = util::SystemRunner().run({bwrap, "--unshare-user", "--unshare-pid", "--cap-drop", "ALL", "--ro-bind", "/",
                                         "/", "--proc", "/proc", "--dev", "/dev", "--",
                                         "/proc/self/fd/" + std::to_string(program), std::to_string(ends[0])});
    if (!ran.ok()) {
      why = ran.error();
    } else if (ran->status != 0) {
      why = first_line(ran->err.empty() ? "exit status " + std::to_string(ran->status) : ran->err);
    }
  }
  for (int fd : {program, ruleset, ends[0], ends[1]}) {
    if (fd >= 0) ::close(fd);
  }
  return why;
}

void check_landlock(Checker& checker, const std::string& bwrap) {
  int abi = sandbox::probe_landlock_abi();
  std::string helper = sandbox::find_landlock_helper();
  // Every launch runs the helper when it is installed, Landlock or not: it must run in a jail.
  std::string why = helper.empty() || bwrap.empty() ? "" : probe_helper(bwrap, helper, abi);
  if (!why.empty()) {
    checker.report(Verdict::fail, "landlock",
                   (abi >= 1 ? "ABI " + std::to_string(abi) : std::string("not in this kernel")) + ", and the helper " +
                       helper + " does not run in a jail (" + why +
                       "): no jail can start; JAILED_NO_LANDLOCK=1 starts them without the helper");
  } else if (abi < 1) {
    checker.report(Verdict::warn, "landlock",
                   "not in this kernel: Nix jails bind each store path on its own (slower start), and with "
                   "network = on the host's abstract Unix sockets are reachable");
  } else if (helper.empty()) {
    checker.report(Verdict::warn, "landlock",
                   "ABI " + std::to_string(abi) + ", but jailed-landlock is not installed (make install puts it in "
                   "PREFIX/libexec/jailed): Nix jails fall back to binding each store path");
  } else {
    checker.report(Verdict::ok, "landlock",
                   "ABI " + std::to_string(abi) + (abi >= 6 ? " (store confinement and socket scopes)" : " (store confinement)") +
                       ", helper " + helper + " runs in a jail");
  }
}

// Returns the name of the program that ran jailed (the shell doctor is asked about), or "".
std::string parent_program() {
  // procfs files report size 0: read up to the end, not a size.
  std::ifstream comm("/proc/" + std::to_string(::getppid()) + "/comm");
  std::string name;
  if (!std::getline(comm, name)) return "";
  if (!name.empty() && name[0] == '-') name.erase(0, 1);  // a login shell
  return name;
}

// Returns the start-up line that installs the hook in `shell`, as the README gives it: by full
// path for a jailed in the home (~/.local/bin is not on PATH yet where a login shell reads
// ~/.bashrc), else through PATH; either does nothing once jailed is gone.
std::string hook_line(const std::string& shell) {
  std::string self = self_path();
  std::string home = util::home_dir();
  if (!home.empty() && util::is_within(self, home) && self.find_first_of(" '\"$`\\") == std::string::npos) {
    std::string at = "~" + self.substr(home.size());
    if (shell == "fish") return "test -x " + at + "; and " + at + " hook fish | source";
    std::string test = shell == "zsh" ? "[[ -x " + at + " ]]" : "[ -x " + at + " ]";
    return test + " && eval \"$(" + at + " hook " + shell + ")\"";
  }
  if (shell == "fish") return "command -q jailed; and jailed hook fish | source";
  return "command -v jailed >/dev/null && eval \"$(jailed hook " + shell + ")\"";
}

// The hook marks its shell with JAILED_HOOK=SHELL:PID. A shell started from one with the hook
// inherits the variable, not the hook: only the shell whose process runs doctor counts.
void check_hook(Checker& checker) {
  std::string parent = parent_program();
  bool known = parent == "bash" || parent == "zsh" || parent == "fish";
  const char* hook = std::getenv("JAILED_HOOK");
  std::string mark = hook ? hook : "";
  auto colon = mark.find(':');
  std::string hook_shell = mark.substr(0, colon);
  std::string hook_pid = colon == std::string::npos ? "" : mark.substr(colon + 1);
  if (!mark.empty() && hook_pid == std::to_string(::getppid())) {
    checker.report(Verdict::ok, "shell hook", "installed in this shell (" + hook_shell + ")");
    return;
  }
  if (!known && !mark.empty()) {
    // Not run from a shell (a script, an editor): the caller's shell cannot be told.
    checker.report(Verdict::ok, "shell hook", "installed in a parent shell (" + hook_shell + ")");
    return;
  }
  std::string shell = known ? parent : "";
  if (shell.empty()) {
    const char* shell_path = std::getenv("SHELL");
    shell = util::base_name(shell_path ? shell_path : "bash");
  }
  std::string rc = shell == "zsh" ? "~/.zshrc" : shell == "fish" ? "~/.config/fish/config.fish" : "~/.bashrc";
  std::string line = hook_line(shell);
  std::string why = mark.empty() ? "not active in this shell" : "not active in this " + shell + " (JAILED_HOOK came from the shell that started it)";
  checker.report(Verdict::warn, "shell hook", why + ": add '" + line + "' to " + rc);
}

void check_nix(Checker& checker) {
  auto nix = util::find_in_path("nix");
  if (!nix) {
    checker.report(Verdict::ok, "nix", "not installed (optional: agents run from the host's system directories)");
    return;
  }
  util::SystemRunner runner;
  auto version = runner.run({*nix, "--version"});
  std::string which = (version.ok() ? first_line(version->out) : "unknown version") + " (" + *nix + ")";
  // Installed is not usable: Debian's nix-bin alone has no build users and no daemon.
  auto built = resolve::probe_nix_build(runner, resolve::nix_tools(*nix));
  auto me = util::passwd_entry(::getuid());
  std::string user = me ? me->name : "uid " + std::to_string(::getuid());
  if (built) {
    checker.report(Verdict::ok, "nix", which + ", builds for " + user);
  } else {
    checker.report(Verdict::fail, "nix",
                   which + " cannot build for " + user + ": " + built.error() +
                       "\n(agents with Nix packages cannot be resolved until this is fixed)");
  }
}

void check_trust(Checker& checker) {
  std::string db = trust::TrustStore::default_path();
  try {
    trust::TrustStore store(db, false);
    auto records = store.records();
    checker.report(Verdict::ok, "trust db", display_path(db) + " (" + std::to_string(records.size()) + " records)");
  } catch (const Error& e) {
    checker.report(Verdict::fail, "trust db", e.what());
  }
}

// Checks the host programs of the nearest .jailed's agents: a missing program or interpreter
// would only show at launch otherwise. Reads the file and the programs' first bytes; runs nothing.
void check_agents(Checker& checker) {
  auto path = config::locate_jailed_file("");
  if (!path) return;  // not in a project: nothing to check
  auto file = config::read_jailed_file(*path);
  if (!file) return;  // status and allow report an unreadable or unsafe file
  auto loaded = config::load_config(*path, file->content, user_context());
  if (!loaded) {
    checker.report(Verdict::fail, "agents", loaded.error());
    return;
  }
  bool nix = util::find_in_path("nix").has_value();
  for (const auto& agent : loaded->agents) {
    auto kind = resolve::choose_backend(agent, nix, file->real_path);
    if (!kind || *kind != resolve::BackendKind::host) continue;  // Nix agents: allow and reload resolve them
    auto host = check_host_agent(agent, file->real_path);
    if (host) {
      checker.report(Verdict::ok, "agent " + agent.name, host->describe());
    } else {
      checker.report(Verdict::fail, "agent " + agent.name, host.error());
    }
  }
}

}  // namespace

int cmd_doctor(const Args& args) {
  if (!parse_options(command_named("doctor"), args, {})) return 0;

  Checker checker;
  std::cout << "jailed " << k_version << " (" << self_path() << ")\n";
  std::string bwrap = check_sandbox(checker);
  check_landlock(checker, bwrap);
  check_hook(checker);
  check_nix(checker);
  check_trust(checker);
  check_agents(checker);
  if (checker.sandbox_failed) return static_cast<int>(ExitCode::no_sandbox);
  return checker.failed ? static_cast<int>(ExitCode::failure) : 0;
}

}  // namespace jailed::cli
