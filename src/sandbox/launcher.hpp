// Starts the jail: prepares descriptors for bwrap and replaces jailed with it.
#pragma once

#include <string>

#include "sandbox/policy.hpp"
#include "util/result.hpp"

namespace jailed::sandbox {

// Returns the bwrap binary to use ($JAILED_BWRAP or bwrap on PATH), or an error saying how to install it.
Result<std::string> find_bwrap();

// Checks that unprivileged user namespaces work here; the error says how to enable them.
Status check_user_namespaces(const std::string& bwrap);

// Opens the seccomp program and data files, then executes bwrap; returns only on failure.
Status launch(const Policy& policy, const std::string& bwrap);

}  // namespace jailed::sandbox
