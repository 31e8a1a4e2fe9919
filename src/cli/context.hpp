// Shared steps of the commands: who am I, where the user's files are, is this file allowed.
#pragma once

#include <string>

#include "config/find.hpp"
#include "config/jail_config.hpp"
#include "trust/trust_store.hpp"

namespace jailed::cli {

// Returns the absolute path of the running jailed binary (embedded in hooks and shims).
std::string self_path();

// Returns the user's home and jailed config directory.
config::UserContext user_context();

// Returns what to tell the user about a .jailed at `path` that is not allowed.
std::string blocked_message(trust::Status status, const std::string& path);

// Reads the .jailed at `path` and checks the user allowed exactly these bytes;
// throws ExitCode::not_allowed with what to do otherwise.
config::LoadedFile read_allowed(const std::string& path);

// Reads, checks trust, and merges the configuration of the .jailed at `path`.
config::JailConfig load_allowed(const std::string& path);

}  // namespace jailed::cli
