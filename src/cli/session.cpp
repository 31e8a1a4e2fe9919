#include "cli/session.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ctime>

#include "cli/output.hpp"
#include "cli/context.hpp"
#include "cli/project_snapshots.hpp"
#include "cli/session_summary.hpp"
#include "config/find.hpp"
#include "util/error.hpp"
#include "util/files.hpp"
#include "util/paths.hpp"
#include "util/strings.hpp"

namespace jailed::cli {
namespace {

// The signals jailed passes on to the jail's process group. Those of the terminal (ctrl-C,
// ctrl-\, window size) reach that group directly, as it owns the terminal.
constexpr int k_forwarded[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH};

volatile sig_atomic_t g_jail = 0;

void forward(int signal) {
  if (g_jail > 0) ::kill(-static_cast<pid_t>(g_jail), signal);
}

// Returns a descriptor of the controlling terminal if jailed runs in its foreground, else -1.
int foreground_terminal() {
  for (int fd : {0, 1, 2}) {
    if (::isatty(fd) && ::tcgetpgrp(fd) == ::getpgrp()) return fd;
  }
  return -1;
}

// Gives the terminal to `group`. A process outside the foreground group is stopped by SIGTTOU
// for trying: blocked around the call, as shells do.
void give_terminal(int tty, pid_t group) {
  if (tty < 0) return;
  sigset_t block, old;
  sigemptyset(&block);
  sigaddset(&block, SIGTTOU);
  sigprocmask(SIG_BLOCK, &block, &old);
  (void)::tcsetpgrp(tty, group);
  sigprocmask(SIG_SETMASK, &old, nullptr);
}

// Reads the planner's report: "project\0session\0" or nothing.
std::pair<std::string, int64_t> read_report(int fd) {
  // Non-blocking: the planner writes before the hand-over; a jail that never ran has no report
  // and its planner need not be waited for.
  ::fcntl(fd, F_SETFL, O_NONBLOCK);
  auto text = util::read_fd(fd, "the session report", 64 * 1024);
  ::close(fd);
  if (!text) return {"", 0};
  auto fields = util::split(*text, '\0');
  if (fields.size() < 2) return {"", 0};
  try {
    return {fields[0], std::stoll(fields[1])};
  } catch (const std::exception&) {
    return {"", 0};
  }
}

}  // namespace

bool wants_snapshot(const std::string& jailed_file) {
  const char* off = std::getenv("JAILED_NO_SNAPSHOT");
  if (off && *off && std::string(off) != "0") return false;
  auto file = config::read_jailed_file(jailed_file);
  if (!file) return true;  // the launch reports it
  auto merged = config::load_config(jailed_file, file->content, user_context());
  if (!merged) return true;
  bool enabled = true;
  snapshot_settings(*merged, &enabled);
  return enabled;
}

void begin_session(const AgentPlan& plan, int report_fd) {
  if (report_fd < 0) return;
  bool enabled = true;
  ProjectSnapshots project;
  project.project_dir = plan.config.project_dir;
  if (auto real = util::real_path(plan.config.project_dir)) project.project_dir = *real;
  project.settings = snapshot_settings(plan.config, &enabled);
  if (!enabled) {
    ::close(report_fd);
    return;
  }
  try {
    project.store = std::make_unique<snapshot::Store>(snapshot::Store::default_root(), project.project_dir, true);
    int64_t id = snapshot_now(project, "session " + plan.agent.name, true);
    int64_t session = project.store->begin_session(plan.agent.name, id, static_cast<int64_t>(::time(nullptr)));
    std::string report = project.project_dir + '\0' + std::to_string(session) + '\0';
    (void)util::write_all(report_fd, report, "the session report");
  } catch (const std::exception& e) {
    warn(std::string(e.what()) + "; the session runs without a snapshot");
  }
  ::close(report_fd);
}

int run_session(const std::function<void()>& start_jail, int report_fd, int write_fd) {
  int tty = foreground_terminal();
  // Signals wait until the jail's group is known, so that none is lost or sent to no one.
  sigset_t forwarded, old;
  sigemptyset(&forwarded);
  for (int signal : k_forwarded) sigaddset(&forwarded, signal);
  sigprocmask(SIG_BLOCK, &forwarded, &old);
  struct sigaction action {};
  action.sa_handler = forward;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  struct sigaction previous[sizeof k_forwarded / sizeof k_forwarded[0]];
  for (size_t i = 0; i < std::size(k_forwarded); ++i) ::sigaction(k_forwarded[i], &action, &previous[i]);

  pid_t jail = ::fork();
  if (jail < 0) throw Error(std::string("cannot start the jail: ") + std::strerror(errno));
  if (jail == 0) {
    for (size_t i = 0; i < std::size(k_forwarded); ++i) ::sigaction(k_forwarded[i], &previous[i], nullptr);
    sigprocmask(SIG_SETMASK, &old, nullptr);
    ::close(report_fd);
    ::setpgid(0, 0);
    give_terminal(tty, ::getpid());
    try {
      start_jail();
    } catch (const Error& e) {
      error(e.what());
      ::_exit(static_cast<int>(e.code()));
    } catch (const std::exception& e) {
      error(e.what());
    }
    ::_exit(static_cast<int>(ExitCode::no_sandbox));
  }
  if (write_fd >= 0) ::close(write_fd);
  // Both sides set the group and hand over the terminal: whichever runs first, neither waits.
  ::setpgid(jail, jail);
  give_terminal(tty, jail);
  g_jail = jail;
  sigprocmask(SIG_SETMASK, &old, nullptr);

  int status = 0;
  while (true) {
    pid_t got = ::waitpid(jail, &status, WUNTRACED);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) throw Error(std::string("cannot wait for the jail: ") + std::strerror(errno));
    if (!WIFSTOPPED(status)) break;
    // The jail stopped (ctrl-Z): stop too, so that the shell sees the job stopped; on fg (or
    // bg) continue it, giving it the terminal back if the shell gave it to jailed.
    give_terminal(tty, ::getpgrp());
    ::kill(::getpid(), SIGSTOP == WSTOPSIG(status) ? SIGTSTP : WSTOPSIG(status));
    if (tty >= 0 && ::tcgetpgrp(tty) == ::getpgrp()) give_terminal(tty, jail);
    ::kill(-jail, SIGCONT);
  }
  g_jail = 0;
  // Ctrl-C interrupts jailed itself again while it compares the project.
  for (size_t i = 0; i < std::size(k_forwarded); ++i) ::sigaction(k_forwarded[i], &previous[i], nullptr);
  give_terminal(tty, ::getpgrp());
  int exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  auto [project, session] = read_report(report_fd);
  if (session > 0) end_session(project, session, exit_status);
  return exit_status;
}

}  // namespace jailed::cli
