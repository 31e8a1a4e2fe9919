// A session with a snapshot: jailed stays as the agent's waiting parent, so that it can record
// how the session ended and tell the user, in one line, what the agent changed.
//
// jailed forks; the child, in a process group of its own that owns the terminal, starts the
// jail as ever (it executes bwrap); the snapshot is taken and the session recorded before the
// agent's first instruction (by the planner of a gated launch, before its hand-over). jailed
// passes on the signals it gets, stops when the jail stops (ctrl-Z) and continues it on fg,
// and exits with the jail's status (128+N for a jail killed by signal N).
#pragma once

#include <functional>
#include <string>

#include "cli/agent_plan.hpp"

namespace jailed::cli {

// Returns true if a session of the agent from `jailed_file` will be snapshotted (no
// JAILED_NO_SNAPSHOT, and the file does not say snapshot = off). Reads the file only: whether
// it is allowed is checked by the launch, which starts nothing otherwise.
bool wants_snapshot(const std::string& jailed_file);

// The planner's part, before the agent runs: snapshots the project of `plan`, records the
// session, and writes what the waiting jailed needs to `report_fd` (then closes it). Warns and
// carries on without a snapshot when none can be taken.
void begin_session(const AgentPlan& plan, int report_fd);

// Runs `start_jail` (which executes bwrap and returns only on failure) in a child as described
// above, reading the planner's report from `report_fd`; `write_fd` is the end the child keeps
// for its planner (-1 when the report is written already). Returns the exit status for jailed.
int run_session(const std::function<void()>& start_jail, int report_fd, int write_fd);

}  // namespace jailed::cli
