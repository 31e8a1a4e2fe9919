// Unit tests for trust/trust_store: allow, deny, edits, pruning, failing closed, the stamp.
#include <catch2/catch.hpp>
#include <sys/stat.h>

#include <cstdlib>

#include "trust/trust_store.hpp"
#include "util/error.hpp"
#include "util/files.hpp"
#include "util/sqlite.hpp"
#include "temp_dir.hpp"

using jailed::Error;
using jailed::ExitCode;
using namespace jailed::trust;
namespace util = jailed::util;

namespace {

using jailed::testing::TempDir;

void write(const std::string& path, const std::string& content) {
  REQUIRE(util::write_file_atomic(path, content).ok());
}

ino_t inode_of(const std::string& path) {
  auto st = util::lstat_path(path);
  REQUIRE(st.has_value());
  return st->st_ino;
}

}  // namespace

TEST_CASE("allow, edit, deny and allow again", "[trust]") {
  TempDir tmp;
  TrustStore store(tmp.path + "/data/trust.db", true);
  std::string file = tmp.path + "/.jailed";

  REQUIRE(store.check(file, "a = 1\n").status == Status::not_allowed);

  store.allow(file, "a = 1\n");
  REQUIRE(store.check(file, "a = 1\n").status == Status::allowed);

  auto edited = store.check(file, "a = 2\n");
  REQUIRE(edited.status == Status::changed);
  REQUIRE(edited.allowed_content == std::string("a = 1\n"));

  store.deny(file);
  REQUIRE(store.check(file, "a = 1\n").status == Status::denied);
  REQUIRE(store.check(file, "a = 3\n").status == Status::denied);

  store.allow(file, "a = 3\n");
  REQUIRE(store.check(file, "a = 3\n").status == Status::allowed);
  REQUIRE(store.check(file, "a = 1\n").status == Status::changed);
}

TEST_CASE("the path is part of the trust hash", "[trust]") {
  TempDir tmp;
  TrustStore store(tmp.path + "/trust.db", true);
  store.allow(tmp.path + "/a/.jailed", "same\n");
  REQUIRE(store.check(tmp.path + "/b/.jailed", "same\n").status == Status::not_allowed);
  REQUIRE(trust_hash("/a/.jailed", "x") != trust_hash("/b/.jailed", "x"));
}

TEST_CASE("records lists both tables sorted by path", "[trust]") {
  TempDir tmp;
  TrustStore store(tmp.path + "/trust.db", true);
  store.allow("/p/c/.jailed", "x");
  store.deny("/p/a/.jailed");
  store.allow("/p/b/.jailed", "y");
  auto records = store.records();
  REQUIRE(records.size() == 3);
  REQUIRE(records[0].path == "/p/a/.jailed");
  REQUIRE(records[0].state == "denied");
  REQUIRE(records[0].hash.empty());
  REQUIRE(records[1].path == "/p/b/.jailed");
  REQUIRE(records[1].state == "allowed");
  REQUIRE(records[1].hash == trust_hash("/p/b/.jailed", "y"));
  REQUIRE(records[2].path == "/p/c/.jailed");
  REQUIRE(records[2].time > 0);
}

TEST_CASE("prune forgets deleted files only", "[trust]") {
  TempDir tmp;
  TrustStore store(tmp.path + "/trust.db", true);
  std::string kept = tmp.path + "/kept.jailed";
  std::string gone_allowed = tmp.path + "/gone.jailed";
  std::string gone_denied = tmp.path + "/gone-denied.jailed";
  write(kept, "k");
  store.allow(kept, "k");
  store.allow(gone_allowed, "g");
  store.deny(gone_denied);

  auto stamp = inode_of(TrustStore::stamp_path(tmp.path + "/trust.db"));
  REQUIRE(store.prune() == std::vector<std::string>{gone_denied, gone_allowed});
  REQUIRE(inode_of(TrustStore::stamp_path(tmp.path + "/trust.db")) != stamp);
  auto records = store.records();
  REQUIRE(records.size() == 1);
  REQUIRE(records[0].path == kept);
  REQUIRE(store.prune().empty());
}

TEST_CASE("a corrupt database fails closed and says how to recover", "[trust]") {
  TempDir tmp;
  std::string db = tmp.path + "/trust.db";
  write(db, std::string(4096, 'x'));
  for (bool create : {false, true}) {
    try {
      TrustStore store(db, create);
      FAIL("opening a corrupt trust database must throw");
    } catch (const Error& error) {
      REQUIRE(error.code() == ExitCode::not_allowed);
      REQUIRE_THAT(error.what(), Catch::Contains("mv " + db + " " + db + ".bad"));
      REQUIRE_THAT(error.what(), Catch::Contains("not a database"));
    }
  }
}

