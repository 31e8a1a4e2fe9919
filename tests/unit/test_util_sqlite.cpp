// Unit tests for util/sqlite: what the WAL leaves behind between short-lived connections.
#include <catch2/catch.hpp>

#include "util/files.hpp"
#include "util/sqlite.hpp"
#include "temp_dir.hpp"

namespace util = jailed::util;
using jailed::testing::TempDir;

namespace {

off_t size_of(const std::string& path) {
  auto st = util::stat_path(path);
  REQUIRE(st.has_value());
  return st->st_size;
}

}  // namespace

TEST_CASE("a closed database leaves an empty WAL, so the next open reads and writes nothing back", "[util]") {
  TempDir tmp;
  std::string path = tmp.path + "/test.db";
  {
    util::Database db(path, true);
    db.exec("CREATE TABLE t(x TEXT); INSERT INTO t VALUES('kept');");
    REQUIRE(size_of(path + "-wal") > 0);  // the write went to the WAL first
  }
  // Kept (persistent WAL) but emptied: its frames are in the database file now.
  REQUIRE(size_of(path + "-wal") == 0);
  {
    util::Database db(path, false);
    util::Statement query(db, "SELECT x FROM t");
    REQUIRE(query.step());
    REQUIRE(query.text(0) == "kept");
  }
  REQUIRE(size_of(path + "-wal") == 0);
}
