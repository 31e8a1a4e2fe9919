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

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
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

// One mount the helper checks before it runs the agent: that the jail shows at `target`, reached
// without a symlink, the very file jailed resolved (device and inode), on a read-only mount for
// a read-only bind; or, for a placeholder, an empty read-only tmpfs (mount_check.hpp's kinds).
struct MountCheck {
  char kind;
  std::string target;
  uint64_t dev = 0, ino = 0;
  bool operator==(const MountCheck&) const = default;
};

// What a run hand-over carries besides the rules and the command.
struct RunExtras {
  uint64_t processes = 0;     // RLIMIT_NPROC inside the jail; 0: left as it is
  uint64_t memory_bytes = 0;  // RLIMIT_DATA; 0: left as it is
  std::vector<MountCheck> checks;
  std::vector<std::pair<std::string, int>> mount_points;  // mount_table(): escaped point, mounts there
};

// Returns every mount point the jail's mount table should hold outside /proc and /dev, escaped as
// /proc/self/mountinfo escapes them, with how many mounts each holds: the jail's root, each
// mount of `policy`, and the host's mount points beneath a bind's source (binds are recursive).
// `host_mountinfo` is the host's /proc/self/mountinfo.
std::vector<std::pair<std::string, int>> mount_table(const Policy& policy, const std::string& host_mountinfo);

// Returns the indices of `policy`'s bind and read-only bind mounts whose source lies where
// agents can write (beneath a read-write bind's source), and so could be redirected.
std::vector<size_t> redirectable_mounts(const Policy& policy);

// Returns the checks of `policy`'s mounts whose source lies where agents can write (beneath a
// read-write bind's source): an agent could swap such a path for a symlink between jailed's
// check and bwrap's bind, or under bwrap's feet. Each source is opened without following a
// symlink; one that has become a symlink since it was resolved fails the launch.
Result<std::vector<MountCheck>> mount_checks(const Policy& policy);

// Returns the hand-over that has the helper set the limits of the jail's processes, check the
// mounts, add `rules` (landlock_rules()) to the ruleset sent with it, apply it and run
// `command`. Core dumps are always turned off.
std::string run_message(const std::string& rules, const std::vector<std::string>& command, const RunExtras& extras = {});

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
