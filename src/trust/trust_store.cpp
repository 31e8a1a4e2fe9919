// Trust records in SQLite: the last allowed content per path, denied paths, and the change stamp.
#include "trust/trust_store.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>

#include "util/error.hpp"
#include "util/files.hpp"
#include "util/hash.hpp"
#include "util/paths.hpp"
#include "util/sqlite.hpp"

namespace jailed::trust {
namespace {

constexpr int k_schema_version = 2;

// One row per path: the last allowed content and snapshot (the sources and local flakes it used,
// subject.hpp) are kept so `jailed allow` can show what changed since.
constexpr const char* k_schema =
    "CREATE TABLE IF NOT EXISTS allowed(path TEXT PRIMARY KEY, hash TEXT NOT NULL, content BLOB NOT NULL,"
    " time INTEGER NOT NULL, snapshot BLOB);"
    "CREATE TABLE IF NOT EXISTS denied(path TEXT PRIMARY KEY, time INTEGER NOT NULL);";

// From version 1, whose records hold the file alone: their snapshot stays NULL.
constexpr const char* k_upgrade_from_1 = "ALTER TABLE allowed ADD COLUMN snapshot BLOB;";

// Returns `text` as one word for a POSIX shell, so the suggested command can be pasted.
std::string shell_word(const std::string& text) {
  bool plain = !text.empty() && text.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                                       "0123456789/._+-,:=@%") == std::string::npos;
  if (plain) return text;
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// Returns SQLite's own words from a util::Database error, without the path it repeats.
std::string reason_of(const Error& error, const std::string& path) {
  std::string message = error.what();
  size_t at = message.find(path + ": ");
  return at == std::string::npos ? message : message.substr(at + path.size() + 2);
}

[[noreturn]] void fail_closed(const std::string& path, const std::string& reason) {
  throw Error("trust database " + path + " is unreadable (" + reason +
                  "); jailed allows nothing until it is fixed: move it aside (mv " + shell_word(path) + " " +
                  shell_word(path + ".bad") + ") and allow your projects again",
              ExitCode::not_allowed);
}

// Runs a read; any database error means nothing may be trusted.
template <class Body>
auto reading(const std::string& path, Body body) -> decltype(body()) {
  try {
    return body();
  } catch (const Error& error) {
    if (error.code() == ExitCode::not_allowed) throw;
    fail_closed(path, reason_of(error, path));
  }
}

// Runs a write; the transaction has rolled back when this throws, so nothing changed.
template <class Body>
auto writing(const std::string& path, Body body) -> decltype(body()) {
  try {
    return body();
  } catch (const Error& error) {
    if (error.code() == ExitCode::not_allowed) throw;
    throw Error("cannot update trust database " + path + " (" + reason_of(error, path) + "); nothing was changed",
                ExitCode::not_allowed);
  }
}

int64_t now_seconds() { return static_cast<int64_t>(std::time(nullptr)); }

// Creates the database file and its directory, private to the user whatever the umask.
void create_file(const std::string& path) {
  std::string dir = util::parent_dir(path);
  bool had_dir = util::stat_path(dir).has_value();
  auto made = util::make_dirs(dir, 0700);
  if (!made) throw Error("cannot create the trust database: " + made.error(), ExitCode::not_allowed);
  // mkdir applies the umask; chmod makes the directory exactly 0700 (only when we made it).
  if (!had_dir && ::chmod(dir.c_str(), 0700) != 0) {
    throw Error("cannot set the mode of " + dir + ": " + std::strerror(errno), ExitCode::not_allowed);
  }
  // Made here rather than by SQLite, which would use 0644; its -wal and -shm files copy this mode.
  // O_NOFOLLOW: a symlink planted at this name must not redirect the trust records.
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return;  // already there, or made by another shell just now
    throw Error("cannot create the trust database " + path + ": " + std::strerror(errno), ExitCode::not_allowed);
  }
  // An odd umask (e.g. 0277) would otherwise leave a database we cannot write.
  int changed = ::fchmod(fd, 0600);
  int saved = errno;
  ::close(fd);
  if (changed != 0) {
    throw Error("cannot set the mode of " + path + ": " + std::strerror(saved), ExitCode::not_allowed);
  }
}

// Creates the tables of a new database, upgrades an older one; refuses a schema from a newer jailed.
void prepare_schema(util::Database& db) {
  int version = db.user_version();
  if (version == k_schema_version) return;
  if (version < k_schema_version) {
    util::Transaction transaction(db);
    // Another shell may have changed the schema between the read above and BEGIN IMMEDIATE.
    version = db.user_version();
    if (version == 0) db.exec(k_schema);
    if (version == 1) db.exec(k_upgrade_from_1);
    if (version < k_schema_version) {
      db.set_user_version(k_schema_version);
      version = k_schema_version;
    }
    transaction.commit();
  }
  if (version > k_schema_version) {
    throw Error("trust database " + db.path() + " was written by a newer jailed (schema version " +
                    std::to_string(version) + ", this one reads " + std::to_string(k_schema_version) +
                    "); upgrade jailed: until then it allows nothing",
                ExitCode::not_allowed);
  }
}

// Opens the store; returns nothing when the file is missing and `create` is false.
std::unique_ptr<util::Database> open_store(const std::string& path, bool create) {
  if (create) {
    create_file(path);
  } else if (struct stat st {}; ::stat(path.c_str(), &st) != 0) {
    // Only a file that is certainly absent means "no records"; any other failure fails closed.
    if (errno == ENOENT) return nullptr;
    fail_closed(path, std::strerror(errno));
  }
  std::unique_ptr<util::Database> db;
  try {
    db = std::make_unique<util::Database>(path, false);
  } catch (const Error& error) {
    fail_closed(path, reason_of(error, path));
  }
  reading(path, [&] { prepare_schema(*db); });
  return db;
}

// Returns true if `path` is certainly gone; a path we cannot inspect (EACCES) is kept.
bool is_gone(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) != 0 && (errno == ENOENT || errno == ENOTDIR);
}

}  // namespace

