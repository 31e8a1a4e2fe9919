#include "snapshot/store.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <set>

#include "util/error.hpp"
#include "util/files.hpp"
#include "util/hash.hpp"
#include "util/paths.hpp"
#include "util/strings.hpp"

namespace jailed::snapshot {
namespace {

constexpr int k_schema = 1;

const char* const k_schema_sql = R"(
CREATE TABLE IF NOT EXISTS project(path BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS packs(name TEXT PRIMARY KEY, bytes INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS blobs(hash BLOB PRIMARY KEY, size INTEGER NOT NULL, pack TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS snapshots(id INTEGER PRIMARY KEY, created INTEGER NOT NULL, reason TEXT NOT NULL,
  files INTEGER NOT NULL, bytes INTEGER NOT NULL, stored INTEGER NOT NULL, excludes BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS entries(snapshot INTEGER NOT NULL, path BLOB NOT NULL, kind INTEGER NOT NULL,
  mode INTEGER NOT NULL, size INTEGER NOT NULL, mtime INTEGER NOT NULL, ctime INTEGER NOT NULL, ino INTEGER NOT NULL,
  dev INTEGER NOT NULL, hash BLOB NOT NULL, target BLOB NOT NULL, racy INTEGER NOT NULL,
  PRIMARY KEY(snapshot, path)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS sessions(id INTEGER PRIMARY KEY, agent TEXT NOT NULL, started INTEGER NOT NULL,
  ended INTEGER NOT NULL DEFAULT 0, status INTEGER NOT NULL DEFAULT -1, snapshot INTEGER NOT NULL,
  added INTEGER NOT NULL DEFAULT 0, changed INTEGER NOT NULL DEFAULT 0, deleted INTEGER NOT NULL DEFAULT 0,
  warnings TEXT NOT NULL DEFAULT '');
)";

SnapshotInfo read_info(util::Statement& row) {
  SnapshotInfo info{row.integer(0), row.integer(1), row.text(2), row.integer(3), row.integer(4), row.integer(5), {}};
  // Patterns are joined with NUL bytes, which no pattern holds.
  std::string excludes = row.text(6);
  if (!excludes.empty()) info.excludes = util::split(excludes, '\0');
  return info;
}

const char* const k_snapshot_columns = "SELECT id, created, reason, files, bytes, stored, excludes FROM snapshots";

SessionInfo read_session(util::Statement& row) {
  SessionInfo s;
  s.id = row.integer(0);
  s.agent = row.text(1);
  s.started = row.integer(2);
  s.ended = row.integer(3);
  s.status = row.integer(4);
  s.snapshot = row.integer(5);
  s.added = row.integer(6);
  s.changed = row.integer(7);
  s.deleted = row.integer(8);
  s.warnings = row.text(9);
  return s;
}

const char* const k_session_columns = "SELECT id, agent, started, ended, status, snapshot, added, changed, deleted, warnings FROM sessions";

}  // namespace

std::string Store::default_root() { return util::xdg_dir("STATE") + "/jailed/snapshots"; }

Store::Store(const std::string& root, const std::string& project, bool create)
    : m_dir(root + "/" + util::xxh128_hex(project)), m_project(project) {
  std::string db_path = m_dir + "/manifest.db";
  if (!create && !util::exists_nofollow(db_path)) return;
  // 0700: the store holds copies of the project, which may hold secrets.
  util::make_dirs(m_dir + "/packs", 0700).take();
  m_db = std::make_unique<util::Database>(db_path, true);
  // No checkpoint when this connection closes: a session opens the store twice, and each
  // checkpoint flushes the log and the database to the disk. Commits are appended to the log
  // (SQLite checkpoints it every 1,000 pages); a pack is flushed before the commit naming it.
  sqlite3_db_config(m_db->handle(), SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);
  if (m_db->user_version() == 0) {
    util::Transaction tx(*m_db);
    m_db->exec(k_schema_sql);
    util::Statement(*m_db, "INSERT INTO project(path) VALUES(?)").bind_blob(1, project).run();
    m_db->set_user_version(k_schema);
    tx.commit();
  } else if (m_db->user_version() != k_schema) {
    throw Error("the snapshot store " + m_dir + " was written by another version of jailed (schema " +
                std::to_string(m_db->user_version()) + ", this one reads " + std::to_string(k_schema) + ")");
  }
}

Store::~Store() {
  m_pack_of.reset();  // before the database it belongs to
  if (m_reading) sqlite3_exec(m_db->handle(), "ROLLBACK", nullptr, nullptr, nullptr);
  if (m_lock_fd >= 0) ::close(m_lock_fd);
}

void Store::lock() {
  if (m_lock_fd >= 0) return;
  m_lock_fd = ::open((m_dir + "/lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (m_lock_fd < 0) throw Error("cannot lock the snapshot store " + m_dir + ": " + std::strerror(errno));
  while (::flock(m_lock_fd, LOCK_EX) != 0) {
    if (errno != EINTR) throw Error("cannot lock the snapshot store " + m_dir + ": " + std::strerror(errno));
  }
}

std::vector<SnapshotInfo> Store::snapshots() {
  std::vector<SnapshotInfo> out;
  if (!m_db) return out;
  util::Statement rows(*m_db, std::string(k_snapshot_columns) + " ORDER BY id");
  while (rows.step()) out.push_back(read_info(rows));
  return out;
}

std::optional<SnapshotInfo> Store::snapshot(int64_t id) {
  if (!m_db) return std::nullopt;
  util::Statement row(*m_db, std::string(k_snapshot_columns) + " WHERE id = ?");
  row.bind(1, id);
  if (!row.step()) return std::nullopt;
  return read_info(row);
}

Tree Store::manifest(int64_t id) {
  Tree tree;
  if (!m_db) return tree;
  util::Statement rows(*m_db,
                       "SELECT path, kind, mode, size, mtime, ctime, ino, dev, hash, target, racy FROM entries "
                       "WHERE snapshot = ? ORDER BY path");
  rows.bind(1, id);
  while (rows.step()) {
    Entry e;
    e.path = rows.text(0);
    e.kind = static_cast<Kind>(rows.integer(1));
    e.mode = static_cast<uint32_t>(rows.integer(2));
    e.size = rows.integer(3);
    e.mtime_ns = rows.integer(4);
    e.ctime_ns = rows.integer(5);
    e.ino = static_cast<uint64_t>(rows.integer(6));
    e.dev = static_cast<uint64_t>(rows.integer(7));
    e.hash = rows.text(8);
    e.target = rows.text(9);
    e.racy = rows.integer(10) != 0;
    tree.push_back(std::move(e));
  }
  return tree;
}

std::optional<std::string> Store::pack_of(const std::string& hash) {
  if (!m_db) return std::nullopt;
  if (!m_pack_of) m_pack_of = std::make_unique<util::Statement>(*m_db, "SELECT pack FROM blobs WHERE hash = ?");
  util::Statement& row = *m_pack_of;
  row.bind_blob(1, hash);
  std::optional<std::string> pack;
  if (row.step()) pack = row.text(0);
  row.reset();
  return pack;
}

void Store::begin_reading() {
  if (!m_db || m_reading) return;
  m_db->exec("BEGIN");
  m_reading = true;
}

void Store::end_reading() {
  if (!m_reading) return;
  if (m_pack_of) m_pack_of->reset();
  m_db->exec("COMMIT");
  m_reading = false;
}

int64_t Store::commit(const NewSnapshot& snapshot) {
  util::Transaction tx(*m_db);
  if (!snapshot.pack.empty()) {
    util::Statement(*m_db, "INSERT INTO packs(name, bytes) VALUES(?, ?)")
        .bind(1, snapshot.pack)
        .bind(2, snapshot.pack_bytes)
        .run();
    util::Statement blob(*m_db, "INSERT OR IGNORE INTO blobs(hash, size, pack) VALUES(?, ?, ?)");
    for (const auto& [hash, size] : snapshot.blobs) blob.bind_blob(1, hash).bind(2, size).bind(3, snapshot.pack).run();
  }
  util::Statement(*m_db, "INSERT INTO snapshots(created, reason, files, bytes, stored, excludes) VALUES(?, ?, ?, ?, ?, ?)")
      .bind(1, static_cast<int64_t>(::time(nullptr)))
      .bind(2, snapshot.reason)
      .bind(3, static_cast<int64_t>(snapshot.tree.size()))
      .bind(4, snapshot.bytes)
      .bind(5, snapshot.pack_bytes)
      .bind_blob(6, util::join(snapshot.excludes, std::string_view("\0", 1)))
      .run();
  int64_t id = sqlite3_last_insert_rowid(m_db->handle());
  util::Statement row(*m_db,
                      "INSERT INTO entries(snapshot, path, kind, mode, size, mtime, ctime, ino, dev, hash, target, racy) "
                      "VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  for (const auto& e : snapshot.tree) {
    row.bind(1, id).bind_blob(2, e.path).bind(3, static_cast<int64_t>(e.kind)).bind(4, static_cast<int64_t>(e.mode));
    row.bind(5, e.size).bind(6, e.mtime_ns).bind(7, e.ctime_ns).bind(8, static_cast<int64_t>(e.ino));
    row.bind(9, static_cast<int64_t>(e.dev)).bind_blob(10, e.hash).bind_blob(11, e.target).bind(12, e.racy ? 1 : 0);
    row.run();
  }
  tx.commit();
  return id;
}

void Store::settle(int64_t id, const std::vector<std::string>& paths) {
  if (paths.empty()) return;
  util::Transaction tx(*m_db);
  util::Statement row(*m_db, "UPDATE entries SET racy = 0 WHERE snapshot = ? AND path = ?");
  for (const auto& path : paths) row.bind(1, id).bind_blob(2, path).run();
  tx.commit();
}

int64_t Store::begin_session(const std::string& agent, int64_t snapshot, int64_t started) {
  util::Statement(*m_db, "INSERT INTO sessions(agent, started, snapshot) VALUES(?, ?, ?)")
      .bind(1, agent)
      .bind(2, started)
      .bind(3, snapshot)
      .run();
  return sqlite3_last_insert_rowid(m_db->handle());
}

void Store::end_session(const SessionInfo& s) {
  util::Statement(*m_db,
                  "UPDATE sessions SET ended = ?, status = ?, added = ?, changed = ?, deleted = ?, warnings = ? "
                  "WHERE id = ?")
      .bind(1, s.ended)
      .bind(2, s.status)
      .bind(3, s.added)
      .bind(4, s.changed)
      .bind(5, s.deleted)
      .bind(6, s.warnings)
      .bind(7, s.id)
      .run();
}

std::vector<SessionInfo> Store::sessions() {
  std::vector<SessionInfo> out;
  if (!m_db) return out;
  util::Statement rows(*m_db, std::string(k_session_columns) + " ORDER BY id");
  while (rows.step()) out.push_back(read_session(rows));
  return out;
}

std::optional<SessionInfo> Store::session(int64_t id) {
  if (!m_db) return std::nullopt;
  util::Statement row(*m_db, std::string(k_session_columns) + " WHERE id = ?");
  row.bind(1, id);
  if (!row.step()) return std::nullopt;
  return read_session(row);
}

void Store::drop_snapshot(int64_t id) {
  util::Transaction tx(*m_db);
  util::Statement(*m_db, "DELETE FROM entries WHERE snapshot = ?").bind(1, id).run();
  util::Statement(*m_db, "DELETE FROM snapshots WHERE id = ?").bind(1, id).run();
  tx.commit();
}

int64_t Store::sweep() {
  if (!m_db) return 0;
  int64_t freed = 0;
  std::set<std::string> kept;
  {
    util::Transaction tx(*m_db);
    // Content no entry refers to any more, then packs no content is in.
    m_db->exec("DELETE FROM blobs WHERE hash NOT IN (SELECT hash FROM entries WHERE kind = 1)");
    m_db->exec("DELETE FROM packs WHERE name NOT IN (SELECT pack FROM blobs)");
    util::Statement rows(*m_db, "SELECT name FROM packs");
    while (rows.step()) kept.insert(rows.text(0));
    tx.commit();
  }
  // Under the lock no write is under way: any other file in packs/ is one that never finished.
  DIR* dir = ::opendir((m_dir + "/packs").c_str());
  if (!dir) return 0;
  while (dirent* item = ::readdir(dir)) {
    std::string name = item->d_name;
    if (name == "." || name == ".." || kept.count(name)) continue;
    if (auto st = util::lstat_path(pack_path(name))) freed += st->st_size;
    ::unlink(pack_path(name).c_str());
  }
  ::closedir(dir);
  return freed;
}

void Store::remove_unfinished() {
  DIR* dir = ::opendir((m_dir + "/packs").c_str());
  if (!dir) return;
  while (dirent* item = ::readdir(dir)) {
    std::string name = item->d_name;
    if (name.rfind(".new-", 0) == 0) ::unlink(pack_path(name).c_str());
  }
  ::closedir(dir);
}

int64_t Store::disk_bytes() {
  int64_t total = 0;
  if (!m_db) return 0;
  util::Statement rows(*m_db, "SELECT COALESCE(SUM(bytes), 0) FROM packs");
  if (rows.step()) total += rows.integer(0);
  if (auto st = util::stat_path(m_dir + "/manifest.db")) total += st->st_size;
  return total;
}

}  // namespace jailed::snapshot
