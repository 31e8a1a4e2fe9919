// Error type thrown by orchestration code and the exit codes jailed returns.
#pragma once

#include <stdexcept>
#include <string>

namespace jailed {

// Process exit status of jailed itself; documented in jailed(1) EXIT STATUS.
// `jailed run` returns the agent's own status once the agent has started.
enum class ExitCode : int {
  ok = 0,
  failure = 1,       // an operation failed (I/O, database, nix, ...)
  usage = 2,         // bad command line
  not_allowed = 3,   // the .jailed file is not allowed, denied or unsafe
  bad_config = 4,    // the .jailed file (or a preset, or the global config) is invalid
  no_sandbox = 5,    // bwrap is missing or user namespaces are unavailable
};

// Carries a user-facing message (lowercase, says what to do) and an exit code.
class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message, ExitCode code = ExitCode::failure)
      : std::runtime_error(message), m_code(code) {}
  ExitCode code() const { return m_code; }

 private:
  ExitCode m_code;
};

}  // namespace jailed