std::string TrustStore::default_path() { return util::xdg_dir("DATA") + "/jailed/trust.db"; }

std::string TrustStore::stamp_path(const std::string& db_path) {
  return util::join_path(util::parent_dir(db_path), "trust.stamp");
}

TrustState TrustStore::state(const std::string& db_path) {
  TrustState state;
  auto stamp = util::read_file(stamp_path(db_path), 4096);
  auto database = util::stat_path(db_path);
  if (!stamp || stamp->empty() || !database) return state;
  state.stamp = *stamp;
  state.database = util::stamp_of(*database);
  // A change still in the log (a connection open since it was made) has not reached the file.
  auto log = util::stat_path(db_path + "-wal");
  state.settled = !log || log->st_size == 0;
  return state;
}

TrustStore::TrustStore(const std::string& db_path, bool create) : m_db(open_store(db_path, create)), m_path(db_path) {}

TrustStore::~TrustStore() = default;

Verdict TrustStore::check(const Subject& subject) {
  Verdict verdict;
  if (!m_db) return verdict;
  return reading(m_path, [&]() -> Verdict {
    // One statement reads one snapshot, so a concurrent allow/deny cannot be seen half done.
    util::Statement query(*m_db,
                          "SELECT EXISTS(SELECT 1 FROM denied WHERE path = ?1), (SELECT hash FROM allowed WHERE path = ?1),"
                          " (SELECT content FROM allowed WHERE path = ?1), (SELECT snapshot FROM allowed WHERE path = ?1)");
    query.bind(1, subject.real_path);
    if (!query.step()) return verdict;
    if (query.integer(0) != 0) {
      verdict.status = Status::denied;
      return verdict;
    }
    if (!query.is_null(1)) {
      if (query.text(1) == trust_hash(subject)) {
        verdict.status = Status::allowed;
        return verdict;
      }
      verdict.status = Status::changed;
      std::string content = query.text(2);
      if (!query.is_null(3)) verdict.allowed = decode_snapshot(query.text(3), subject.real_path, content);
      verdict.complete = verdict.allowed.has_value();
      if (!verdict.allowed) verdict.allowed = Subject{subject.real_path, content, {}, {}};
    }
    verdict.enclosing = enclosing_project(subject.real_path);
    return verdict;
  });
}

