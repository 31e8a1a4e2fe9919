// Turns a policy into bubblewrap's argument vector (pure; tests compare exact vectors).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "sandbox/policy.hpp"

namespace jailed::sandbox {

// File descriptors the launcher opens for bwrap to read.
struct FdPlan {
  int seccomp = -1;         // the seccomp BPF program
  std::vector<int> files;   // one per ro_data or copy mount, in mount order: the file's content
  std::map<size_t, int> bind_fds;  // by mount index: a bind's source, opened once (--bind-fd)
};

// Returns bwrap's options for `policy` (everything before "--"), passed via --args FD so
// forwarded secrets never appear in the host's process list. `fds.files` holds one descriptor
// per ro_data and copy mount (std::out_of_range otherwise); --seccomp is always emitted, so a
// missing filter (-1) makes bwrap fail instead of running unfiltered.
std::vector<std::string> bwrap_options(const Policy& policy, const FdPlan& fds);

// Returns the argv of a launch without the helper: bwrap --args FD -- command...
std::vector<std::string> bwrap_argv(const std::string& bwrap, int args_fd, const Policy& policy);

// Returns the argv of a gated launch (gate.hpp): bwrap runs the helper from its descriptor,
// which gets the command through the gate: bwrap --args FD -- /proc/self/fd/HELPER GATE
std::vector<std::string> gated_argv(const std::string& bwrap, int args_fd, int helper_fd, int gate_fd);

}  // namespace jailed::sandbox
