// The end of a session: what the agent changed, recorded and told in one line.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "snapshot/compare.hpp"

namespace jailed::cli {

// Returns the line that tells what a session of `agent` changed: counts, how to review and
// undo it (session `session`), and the files host tools run or obey among `changes`.
std::string summary_line(const std::string& agent, int64_t session, const std::vector<snapshot::Change>& changes);

// Compares the project at `project` with the snapshot of session `session`, records the
// session's end with `status`, and prints the summary line on stderr.
void end_session(const std::string& project, int64_t session, int status);

}  // namespace jailed::cli
