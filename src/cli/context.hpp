// Shared steps of the commands: who am I, where the user's files are, is this file allowed.
#pragma once

#include <string>

#include "cli/launch_memo.hpp"
#include "config/find.hpp"
#include "config/jail_config.hpp"
#include "trust/changes.hpp"
#include "trust/trust_store.hpp"
#include "util/tree_digest.hpp"

namespace jailed::cli {

// Returns the absolute path of the running jailed binary (embedded in hooks and shims).
std::string self_path();

// Returns the user's home and jailed config directory.
config::UserContext user_context();

// Returns what trust covers of `file`, merged as `merged` (merging is not evaluating): the
// file, the sources merged into it, and every local flake (path:, .#, git+file: ...) of every
// agent, read once. `keep_texts` keeps the texts of the flakes' small files for an allow's
// snapshot. A file that does not merge has no flakes to name; its sources are still read.
trust::Subject subject_of(const config::LoadedFile& file, const Result<config::JailConfig>& merged,
                          const config::UserContext& user, bool keep_texts = false);

// Returns the local flakes' digests of `subject`, which the closure cache's key names.
util::TreeDigests tree_digests(const trust::Subject& subject);

// The trust verdict on a read .jailed and what it uses.
struct Checked {
  trust::Verdict verdict;
  trust::Subject subject;       // what was checked: what allow() records
  bool file_unchanged = false;  // changed, but the file is as allowed: only what it uses changed
  bool flakes_only = false;     // ... and of that only local flakes
};

// Checks `file` and what it uses (see subject_of) against `store`.
Checked check_file(trust::TrustStore& store, const config::LoadedFile& file, const Result<config::JailConfig>& merged,
                   bool keep_texts = false);
// Checks `subject`, already read.
Checked check_subject(trust::TrustStore& store, trust::Subject subject);

// Returns what to tell the user about a .jailed at `path` that is not allowed: which file
// changed, or that it is new inside an allowed project.
std::string blocked_message(const Checked& checked, const std::string& path);

// A .jailed the user allowed, read once, and its merged configuration.
struct Allowed {
  config::LoadedFile file;
  config::JailConfig config;
  util::TreeDigests trees;  // its local flakes as the trust check read them
  std::string trust_hash;   // what was allowed (with a launch memo only)
};

// Reads and merges the .jailed at `path` and checks the user allowed exactly these bytes (and
// what they use); throws ExitCode::not_allowed with what to do otherwise, then any config error.
// A launch passes its `memo`, whose record may vouch for the file instead of the database.
Allowed load_allowed(const std::string& path, const LaunchMemo* memo = nullptr);

}  // namespace jailed::cli
