// Turns a policy into bubblewrap's argument vector (pure; tests compare exact vectors).
#pragma once

#include <string>
#include <vector>

#include "sandbox/policy.hpp"

namespace jailed::sandbox {

// File descriptors the launcher opens for bwrap to read.
struct FdPlan {
  int seccomp = -1;         // the seccomp BPF program
  std::vector<int> files;   // one per ro_data or copy mount, in mount order: the file's content
};

// Descriptors the Landlock helper gets through bwrap (see landlock_helper.cpp).
struct HelperFds {
  int program = -1;  // the helper's binary: bwrap runs it as /proc/self/fd/N, so no mount shows it
  int ruleset = -1;  // the Landlock ruleset jailed created
  int ready = -1;    // the report of the child adding the closure's rules; -1 for none
  int rules = -1;    // the rules of the jail's own mounts
};

// Returns bwrap's options for `policy` (everything before "--"), passed via --args FD so
// forwarded secrets never appear in the host's process list. `fds.files` holds one descriptor
// per ro_data and copy mount (std::out_of_range otherwise); --seccomp is always emitted, so a
// missing filter (-1) makes bwrap fail instead of running unfiltered.
std::vector<std::string> bwrap_options(const Policy& policy, const FdPlan& fds);

// Returns the argv jailed executes: bwrap --args FD -- command..., with the Landlock helper in
// front of the command when the policy runs one:
// bwrap --args FD -- /proc/self/fd/PROGRAM RULESET READY|- RULES -- command...
std::vector<std::string> bwrap_argv(const std::string& bwrap, int args_fd, const Policy& policy,
                                    const HelperFds& helper = {});

}  // namespace jailed::sandbox
