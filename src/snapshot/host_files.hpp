// Which changes matter beyond the project's own content: files that host tools run or obey
// after the session (git, direnv, editors, agents, hook managers, build and package scripts).
#pragma once

#include <string>
#include <vector>

#include "snapshot/compare.hpp"

namespace jailed::snapshot {

// Returns what runs or obeys the path of `change` ("git", "direnv", "a build script", ...), or
// "" for a change no host tool acts on. A file that became executable always matters.
std::string host_tool_reason(const Change& change);

// Returns the paths among `changes` (sorted by path) that host tools run or obey, in order;
// a new empty directory is not one.
std::vector<std::string> host_tool_paths(const std::vector<Change>& changes);

}  // namespace jailed::snapshot
