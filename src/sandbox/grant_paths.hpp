// Checking the paths a .jailed grants (readonly, readwrite, config) before the jail binds them.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "config/jail_config.hpp"
#include "util/result.hpp"

namespace jailed::sandbox {

// Resolves each of `agent`'s grants and config paths once and returns its real path, which is
// what the jail binds (keyed by the path as configured). Fails, naming the file and line, when a
// grant does not exist, or when any of these paths goes through a symlink that lies inside an
// area agents can write (`writable_roots`, the config paths, the read-write grants): an agent
// could have made that link (`ln -s .. data` for `readwrite = ./data`) to have the next launch
// bind whatever it points at. Symlinks elsewhere (the user's own) are followed.
Result<std::map<std::string, std::string>> resolve_grants(const config::AgentConfig& agent,
                                                           const std::vector<std::string>& writable_roots);

}  // namespace jailed::sandbox
