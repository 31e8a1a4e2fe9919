// Trust records: which .jailed contents the user has allowed or denied (SQLite).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "trust/subject.hpp"
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
  // changed: the last allowed version, for `allow`'s diff and for saying what changed. Records
  // made before sources and local flakes were kept hold the file alone (`complete` false).
  std::optional<Subject> allowed;
  bool complete = false;
  // not_allowed or changed: the .jailed of an allowed project that holds this one (an agent of
  // that project could have written it), or "".
  std::string enclosing;
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

  // Decides whether `subject` (a .jailed and what it uses) may be used.
  Verdict check(const Subject& subject);
  // Records `subject` as allowed, with its snapshot, and lifts a deny of its path.
  void allow(const Subject& subject);
  // Denies `real_path` whatever its content, and forgets its allows.
  void deny(const std::string& real_path);
  // Returns every record, sorted by path.
  std::vector<Record> records();
  // Removes records whose file no longer exists; returns the removed paths.
  std::vector<std::string> prune();

 private:
  // Returns the allowed .jailed nearest above `real_path`'s directory, or "".
  std::string enclosing_project(const std::string& real_path);
  void touch_stamp();
  std::unique_ptr<util::Database> m_db;
  std::string m_path;
};

}  // namespace jailed::trust
