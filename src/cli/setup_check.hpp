// Checks of a .jailed's setup before it is trusted: what the syntax check cannot see.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "config/jail_config.hpp"

namespace jailed::cli {

// One thing found wrong; `text` starts with "FILE:LINE: " where a line is known.
struct SetupFinding {
  bool error = false;  // an error refuses the allow; a warning is shown
  std::string text;
};

// Returns why a project at `project_dir` is refused, or nothing: the root directory, the
// home `home` and its ancestors hold everything of the user's, and the nearest .jailed
// governs every directory below it.
std::optional<std::string> broad_project(const std::string& project_dir, const std::string& home);

// Returns why granting `path` is refused, or nothing: the whole home (or an ancestor of it),
// a directory that holds a secret store (~/.ssh, ~/.gnupg, ~/.aws, ...) without being it, and
// anything touching jailed's own config, data, state or cache directories.
std::optional<std::string> broad_grant(const std::string& path, const std::string& home);

// Checks every agent of `config`: grants (broad_grant), paths that do not exist or hold a
// comma (a list written with commas), a backend that contradicts the package, programs of
// host agents that cannot be found. Findings are unique, in agent order.
std::vector<SetupFinding> check_setup(const config::JailConfig& config, const std::string& home);

}  // namespace jailed::cli
