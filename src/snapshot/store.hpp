// A project's snapshot store: the manifest database (snapshots, their entries, which pack holds
// which content, sessions) and the pack files, under $XDG_STATE_HOME/jailed/snapshots/<key>/.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "snapshot/entry.hpp"
#include "util/sqlite.hpp"

namespace jailed::snapshot {

// One snapshot as listed.
struct SnapshotInfo {
  int64_t id = 0;
  int64_t created = 0;  // unix seconds
  std::string reason;   // "session AGENT", "manual", "before restore"
  int64_t files = 0;    // entries of every kind
  int64_t bytes = 0;    // total size of its files
  int64_t stored = 0;   // bytes of the pack written for it (0: nothing new)
  std::vector<std::string> excludes;  // the snapshot-exclude patterns it was taken with
};

// One agent session as logged.
struct SessionInfo {
  int64_t id = 0;
  std::string agent;
  int64_t started = 0;
  int64_t ended = 0;        // 0 while running (or when jailed could not wait for it)
  int64_t status = -1;      // exit status; -1 unknown
  int64_t snapshot = 0;     // the snapshot taken before it; 0 for none
  int64_t added = 0, changed = 0, deleted = 0;
  std::string warnings;     // the files host tools run that it changed, NUL-separated
};

// What take_snapshot() hands over to be recorded at once.
struct NewSnapshot {
  std::string reason;
  std::vector<std::string> excludes;
  Tree tree;
  int64_t bytes = 0;
  std::string pack;                 // pack file name, "" when nothing new was packed
  int64_t pack_bytes = 0;
  std::vector<std::pair<std::string, int64_t>> blobs;  // (hash, size) now in the pack
};

class Store {
 public:
  // Opens the store of the project at `project` (its real path) under `root`, creating it
  // when `create`; without it, a missing store is an empty one (exists() is false).
  Store(const std::string& root, const std::string& project, bool create);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // Returns $XDG_STATE_HOME/jailed/snapshots.
  static std::string default_root();
  bool exists() const { return m_db != nullptr; }
  const std::string& dir() const { return m_dir; }
  const std::string& project() const { return m_project; }
  // Returns the path of the pack named `name`.
  std::string pack_path(const std::string& name) const { return m_dir + "/packs/" + name; }

  // Takes the store's lock (waits for another snapshot, restore or prune to finish).
  void lock();

  // Returns every snapshot, oldest first.
  std::vector<SnapshotInfo> snapshots();
  std::optional<SnapshotInfo> snapshot(int64_t id);
  // Returns the entries of snapshot `id`, sorted by path.
  Tree manifest(int64_t id);
  // Returns the name of the pack holding the content `hash`, if any.
  std::optional<std::string> pack_of(const std::string& hash);
  // Starts one read transaction for many lookups (each query would otherwise take and drop
  // the database's read lock); end_reading() ends it, before commit().
  void begin_reading();
  void end_reading();
  // Records `snapshot` and the pack holding its new content in one transaction; returns its id.
  int64_t commit(const NewSnapshot& snapshot);
  // Records that the racy entries `paths` of snapshot `id` were read again and still match.
  void settle(int64_t id, const std::vector<std::string>& paths);

  // Starts a session of `agent` after snapshot `snapshot` (0: none); returns its id.
  int64_t begin_session(const std::string& agent, int64_t snapshot, int64_t started);
  // Records how a session ended and what it changed.
  void end_session(const SessionInfo& session);
  std::vector<SessionInfo> sessions();
  std::optional<SessionInfo> session(int64_t id);

  // Forgets snapshot `id` (its sessions keep their record, without a snapshot to diff against).
  void drop_snapshot(int64_t id);
  // Removes the files of pack writes that never finished (call under the lock).
  void remove_unfinished();
  // Removes packs no snapshot needs and files of writes that never finished; returns bytes freed.
  int64_t sweep();
  // Returns the bytes of every pack, and of the database.
  int64_t disk_bytes();

 private:
  std::string m_dir;
  std::string m_project;
  std::unique_ptr<util::Database> m_db;
  std::unique_ptr<util::Statement> m_pack_of;  // prepared once: a snapshot asks per new file
  bool m_reading = false;
  int m_lock_fd = -1;
};

}  // namespace jailed::snapshot
