#include "util/sqlite.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cstring>

#include "util/error.hpp"

namespace jailed::util {
namespace {

// Returns false if `path` exists, is not empty, and does not start with SQLite's header. The
// -wal file is kept between connections, and SQLite could otherwise serve its pages over a
// main file that was overwritten: a damaged database must be reported, not half used.
bool has_sqlite_header(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return true;  // missing (or unreadable: SQLite's own open reports it)
  char header[16] = {};
  ssize_t n = ::pread(fd, header, sizeof header, 0);
  ::close(fd);
  if (n == 0) return true;  // empty: a database being created
  return n == sizeof header && std::memcmp(header, "SQLite format 3", sizeof header) == 0;
}

}  // namespace

Database::Database(const std::string& path, bool create) : m_path(path) {
  if (!has_sqlite_header(path)) throw Error("database " + path + ": file is not a database");
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
  if (sqlite3_open_v2(path.c_str(), &m_db, flags, nullptr) != SQLITE_OK) {
    std::string message = m_db ? sqlite3_errmsg(m_db) : "out of memory";
    sqlite3_close(m_db);
    m_db = nullptr;
    throw Error("cannot open database " + path + ": " + message);
  }
  // Many shells prompt at once: wait for a writer instead of failing with SQLITE_BUSY.
  sqlite3_busy_timeout(m_db, 5000);
  // Keep the -wal and -shm files between connections: jailed's processes are short-lived, and
  // creating, initialising and deleting them at every open cost more than the queries.
  int persist = 1;
  sqlite3_file_control(m_db, "main", SQLITE_FCNTL_PERSIST_WAL, &persist);
  // journal_size_limit=0: the last connection to close checkpoints the WAL and truncates it to
  // nothing. A WAL left holding frames would be read back by every later open and copied into
  // the database (with two fsyncs) again at every close, even by connections that only read.
  // Switching to (or recovering) WAL can answer SQLITE_BUSY without calling the busy handler
  // while another shell holds the lock: retry for up to the same five seconds.
  for (int attempt = 0;; ++attempt) {
    int rc = sqlite3_exec(m_db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA journal_size_limit=0;",
                          nullptr, nullptr, nullptr);
    if (rc == SQLITE_OK) break;
    bool busy = (rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED;
    if (busy && attempt < 500) {
      sqlite3_sleep(10);
      continue;
    }
    std::string message = "database " + m_path + ": " + sqlite3_errmsg(m_db);
    // The destructor does not run for a throwing constructor: close here.
    sqlite3_close(m_db);
    m_db = nullptr;
    throw Error(message);
  }
}

Database::~Database() { sqlite3_close(m_db); }

void Database::raise(const std::string& what) {
  throw Error("database " + m_path + ": " + what + ": " + sqlite3_errmsg(m_db));
}

void Database::exec(const std::string& sql) {
  char* message = nullptr;
  if (sqlite3_exec(m_db, sql.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
    std::string text = message ? message : "unknown error";
    sqlite3_free(message);
    throw Error("database " + m_path + ": " + text);
  }
}

int Database::user_version() {
  Statement query(*this, "PRAGMA user_version");
  return query.step() ? static_cast<int>(query.integer(0)) : 0;
}

void Database::set_user_version(int version) { exec("PRAGMA user_version=" + std::to_string(version)); }

Statement::Statement(Database& db, const std::string& sql) : m_db(db) {
  if (sqlite3_prepare_v2(db.handle(), sql.c_str(), -1, &m_stmt, nullptr) != SQLITE_OK) {
    db.raise("cannot prepare statement");
  }
}

Statement::~Statement() { sqlite3_finalize(m_stmt); }

Statement& Statement::bind(int index, const std::string& text) {
  if (sqlite3_bind_text(m_stmt, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT) != SQLITE_OK) {
    m_db.raise("cannot bind a value");
  }
  return *this;
}

Statement& Statement::bind_blob(int index, const std::string& bytes) {
  if (sqlite3_bind_blob(m_stmt, index, bytes.data(), static_cast<int>(bytes.size()), SQLITE_TRANSIENT) != SQLITE_OK) {
    m_db.raise("cannot bind a value");
  }
  return *this;
}

Statement& Statement::bind(int index, int64_t number) {
  if (sqlite3_bind_int64(m_stmt, index, number) != SQLITE_OK) m_db.raise("cannot bind a value");
  return *this;
}

bool Statement::step() {
  int rc = sqlite3_step(m_stmt);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  m_db.raise("query failed");
}

void Statement::run() {
  while (step()) {
  }
  reset();
}

void Statement::reset() {
  sqlite3_reset(m_stmt);
  sqlite3_clear_bindings(m_stmt);
}

std::string Statement::text(int column) {
  auto* data = static_cast<const char*>(sqlite3_column_blob(m_stmt, column));
  int size = sqlite3_column_bytes(m_stmt, column);
  return data ? std::string(data, static_cast<size_t>(size)) : std::string();
}

int64_t Statement::integer(int column) { return sqlite3_column_int64(m_stmt, column); }

bool Statement::is_null(int column) { return sqlite3_column_type(m_stmt, column) == SQLITE_NULL; }

Transaction::Transaction(Database& db) : m_db(db) { m_db.exec("BEGIN IMMEDIATE"); }

Transaction::~Transaction() {
  if (!m_done) sqlite3_exec(m_db.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
}

void Transaction::commit() {
  m_db.exec("COMMIT");
  m_done = true;
}

}  // namespace jailed::util
