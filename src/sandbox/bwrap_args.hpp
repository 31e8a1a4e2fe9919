// Turns a policy into bubblewrap's argument vector (pure; tests compare exact vectors).
#pragma once

#include <string>
#include <vector>

#include "sandbox/policy.hpp"

namespace jailed::sandbox {

// File descriptors the launcher opens for bwrap to read.
struct FdPlan {
  int seccomp = -1;           // the seccomp BPF program
  std::vector<int> data;      // one per ro_data mount, in mount order
};

// Returns bwrap's options for `policy` (everything before "--"), passed via --args FD so
// forwarded secrets never appear in the host's process list. `fds.data` holds one descriptor
// per ro_data mount (std::out_of_range otherwise); --seccomp is always emitted, so a missing
// filter (-1) makes bwrap fail instead of running unfiltered.
std::vector<std::string> bwrap_options(const Policy& policy, const FdPlan& fds);

// Returns the argv jailed executes: bwrap --args FD -- command..., with the Landlock helper and
// its rules descriptor in front of the command when the policy has one:
// bwrap --args FD -- /run/jailed/landlock RULES_FD -- command...
std::vector<std::string> bwrap_argv(const std::string& bwrap, int args_fd, const Policy& policy, int rules_fd = -1);

}  // namespace jailed::sandbox
