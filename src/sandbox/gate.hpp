// The gated launch: jailed executes bwrap at once and hands the jail over while bwrap starts,
// instead of working it all out first (about half a millisecond of every launch).
//
// jailed opens the gate, forks a planner and executes bwrap. bwrap reads its options from a
// pipe the planner fills, and runs the Landlock helper from a descriptor as its command, with
// one end of a socket. The planner checks trust, resolves the agent, makes the policy, writes
// bwrap's options and data files (bwrap builds the jail meanwhile), then sends the helper the
// ruleset with the closure's rules in it, the rules of the jail's mounts and the agent's argv.
// The helper runs nothing else: a planner that fails says why and sends an exit status, one
// that dies sends nothing, and the helper refuses. See landlock_helper.cpp for the protocol.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "sandbox/policy.hpp"
#include "util/result.hpp"

namespace jailed::sandbox {

// The data files a policy may need: /etc/passwd, /etc/group, /etc/localtime.
inline constexpr size_t k_gate_data_files = 3;

// The descriptors of one gated launch. bwrap inherits the first group; the planner's ends are
// close-on-exec, so that executing bwrap leaves them to the planner alone.
struct Gate {
  int options = -1;                // bwrap --args (read end)
  std::vector<int> data;           // --file contents (read ends)
  int seccomp = -1;                // the seccomp program, written already
  int helper = -1;                 // jailed-landlock (O_PATH): bwrap runs /proc/self/fd/N
  int helper_end = -1;             // the helper's end of the socket
  int options_in = -1;             // the planner's ends
  std::vector<int> data_in;
  int planner_end = -1;
  bool options_sent = false;
};

// Runs a gated launch through the helper at `helper`: opens the gate, forks a planner that calls
// `planner` (which hands the jail over or fails over, and returns the planner's exit status),
// and executes bwrap. Returns only on failure.
Status launch_gated(const std::string& bwrap, const std::string& helper, const std::function<int(Gate&)>& planner);

// The planner's part: writes bwrap's options and data files, then sends the helper the ruleset
// (policy.landlock_helper), the rules and the command. `before_run`, if given, runs after
// bwrap has its options and before the helper has the command: while bwrap builds the jail,
// and before the agent can run. An error leaves the hand-over to hand_over_failure().
Status hand_over(Gate& gate, const Policy& policy, const std::function<void()>& before_run = {});

// Returns the hand-over that has the helper add `rules` (landlock_rules()) to the ruleset sent
// with it, apply it and run `command`.
std::string run_message(const std::string& rules, const std::vector<std::string>& command);

// Sends `message` through `socket`, with `ruleset` alongside unless -1, then closes `socket`
// (-1 after): the helper reads to the end of the stream.
Status send_hand_over(int& socket, const std::string& message, int ruleset);

// The planner's part when it failed (and said why): has the helper exit with `status`, running
// nothing. bwrap gets options enough to start it if it has none yet.
void hand_over_failure(Gate& gate, int status);

// The planner's last step for a worked-out `policy`: hands it over, or on an error passes the
// message to `report` and has the helper exit with ExitCode::no_sandbox. Returns the planner's
// exit status.
int hand_over_policy(Gate& gate, const Policy& policy, const std::function<void(const std::string&)>& report,
                     const std::function<void()>& before_run = {});

}  // namespace jailed::sandbox
