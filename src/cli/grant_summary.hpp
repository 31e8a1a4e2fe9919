// What allowing a .jailed grants each agent, in a few lines: the review before trust.
#pragma once

#include <string>
#include <vector>

#include "config/jail_config.hpp"

namespace jailed::cli {

// Returns, per agent of `config`, the lines that say what it may touch: what it may write
// (the project or the directory it starts in, its state, readwrite grants), what else it may
// read, network, the variables it gets, its packages. Paths are ~-shortened and escaped.
std::vector<std::string> grant_lines(const config::JailConfig& config);

}  // namespace jailed::cli