std::string TrustStore::enclosing_project(const std::string& real_path) {
  util::Statement query(*m_db, "SELECT 1 FROM allowed WHERE path = ?1");
  std::string dir = util::parent_dir(real_path);
  while (dir != "/" && dir != ".") {
    dir = util::parent_dir(dir);
    std::string candidate = util::join_path(dir, util::base_name(real_path));
    query.bind(1, candidate);
    bool found = query.step();
    query.reset();
    if (found) return candidate;
  }
  return "";
}

void TrustStore::allow(const Subject& subject) {
  if (!m_db) m_db = open_store(m_path, true);
  writing(m_path, [&] {
    util::Transaction transaction(*m_db);
    util::Statement upsert(*m_db,
                           "INSERT OR REPLACE INTO allowed(path, hash, content, time, snapshot) VALUES(?1, ?2, ?3, ?4, ?5)");
    upsert.bind(1, subject.real_path)
        .bind(2, trust_hash(subject))
        .bind_blob(3, subject.content)
        .bind(4, now_seconds())
        .bind_blob(5, encode_snapshot(subject));
    upsert.run();
    util::Statement undeny(*m_db, "DELETE FROM denied WHERE path = ?1");
    undeny.bind(1, subject.real_path).run();
    transaction.commit();
  });
  touch_stamp();
}

void TrustStore::deny(const std::string& real_path) {
  if (!m_db) m_db = open_store(m_path, true);
  writing(m_path, [&] {
    util::Transaction transaction(*m_db);
    util::Statement forget(*m_db, "DELETE FROM allowed WHERE path = ?1");
    forget.bind(1, real_path).run();
    util::Statement upsert(*m_db, "INSERT OR REPLACE INTO denied(path, time) VALUES(?1, ?2)");
    upsert.bind(1, real_path).bind(2, now_seconds()).run();
    transaction.commit();
  });
  touch_stamp();
}

std::vector<Record> TrustStore::records() {
  if (!m_db) return {};
  return reading(m_path, [&] {
    util::Statement query(*m_db,
                          "SELECT path, 'allowed', hash, time FROM allowed"
                          " UNION ALL SELECT path, 'denied', '', time FROM denied ORDER BY 1, 2");
    std::vector<Record> out;
    while (query.step()) out.push_back(Record{query.text(0), query.text(1), query.text(2), query.integer(3)});
    return out;
  });
}

std::vector<std::string> TrustStore::prune() {
  if (!m_db) return {};
  auto removed = writing(m_path, [&] {
    // Checked inside the write transaction so an allow racing with prune is never dropped.
    util::Transaction transaction(*m_db);
    std::vector<std::string> gone;
    {
      util::Statement query(*m_db, "SELECT path FROM allowed UNION SELECT path FROM denied ORDER BY path");
      while (query.step()) {
        std::string path = query.text(0);
        if (is_gone(path)) gone.push_back(path);
      }
    }
    util::Statement drop_allowed(*m_db, "DELETE FROM allowed WHERE path = ?1");
    util::Statement drop_denied(*m_db, "DELETE FROM denied WHERE path = ?1");
    for (const auto& path : gone) {
      drop_allowed.bind(1, path).run();
      drop_denied.bind(1, path).run();
    }
    transaction.commit();
    return gone;
  });
  if (!removed.empty()) touch_stamp();
  return removed;
}

void TrustStore::touch_stamp() {
  // Replaced, never touched: mtimes are too coarse to tell two quick changes apart, but a new
  // inode is not. Time, pid and a counter make every content differ, so the write always happens.
  static uint64_t s_count = 0;
  timespec now {};
  ::clock_gettime(CLOCK_REALTIME, &now);
  std::string content = std::to_string(now.tv_sec) + "." + std::to_string(now.tv_nsec) + " " +
                        std::to_string(::getpid()) + " " + std::to_string(++s_count) + "\n";
  auto written = util::write_file_atomic(stamp_path(m_path), content, 0600);
  if (!written) {
    // No stamp at all is safe: launch records then never stand in for the database.
    ::unlink(stamp_path(m_path).c_str());
    throw Error("trust was recorded, but open shells will not notice until their next cd: " + written.error());
  }
}

}  // namespace jailed::trust
