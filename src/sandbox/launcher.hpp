// Starts the jail: finds bwrap, prepares its descriptors and replaces jailed with it.
#pragma once

#include <string>
#include <vector>

#include "sandbox/bwrap_args.hpp"
#include "sandbox/policy.hpp"
#include "util/result.hpp"

namespace jailed::sandbox {

// Returns the bwrap binary to use ($JAILED_BWRAP or bwrap on PATH), or an error saying how to install it.
Result<std::string> find_bwrap();

// Checks that unprivileged user namespaces work here; the error says how to enable them.
Status check_user_namespaces(const std::string& bwrap);

// Marks every descriptor above stderr close-on-exec, so nothing jailed inherited from its own
// parent (an open socket, a terminal, a pipe) leaks into the jail.
Status close_inherited_on_exec();

// Refuses a standard descriptor (0-2) that is a directory or an O_PATH descriptor: bwrap hands
// them to the agent, which could then open anything beneath that host directory through it.
Status check_standard_descriptors();

// Turns core dumps off for jailed and everything it starts (soft and hard limit 0): a dump would
// land in the agent's working directory, the project, holding the agent's memory.
Status turn_core_dumps_off();

// Returns bwrap's options for `policy` as --args reads them (each ends in a NUL byte), with the
// data files on `plan`'s descriptors. Refuses a closure entry that is not a store path, and an
// option holding a NUL byte (it would smuggle in options of its own).
Result<std::string> encode_options(const Policy& policy, const FdPlan& plan);

// Returns the contents of the files bwrap writes into the jail (ro_data and copy mounts), in
// mount order: what bwrap_options() expects on FdPlan::files.
Result<std::vector<std::string>> data_files(const Policy& policy);

// Launches a policy already worked out; returns only on failure. One that needs the Landlock
// helper (policy.landlock_helper) goes through the gate (gate.hpp), handed over at once; any
// other starts bwrap with the agent as its command (what jailed run does without the helper).
Status launch(const Policy& policy, const std::string& bwrap);

}  // namespace jailed::sandbox
