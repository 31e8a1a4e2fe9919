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
  pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::dup2(out[1], 1);
    ::dup2(out[1], 2);
    ::close(out[0]);
    ::close(out[1]);
    ::dup2(::open("/dev/null", O_RDONLY), 0);
    if (prepare) prepare();
    // Through the gate (the planner has nothing left to work out) when the policy needs the
    // helper or `gate_helper` names one, as jailed run does; else with the agent as bwrap's command.
    std::string helper = gate_helper.empty() ? policy.landlock_helper : gate_helper;
    auto failed = helper.empty() ? sandbox::launch(policy, bwrap)
                                 : sandbox::launch_gated(bwrap, helper, [&](sandbox::Gate& gate) {
                          if (auto handed = sandbox::hand_over(gate, policy); !handed) {
                            std::fprintf(stderr, "hand-over failed: %s\n", handed.error().c_str());
                            sandbox::hand_over_failure(gate, 100);
                            return 100;
                          }
                          return 0;
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
