// The seccomp filter applied inside the jail (denies TIOCSTI, nested user namespaces, ...).
#pragma once

#include <string>
#include <vector>

#include "util/result.hpp"

namespace jailed::sandbox {

// Returns the names of what the filter denies, for explain.
std::vector<std::string> seccomp_denials();

// Builds the filter with libseccomp and returns its BPF program (an array of struct sock_filter).
// Runs at build time (seccomp_embed.cpp) and in tests, not on launch.
Result<std::string> build_seccomp_program();

// Returns a file descriptor holding the program built into the binary, at offset 0 (for --seccomp).
Result<int> seccomp_program_fd();

}  // namespace jailed::sandbox
