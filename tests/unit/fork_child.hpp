// Forking from a test: the child must not inherit Catch2's signal handlers.
#pragma once

#include <signal.h>
#include <unistd.h>

namespace jailed::testing {

// Forks; in the child every signal goes back to its default action and none is blocked, so an
// expected crash there (or in its children) ends that process instead of running Catch2's
// handler, which would print a failure report into the parent's output.
inline pid_t fork_child() {
  pid_t pid = ::fork();
  if (pid != 0) return pid;
  for (int sig = 1; sig < NSIG; ++sig) {
    if (sig != SIGKILL && sig != SIGSTOP) ::signal(sig, SIG_DFL);
  }
  sigset_t none;
  ::sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  return 0;
}

}  // namespace jailed::testing
