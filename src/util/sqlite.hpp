// RAII wrappers for SQLite: a database, a prepared statement, a transaction.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <string>

namespace jailed::util {

// An open SQLite database in WAL mode with a busy timeout, so many shells can share it.
class Database {
 public:
  // Opens (creating if asked) the database at `path`; throws jailed::Error on failure.
  Database(const std::string& path, bool create);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Runs one or more statements that return no rows.
  void exec(const std::string& sql);
  // Returns the schema version stored in PRAGMA user_version.
  int user_version();
  // Records the schema version in PRAGMA user_version.
  void set_user_version(int version);

  sqlite3* handle() { return m_db; }
  const std::string& path() const { return m_path; }
  // Throws a jailed::Error naming the database and SQLite's message.
  [[noreturn]] void raise(const std::string& what);

 private:
  sqlite3* m_db = nullptr;
  std::string m_path;
};

// A prepared statement; bind with 1-based indexes, then step.
class Statement {
 public:
  Statement(Database& db, const std::string& sql);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& bind(int index, const std::string& text);
  Statement& bind_blob(int index, const std::string& bytes);
  Statement& bind(int index, int64_t number);
  // Advances; returns true while a row is available.
  bool step();
  // Runs a statement that returns no rows, then resets it for reuse.
  void run();
  // Resets bindings and position so the statement can run again.
  void reset();

  std::string text(int column);
  int64_t integer(int column);
  bool is_null(int column);

 private:
  Database& m_db;
  sqlite3_stmt* m_stmt = nullptr;
};

// An IMMEDIATE transaction, rolled back unless commit() is called.
class Transaction {
 public:
  explicit Transaction(Database& db);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit();

 private:
  Database& m_db;
  bool m_done = false;
};

}  // namespace jailed::util
