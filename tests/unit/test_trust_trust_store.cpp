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

  REQUIRE(store.check({file, "a = 1\n"}).status == Status::not_allowed);

  store.allow({file, "a = 1\n"});
  REQUIRE(store.check({file, "a = 1\n"}).status == Status::allowed);

  auto edited = store.check({file, "a = 2\n"});
  REQUIRE(edited.status == Status::changed);
  REQUIRE(edited.allowed->content == "a = 1\n");

  store.deny(file);
  REQUIRE(store.check({file, "a = 1\n"}).status == Status::denied);
  REQUIRE(store.check({file, "a = 3\n"}).status == Status::denied);

  store.allow({file, "a = 3\n"});
  REQUIRE(store.check({file, "a = 3\n"}).status == Status::allowed);
  REQUIRE(store.check({file, "a = 1\n"}).status == Status::changed);
}

TEST_CASE("the path is part of the trust hash", "[trust]") {
  TempDir tmp;
  TrustStore store(tmp.path + "/trust.db", true);
  store.allow({tmp.path + "/a/.jailed", "same\n"});
  REQUIRE(store.check({tmp.path + "/b/.jailed", "same\n"}).status == Status::not_allowed);
  REQUIRE(trust_hash({"/a/.jailed", "x"}) != trust_hash({"/b/.jailed", "x"}));
}

TEST_CASE("records lists both tables sorted by path", "[trust]") {
  TempDir tmp;
  TrustStore store(tmp.path + "/trust.db", true);
  store.allow({"/p/c/.jailed", "x"});
  store.deny("/p/a/.jailed");
  store.allow({"/p/b/.jailed", "y"});
  auto records = store.records();
  REQUIRE(records.size() == 3);
  REQUIRE(records[0].path == "/p/a/.jailed");
  REQUIRE(records[0].state == "denied");
  REQUIRE(records[0].hash.empty());
  REQUIRE(records[1].path == "/p/b/.jailed");
  REQUIRE(records[1].state == "allowed");
  REQUIRE(records[1].hash == trust_hash({"/p/b/.jailed", "y"}));
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
  store.allow({kept, "k"});
  store.allow({gone_allowed, "g"});
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
    raw.set_user_version(3);
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
  REQUIRE(store.check({"/p/.jailed", "x"}).status == Status::not_allowed);
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
  odd_store.allow({"/p/.jailed", "x"});
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
  store.allow({"/p/.jailed", "x"});
  auto first = inode_of(stamp);
  store.deny("/p/.jailed");
  auto second = inode_of(stamp);
  REQUIRE(second != first);
  store.allow({"/p/.jailed", "x"});
  REQUIRE(inode_of(stamp) != second);
}

TEST_CASE("two stores on one database see each other's writes", "[trust]") {
  TempDir tmp;
  std::string db = tmp.path + "/trust.db";
  TrustStore one(db, true);
  TrustStore two(db, false);
  one.allow({"/p/.jailed", "x"});
  REQUIRE(two.check({"/p/.jailed", "x"}).status == Status::allowed);
  two.deny("/p/.jailed");
  REQUIRE(one.check({"/p/.jailed", "x"}).status == Status::denied);
  one.allow({"/p/.jailed", "y"});
  two.allow({"/q/.jailed", "z"});
  REQUIRE(two.check({"/p/.jailed", "y"}).status == Status::allowed);
  REQUIRE(one.records().size() == 2);
}

TEST_CASE("a store opened without create creates the database on its first write", "[trust]") {
  TempDir tmp;
  std::string db = tmp.path + "/jailed/trust.db";
  TrustStore store(db, false);
  store.allow({"/p/.jailed", "x"});
  REQUIRE(store.check({"/p/.jailed", "x"}).status == Status::allowed);
  REQUIRE(TrustStore(db, false).check({"/p/.jailed", "x"}).status == Status::allowed);
}

TEST_CASE("an allow keeps what the file used, so a later check names what changed", "[trust]") {
  TempDir tmp;
  TrustStore store(tmp.path + "/trust.db", true);
  Subject subject{"/p/.jailed", "[agent crush]\n"};
  subject.sources = {{"/home/u/.config/jailed/agents/crush.jailed", "[agent crush]\n"}};
  subject.trees = {LocalTree{"/p/tools", "d1", {{"flake.nix", "file", "aa", std::string("{ }\n")}}, true}};
  store.allow(subject);
  REQUIRE(store.check(subject).status == Status::allowed);

  // An edited user preset: the file is the same, the verdict is not.
  Subject edited = subject;
  edited.sources[0].content += "readwrite = ~\n";
  auto verdict = store.check(edited);
  REQUIRE(verdict.status == Status::changed);
  REQUIRE(verdict.complete);
  REQUIRE(verdict.allowed->sources == subject.sources);
  REQUIRE(verdict.allowed->trees == subject.trees);
  REQUIRE(verdict.allowed->content == subject.content);

  // A preset that appears where none was is a change too.
  Subject grown = subject;
  grown.sources.push_back({"/home/u/.config/jailed/config", "[jail]\n"});
  REQUIRE(store.check(grown).status == Status::changed);
}

TEST_CASE("a version 1 database is upgraded: its allows stand, and say they kept the file alone", "[trust]") {
  TempDir tmp;
  std::string db = tmp.path + "/trust.db";
  {
    util::Database raw(db, true);
    raw.exec(
        "CREATE TABLE allowed(path TEXT PRIMARY KEY, hash TEXT NOT NULL, content BLOB NOT NULL, time INTEGER NOT NULL);"
        "CREATE TABLE denied(path TEXT PRIMARY KEY, time INTEGER NOT NULL);");
    util::Statement insert(raw, "INSERT INTO allowed(path, hash, content, time) VALUES(?1, ?2, ?3, 1)");
    insert.bind(1, std::string("/p/.jailed")).bind(2, trust_hash({"/p/.jailed", "x"})).bind_blob(3, std::string("x")).run();
    raw.set_user_version(1);
  }
  TrustStore store(db, false);
  REQUIRE(store.check({"/p/.jailed", "x"}).status == Status::allowed);
  Subject with_preset{"/p/.jailed", "x", {{"preset crush (built in)", "[agent crush]\n"}}};
  auto verdict = store.check(with_preset);
  REQUIRE(verdict.status == Status::changed);
  REQUIRE_FALSE(verdict.complete);
  REQUIRE(verdict.allowed->content == "x");
  REQUIRE(util::Database(db, false).user_version() == 2);
  store.allow(with_preset);
  REQUIRE(store.check(with_preset).status == Status::allowed);
}

TEST_CASE("a new or changed .jailed below an allowed one names the allowed project", "[trust]") {
  TempDir tmp;
  TrustStore store(tmp.path + "/trust.db", true);
  REQUIRE(store.check({"/p/sub/deep/.jailed", "x"}).enclosing.empty());
  store.allow({"/p/.jailed", "top"});
  REQUIRE(store.check({"/p/sub/deep/.jailed", "x"}).enclosing == "/p/.jailed");
  REQUIRE(store.check({"/p/.jailed", "other"}).enclosing.empty());
  REQUIRE(store.check({"/q/.jailed", "x"}).enclosing.empty());
  store.allow({"/p/sub/deep/.jailed", "x"});
  REQUIRE(store.check({"/p/sub/deep/.jailed", "x"}).enclosing.empty());  // allowed: nothing to say
  REQUIRE(store.check({"/p/sub/deep/.jailed", "y"}).enclosing == "/p/.jailed");
  store.allow({"/.jailed", "root"});
  REQUIRE(store.check({"/elsewhere/.jailed", "x"}).enclosing == "/.jailed");
}
