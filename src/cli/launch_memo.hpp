// Launch records: what an agent's last launch learnt from the trust and closure databases, so
// the next launch need not open either (each open rebuilds SQLite's WAL index: a good part of
// a launch's own time) while nothing they depend on has changed.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "cache/closure_cache.hpp"
#include "trust/trust_store.hpp"

namespace jailed::cli {

// How long a record stands in for the databases: the closure cache keeps last_used to the
// hour, and an older record sends the launch through them again (which writes a new one).
inline constexpr int64_t k_launch_record_life = 3600;

// One agent's record: the trust database allowed `trust_hash` while it was in state `trust`,
// and the closure cache's current entry for its packages was `entry`.
struct LaunchRecord {
  std::string file;                   // realpath of the .jailed
  std::string agent;                  // how it was launched: "agent NAME" or "shim NAME"
  int64_t written = 0;                // unix seconds
  trust::TrustState trust;
  std::string trust_hash;             // trust::trust_hash() of the file and its local inputs
  std::optional<cache::Entry> entry;  // Nix agents
};

// Returns `record` as the bytes of its file, and back; nothing for bytes that are not a whole
// record of this format.
std::string encode_record(const LaunchRecord& record);
std::optional<LaunchRecord> decode_record(const std::string& bytes);

// Returns $XDG_CACHE_HOME/jailed/launch, where the records live (safe to delete).
std::string launch_records_dir();

// Removes the records that can no longer be used (all of them with `all`); returns how many.
size_t remove_launch_records(const std::string& dir, bool all);

// One launch's use of its record: read before the databases would be, written after them.
class LaunchMemo {
 public:
  // A memo that knows nothing and records nothing (explain).
  LaunchMemo() = default;
  // Reads the state of the trust database `trust_db`, then the record of `agent` of the
  // .jailed at `path` in `records_dir`.
  LaunchMemo(const std::string& path, std::string agent, const std::string& records_dir = launch_records_dir(),
             const std::string& trust_db = trust::TrustStore::default_path());

  // Returns true if the record says the trust database allowed exactly `trust_hash` for
  // `real_path`, and the database has not changed since.
  bool vouches_for(const std::string& real_path, const std::string& trust_hash) const;
  // Returns the closure cache entry the record holds.
  std::optional<cache::Entry> entry() const;
  // Records that the trust database allowed `trust_hash` for `real_path` and the launch used
  // `entry`; writes only what the record does not already say.
  void remember(const std::string& real_path, const std::string& trust_hash, const std::optional<cache::Entry>& entry);

 private:
  std::string m_path;  // "" for a memo that records nothing
  std::string m_agent;
  trust::TrustState m_trust;
  std::optional<LaunchRecord> m_record;
};

}  // namespace jailed::cli
