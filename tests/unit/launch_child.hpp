// Launches a policy in a forked child, as `jailed run` would, and collects what the jail printed.
#pragma once

#include <catch2/catch.hpp>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <functional>
#include <string>

#include "fork_child.hpp"
#include "sandbox/gate.hpp"
#include "sandbox/launcher.hpp"

namespace jailed::testing {

// What a launched jail did: its wait status and its stdout and stderr together.
struct JailRun {
  int status = 0;
  std::string output;
};

// Forks; the child runs `prepare` (to set up what jailed would inherit), then launches with
// stdin from /dev/null and stdout and stderr into a pipe the parent reads to the end.
inline JailRun launch_in_child(const sandbox::Policy& policy, const std::string& bwrap,
                               const std::function<void()>& prepare = {}, const std::string& gate_helper = "") {
  int out[2];
  REQUIRE(::pipe(out) == 0);
  pid_t pid = jailed::testing::fork_child();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::dup2(out[1], 1);
    ::dup2(out[1], 2);
    ::close(out[0]);
    ::close(out[1]);
    ::dup2(::open("/dev/null", O_RDONLY), 0);
    if (prepare) prepare();
    // launch() goes through the gate when the policy needs the helper; `gate_helper` makes it
    // go there anyway, as jailed run does wherever the helper is installed.
    auto failed = gate_helper.empty() ? sandbox::launch(policy, bwrap)
                                      : sandbox::launch_gated(bwrap, gate_helper, [&](sandbox::Gate& gate) {
                                          return sandbox::hand_over_policy(gate, policy, [](const std::string& why) {
                                            std::fprintf(stderr, "hand-over failed: %s\n", why.c_str());
                                          });
                                        });
    std::fprintf(stderr, "launch failed: %s\n", failed.error().c_str());
    ::_exit(100);
  }
  ::close(out[1]);
  JailRun run;
  char buf[4096];
  ssize_t n;
  while ((n = ::read(out[0], buf, sizeof buf)) != 0) {
    if (n < 0 && errno == EINTR) continue;
    REQUIRE(n > 0);
    run.output.append(buf, static_cast<size_t>(n));
  }
  ::close(out[0]);
  while (::waitpid(pid, &run.status, 0) < 0 && errno == EINTR) {
  }
  return run;
}

}  // namespace jailed::testing
