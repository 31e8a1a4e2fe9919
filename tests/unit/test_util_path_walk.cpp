// Tests for util/path_walk: component-wise resolution that reports every symlink it follows.
#include <catch2/catch.hpp>
#include <unistd.h>

#include "temp_dir.hpp"
#include "util/files.hpp"
#include "util/path_walk.hpp"

using namespace jailed;
using jailed::testing::TempDir;

TEST_CASE("walk_path resolves a plain path with no links", "[util]") {
  TempDir tmp;
  REQUIRE(util::make_dirs(tmp.path + "/a/b").ok());
  auto walked = util::walk_path(tmp.path + "/a/./b/../b");
  REQUIRE(walked.ok());
  REQUIRE(walked->real == tmp.path + "/a/b");
  REQUIRE(walked->links.empty());
  REQUIRE(walked->exists);
}

TEST_CASE("walk_path notes each link where it lies, relative and absolute, chained", "[util]") {
  TempDir tmp;
  REQUIRE(util::make_dirs(tmp.path + "/p/sub").ok());
  REQUIRE(util::make_dirs(tmp.path + "/home/.ssh").ok());
  REQUIRE(::symlink("..", (tmp.path + "/p/data").c_str()) == 0);                     // relative, upwards
  REQUIRE(::symlink((tmp.path + "/home").c_str(), (tmp.path + "/p/sub/h").c_str()) == 0);  // absolute
  REQUIRE(::symlink("sub/h", (tmp.path + "/p/chain").c_str()) == 0);                 // to another link
  auto up = util::walk_path(tmp.path + "/p/data/home/.ssh");
  REQUIRE(up.ok());
  REQUIRE(up->real == tmp.path + "/home/.ssh");
  REQUIRE(up->links == std::vector<std::string>{tmp.path + "/p/data"});
  auto chained = util::walk_path(tmp.path + "/p/chain/.ssh");
  REQUIRE(chained.ok());
  REQUIRE(chained->real == tmp.path + "/home/.ssh");
  REQUIRE(chained->links == std::vector<std::string>{tmp.path + "/p/chain", tmp.path + "/p/sub/h"});
}

TEST_CASE("walk_path stops at a missing component and keeps the rest as written", "[util]") {
  TempDir tmp;
  REQUIRE(util::make_dirs(tmp.path + "/real").ok());
  REQUIRE(::symlink("real", (tmp.path + "/link").c_str()) == 0);
  auto walked = util::walk_path(tmp.path + "/link/new/x");
  REQUIRE(walked.ok());
  REQUIRE_FALSE(walked->exists);
  REQUIRE(walked->real == tmp.path + "/real/new/x");
  REQUIRE(walked->links == std::vector<std::string>{tmp.path + "/link"});
  // A dangling link is followed to where it points, and reported.
  REQUIRE(::symlink("nowhere", (tmp.path + "/dangling").c_str()) == 0);
  auto dangling = util::walk_path(tmp.path + "/dangling");
  REQUIRE(dangling.ok());
  REQUIRE_FALSE(dangling->exists);
  REQUIRE(dangling->real == tmp.path + "/nowhere");
  REQUIRE(dangling->links == std::vector<std::string>{tmp.path + "/dangling"});
}

TEST_CASE("walk_path refuses loops, relative paths and files used as directories", "[util]") {
  TempDir tmp;
  REQUIRE(::symlink("b", (tmp.path + "/a").c_str()) == 0);
  REQUIRE(::symlink("a", (tmp.path + "/b").c_str()) == 0);
  auto loop = util::walk_path(tmp.path + "/a");
  REQUIRE_FALSE(loop.ok());
  REQUIRE(loop.error().find("too many levels of symbolic links") != std::string::npos);
  REQUIRE_FALSE(util::walk_path("relative/path").ok());
  REQUIRE(util::write_file_atomic(tmp.path + "/file", "x").ok());
  auto through_file = util::walk_path(tmp.path + "/file/x");
  REQUIRE_FALSE(through_file.ok());
  REQUIRE(through_file.error().find("is not a directory") != std::string::npos);
}
