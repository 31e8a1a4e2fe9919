// Shared steps of the commands: who am I, where the user's files are, is this file allowed.
#pragma once

#include <string>

#include "cli/launch_memo.hpp"
#include "config/find.hpp"
#include "config/jail_config.hpp"
#include "trust/trust_store.hpp"
#include "util/tree_digest.hpp"

namespace jailed::cli {

// Returns the absolute path of the running jailed binary (embedded in hooks and shims).
std::string self_path();

// Returns the user's home and jailed config directory.
config::UserContext user_context();

// The local files a merged .jailed makes Nix evaluate (path:, .#, git+file: ... flakes): trust
// covers them as it covers the file itself, and the closure cache's key names them.
struct LocalInputs {
  util::TreeDigests digests;  // each local flake directory's util::tree_digest

  // Returns them as trust hashes them: "" when there are none.
  std::string text() const;
};

// Reads every local flake of every agent in `config`, once.
LocalInputs local_inputs(const config::JailConfig& config);

// The trust verdict on a read .jailed and its local inputs.
struct Checked {
  trust::Verdict verdict;
  LocalInputs inputs;         // for allow(), and for the cache key of a launch
  bool inputs_only = false;   // the file is as allowed; only its local inputs changed
};

// Checks `file` and its local inputs against `store`; `merged` is the file merged with the
// user's presets and defaults (merging is not evaluating), which names the local inputs.
Checked check_file(trust::TrustStore& store, const config::LoadedFile& file,
                   const Result<config::JailConfig>& merged);
// Checks `file` with its local `inputs`, already read.
Checked check_inputs(trust::TrustStore& store, const config::LoadedFile& file, LocalInputs inputs);

// Returns what to tell the user about a .jailed at `path` that is not allowed.
std::string blocked_message(const Checked& checked, const std::string& path);

// A .jailed the user allowed, read once, and its merged configuration.
struct Allowed {
  config::LoadedFile file;
  config::JailConfig config;
  LocalInputs inputs;      // as the trust check read them
  std::string trust_hash;  // what was allowed (with a launch memo only)
};

// Reads and merges the .jailed at `path` and checks the user allowed exactly these bytes (and
// local inputs); throws ExitCode::not_allowed with what to do otherwise, then any config error.
// A launch passes its `memo`, whose record may vouch for the file instead of the database.
Allowed load_allowed(const std::string& path, const LaunchMemo* memo = nullptr);

}  // namespace jailed::cli
