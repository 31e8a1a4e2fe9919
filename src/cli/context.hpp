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

// Returns a digest of the local files a merged .jailed makes Nix evaluate (path:, .#, git+file:
// ... flakes), or "" when it names none: trust covers them as it covers the file itself.
std::string local_inputs(const config::JailConfig& config);

// The trust verdict on a read .jailed and its local inputs.
struct Checked {
  trust::Verdict verdict;
  std::string inputs;         // what local_inputs() returned, for allow()
  bool inputs_only = false;   // the file is as allowed; only its local inputs changed
};

// Checks `file` and its local inputs against `store`; `merged` is the file merged with the
// user's presets and defaults (merging is not evaluating), which names the local inputs.
Checked check_file(trust::TrustStore& store, const config::LoadedFile& file,
                   const Result<config::JailConfig>& merged);

// Returns what to tell the user about a .jailed at `path` that is not allowed.
std::string blocked_message(const Checked& checked, const std::string& path);

// A .jailed the user allowed, read once, and its merged configuration.
struct Allowed {
  config::LoadedFile file;
  config::JailConfig config;
};

// Reads and merges the .jailed at `path` and checks the user allowed exactly these bytes (and
// local inputs); throws ExitCode::not_allowed with what to do otherwise, then any config error.
Allowed load_allowed(const std::string& path);

}  // namespace jailed::cli