TEST_CASE("a database from a newer jailed is refused", "[trust]") {
  TempDir tmp;
  std::string db = tmp.path + "/trust.db";
  { TrustStore store(db, true); }
  {
    util::Database raw(db, false);
    raw.set_user_version(2);
  }
  try {
    TrustStore store(db, false);
    FAIL("a newer schema must throw");
  } catch (const Error& error) {
    REQUIRE(error.code() == ExitCode::not_allowed);
    REQUIRE_THAT(error.what(), Catch::Contains("upgrade jailed"));
  }
}

TEST_CASE("a missing database without create is empty and stays missing", "[trust]") {
  TempDir tmp;
  std::string db = tmp.path + "/data/jailed/trust.db";
  TrustStore store(db, false);
  REQUIRE(store.check("/p/.jailed", "x").status == Status::not_allowed);
  REQUIRE(store.records().empty());
  REQUIRE(store.prune().empty());
  REQUIRE_FALSE(util::exists_nofollow(tmp.path + "/data"));
}

TEST_CASE("create makes a private directory and a database writable whatever the umask", "[trust]") {
  TempDir tmp;
  std::string db = tmp.path + "/data/jailed/trust.db";
  TrustStore store(db, true);
  REQUIRE((util::stat_path(tmp.path + "/data/jailed")->st_mode & 07777) == 0700);
  REQUIRE((util::stat_path(db)->st_mode & 07777) == 0600);

  std::string odd = tmp.path + "/odd.db";
  mode_t old_mask = ::umask(0277);
  TrustStore odd_store(odd, true);
  ::umask(old_mask);
  odd_store.allow("/p/.jailed", "x");
  REQUIRE((util::stat_path(odd)->st_mode & 07777) == 0600);
}

TEST_CASE("default_path follows XDG_DATA_HOME", "[trust]") {
  const char* old = std::getenv("XDG_DATA_HOME");
  std::string saved = old ? old : "";
  ::setenv("XDG_DATA_HOME", "/somewhere/data", 1);
  REQUIRE(TrustStore::default_path() == "/somewhere/data/jailed/trust.db");
  REQUIRE(TrustStore::stamp_path("/somewhere/data/jailed/trust.db") == "/somewhere/data/jailed/trust.stamp");
  if (old) {
    ::setenv("XDG_DATA_HOME", saved.c_str(), 1);
  } else {
    ::unsetenv("XDG_DATA_HOME");
  }
}

TEST_CASE("every change replaces the stamp file", "[trust]") {
  TempDir tmp;
  std::string db = tmp.path + "/trust.db";
  std::string stamp = TrustStore::stamp_path(db);
  TrustStore store(db, true);
  REQUIRE_FALSE(util::exists_nofollow(stamp));
  store.allow("/p/.jailed", "x");
  auto first = inode_of(stamp);
  store.deny("/p/.jailed");
  auto second = inode_of(stamp);
  REQUIRE(second != first);
  store.allow("/p/.jailed", "x");
  REQUIRE(inode_of(stamp) != second);
}

TEST_CASE("two stores on one database see each other's writes", "[trust]") {
  TempDir tmp;
  std::string db = tmp.path + "/trust.db";
  TrustStore one(db, true);
  TrustStore two(db, false);
  one.allow("/p/.jailed", "x");
  REQUIRE(two.check("/p/.jailed", "x").status == Status::allowed);
  two.deny("/p/.jailed");
  REQUIRE(one.check("/p/.jailed", "x").status == Status::denied);
  one.allow("/p/.jailed", "y");
  two.allow("/q/.jailed", "z");
  REQUIRE(two.check("/p/.jailed", "y").status == Status::allowed);
  REQUIRE(one.records().size() == 2);
}

TEST_CASE("a store opened without create creates the database on its first write", "[trust]") {
  TempDir tmp;
  std::string db = tmp.path + "/jailed/trust.db";
  TrustStore store(db, false);
  store.allow("/p/.jailed", "x");
  REQUIRE(store.check("/p/.jailed", "x").status == Status::allowed);
  REQUIRE(TrustStore(db, false).check("/p/.jailed", "x").status == Status::allowed);
}
