// Trust records: which .jailed contents the user has allowed or denied (SQLite).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "util/files.hpp"

namespace jailed::util {
class Database;
}

namespace jailed::trust {

enum class Status {
  allowed,      // this exact content at this path was allowed
  not_allowed,  // never allowed
  changed,      // an earlier content was allowed; this one was not
  denied,       // the path was denied (deny wins over any allow)
};

// The answer to "may this file be used?".
struct Verdict {
  Status status = Status::not_allowed;
  std::optional<std::string> allowed_content;  // the last allowed content, for `allow`'s diff
};

// One stored record, for `jailed status`.
struct Record {
  std::string path;
  std::string state;  // "allowed" | "denied"
  std::string hash;   // SHA-256 hex (empty for denied)
  int64_t time = 0;   // unix seconds of the decision
};

// The trust database as a launch record sees it: every allow, deny and prune changes it.
struct TrustState {
  std::string stamp;         // the stamp file's content (unique per change); empty when missing
  util::FileStamp database;  // the database file
  bool settled = false;      // a stamp exists and no change waits in the write-ahead log
  bool operator==(const TrustState&) const = default;
};

// Returns the SHA-256 trust hash of a file: over realpath + "\n" + content, plus `inputs`
// (a digest of the local files the content makes Nix evaluate) when there are any.
std::string trust_hash(const std::string& real_path, const std::string& content, const std::string& inputs = "");

// The trust database. Any error (missing permission, corruption) throws jailed::Error with
// ExitCode::not_allowed: trust fails closed.
class TrustStore {
 public:
  // Returns $XDG_DATA_HOME/jailed/trust.db.
  static std::string default_path();
  // Returns the stamp file touched on every change, watched by the prompt hook's fast path.
  static std::string stamp_path(const std::string& db_path);
  // Returns the state of the database at `db_path` without opening it.
  static TrustState state(const std::string& db_path);

  // Opens the database; `create` creates it (and its directory) when missing.
  TrustStore(const std::string& db_path, bool create);
  ~TrustStore();

  // Decides whether `content` at `real_path`, with its local `inputs`, may be used.
  Verdict check(const std::string& real_path, const std::string& content, const std::string& inputs = "");
  // Records `content` at `real_path` (with `inputs`) as allowed and lifts a deny of that path.
  void allow(const std::string& real_path, const std::string& content, const std::string& inputs = "");
  // Denies `real_path` whatever its content, and forgets its allows.
  void deny(const std::string& real_path);
  // Returns every record, sorted by path.
  std::vector<Record> records();
  // Removes records whose file no longer exists; returns the removed paths.
  std::vector<std::string> prune();

 private:
  void touch_stamp();
  std::unique_ptr<util::Database> m_db;
  std::string m_path;
};

}  // namespace jailed::trust
