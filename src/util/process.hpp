// Running programs from argument vectors (never through a shell).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "util/result.hpp"

namespace jailed::util {

// What a finished child did.
struct Completed {
  int status = 0;        // exit status, or 128 + signal number
  std::string out;       // captured standard output
  std::string err;       // captured standard error
};

// Runs programs; an interface so tests can substitute a fake (ninja's CommandRunner).
class CommandRunner {
 public:
  virtual ~CommandRunner() = default;
  // Runs `argv` to completion, capturing stdout and stderr; fails only if it cannot start.
  virtual Result<Completed> run(const std::vector<std::string>& argv) = 0;
};

// Runs real processes with fork/exec, in jailed's environment or in `env` (NAME=VALUE each).
class SystemRunner : public CommandRunner {
 public:
  SystemRunner() = default;
  explicit SystemRunner(std::vector<std::string> env) : m_env(std::move(env)), m_own_env(true) {}
  Result<Completed> run(const std::vector<std::string>& argv) override;

 private:
  std::vector<std::string> m_env;
  bool m_own_env = false;
};

// Returns the absolute path of `name` found in the colon-separated `path_list`
// (`name` containing a slash is returned if executable).
std::optional<std::string> find_program(const std::string& name, const std::string& path_list);

// Returns `path_list` without its relative entries and those lying, as written or resolved,
// within one of `areas` (absolute, normalized): where the caller's PATH must not lead when a
// program is looked up for the host or for a jail, because an agent can write there.
std::string path_without(const std::string& path_list, const std::vector<std::string>& areas);

// Returns find_program(name, $PATH).
std::optional<std::string> find_in_path(const std::string& name);

// Replaces the current process with `argv[0]` (an absolute path), environment `env`;
// returns only on failure.
Status exec_program(const std::vector<std::string>& argv, const std::vector<std::string>& env);

}  // namespace jailed::util
