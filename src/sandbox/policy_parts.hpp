// Helpers shared by the files that make up the sandbox policy (not for other modules).
#pragma once

#include <string>

#include "config/jail_config.hpp"
#include "sandbox/policy.hpp"

namespace jailed::sandbox {

// Returns true if a config path names a file (.json, .toml, .yaml, ...), not a directory.
bool is_config_file(const std::string& path);

// Returns true if a config file lies within a directory the jail binds anyway (the work
// directory, a directory config path, an existing grant).
bool reached_through_dir(const std::string& path, const config::AgentConfig& agent, const HostFacts& host,
                         const ProjectFacts& project);

// Returns why a protected path of `project` is protected, for explain.
std::string protected_reason(const std::string& path, const ProjectFacts& project);

}  // namespace jailed::sandbox
