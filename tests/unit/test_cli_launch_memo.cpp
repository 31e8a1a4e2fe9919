// Unit tests for cli/launch_memo: records stand in for the databases only while nothing changed.
#include <catch2/catch.hpp>

#include <ctime>
#include <filesystem>

#include "cli/launch_memo.hpp"
#include "trust/trust_store.hpp"
#include "util/files.hpp"
#include "temp_dir.hpp"

using namespace jailed;

namespace {

using jailed::testing::TempDir;

cache::Entry entry_of(const std::string& roots) {
  return {"k1", {"nixpkgs#a", "path:/p/tools#bot"}, {{"/nix/store/a-a"}, {"/nix/store/b-bot", "/nix/store/c-bot-doc"}},
          {"/nix/store/a-a", "/nix/store/b-bot", "/nix/store/c-bot-doc", "/nix/store/d-lib"}, roots, 100, 200};
}

// A trust database with one allowed file, and a directory for records.
struct World {
  TempDir dir;
  std::string db = dir.path + "/data/trust.db";
  std::string records = dir.path + "/launch";
  std::string file = dir.path + "/p/.jailed";
  std::string hash = trust::trust_hash({file, "[agent bot]\n"});

  // Each change in its own connection, closed as jailed's commands close theirs: until then
  // the change waits in the write-ahead log.
  World() { trust::TrustStore(db, true).allow({file, "[agent bot]\n"}); }
  cli::LaunchMemo memo(const std::string& agent = "agent bot") const { return cli::LaunchMemo(file, agent, records, db); }
};

}  // namespace

TEST_CASE("launch record: fields survive the round trip; damaged bytes are no record", "[cli]") {
  cli::LaunchRecord record{"/p/.jailed", "shim jailed-bot", 1700000000, {"1.2 3 4\n", {1, 2, 3, -4, 5}, true},
                           std::string(64, 'a'), entry_of("k1.1.ff")};
  auto bytes = cli::encode_record(record);
  auto back = cli::decode_record(bytes);
  REQUIRE(back);
  CHECK(back->file == record.file);
  CHECK(back->agent == record.agent);
  CHECK(back->written == record.written);
  CHECK(back->trust == record.trust);
  CHECK(back->trust_hash == record.trust_hash);
  REQUIRE(back->entry);
  CHECK(back->entry->specs == record.entry->specs);
  CHECK(back->entry->outputs == record.entry->outputs);
  CHECK(back->entry->closure == record.entry->closure);
  CHECK(back->entry->roots == "k1.1.ff");

  record.entry.reset();
  REQUIRE(cli::decode_record(cli::encode_record(record)));
  CHECK_FALSE(cli::decode_record(cli::encode_record(record))->entry);

  CHECK_FALSE(cli::decode_record(bytes.substr(0, bytes.size() - 1)));
  CHECK_FALSE(cli::decode_record(bytes.substr(0, bytes.size() / 2)));
  CHECK_FALSE(cli::decode_record(""));
  CHECK_FALSE(cli::decode_record("jailed-launch-record-0" + bytes.substr(bytes.find('\0'))));
  std::string bad_number = bytes;
  bad_number.replace(bad_number.find("1700000000"), 10, "17000000x0");
  CHECK_FALSE(cli::decode_record(bad_number));
}

TEST_CASE("launch record: vouches for exactly what the trust database allowed, until it changes", "[cli]") {
  World w;
  CHECK_FALSE(w.memo().vouches_for(w.file, w.hash));  // nothing recorded yet
  w.memo().remember(w.file, w.hash, entry_of("k1.1.ff"));

  auto memo = w.memo();
  CHECK(memo.vouches_for(w.file, w.hash));
  REQUIRE(memo.entry());
  CHECK(memo.entry()->roots == "k1.1.ff");
  CHECK_FALSE(memo.vouches_for(w.file, trust::trust_hash({w.file, "[agent bot]\nnetwork = on\n"})));
  CHECK_FALSE(memo.vouches_for(w.dir.path + "/q/.jailed", w.hash));
  CHECK_FALSE(w.memo("agent other").vouches_for(w.file, w.hash));

  SECTION("any allow, deny or prune changes the trust database") {
    trust::TrustStore(w.db, false).deny(w.file);
    CHECK_FALSE(w.memo().vouches_for(w.file, w.hash));
  }
  SECTION("a deleted or replaced database") {
    REQUIRE(util::write_file_atomic(w.db, "not a database", 0600).ok());
    CHECK_FALSE(w.memo().vouches_for(w.file, w.hash));
  }
  SECTION("a change still in the write-ahead log") {
    std::string stamp = trust::TrustStore::stamp_path(w.db);
    std::string before = util::read_file(stamp).value();
    trust::TrustStore open(w.db, false);
    open.deny(w.file);
    // The stamp as it was: only the log shows the change.
    REQUIRE(util::write_file_atomic(stamp, before, 0600).ok());
    CHECK_FALSE(w.memo().vouches_for(w.file, w.hash));
  }
  SECTION("no stamp") {
    REQUIRE(::unlink(trust::TrustStore::stamp_path(w.db).c_str()) == 0);
    auto stampless = w.memo();
    CHECK_FALSE(stampless.vouches_for(w.file, w.hash));
    stampless.remember(w.file, w.hash, std::nullopt);  // and nothing is recorded from such a state
    REQUIRE(util::write_file_atomic(trust::TrustStore::stamp_path(w.db), "again\n", 0600).ok());
    CHECK_FALSE(w.memo().vouches_for(w.file, w.hash));
  }
  SECTION("an old record") {
    std::string path = std::filesystem::directory_iterator(w.records)->path();
    auto record = cli::decode_record(util::read_file(path).value()).value();
    record.written = static_cast<int64_t>(std::time(nullptr)) - cli::k_launch_record_life;
    REQUIRE(util::write_file_atomic(path, cli::encode_record(record), 0600).ok());
    CHECK_FALSE(w.memo().vouches_for(w.file, w.hash));
    CHECK(cli::remove_launch_records(w.records, false) == 1);
  }
  SECTION("removing records") {
    CHECK(cli::remove_launch_records(w.records, false) == 0);
    CHECK(cli::remove_launch_records(w.records, true) == 1);
    CHECK_FALSE(w.memo().vouches_for(w.file, w.hash));
  }
}
