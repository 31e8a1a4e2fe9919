// The seccomp filter applied inside the jail (denies TIOCSTI, nested user namespaces, ...).
#pragma once

#include <string>
#include <vector>

#include "util/result.hpp"

namespace jailed::sandbox {

// Returns the names of what the filter denies, for explain.
std::vector<std::string> seccomp_denials();

// Builds the filter and returns a file descriptor holding its BPF program (for --seccomp).
Result<int> seccomp_program_fd();

}  // namespace jailed::sandbox
