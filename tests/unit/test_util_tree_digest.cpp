// Unit tests for util/tree_digest: reading a local flake's tree, its digest and kept texts.
#include <catch2/catch.hpp>
#include <sys/stat.h>
#include <unistd.h>

#include "temp_dir.hpp"
#include "util/files.hpp"
#include "util/tree_digest.hpp"

using namespace jailed::util;
using jailed::testing::TempDir;

TEST_CASE("read_tree lists entries in order, keeps small texts, and digests as tree_digest", "[util]") {
  TempDir tmp;
  std::string dir = tmp.path + "/flake";
  REQUIRE(make_dirs(dir + "/bb", 0755).ok());
  REQUIRE(write_file_atomic(dir + "/flake.nix", "{ outputs = _: {}; }\n").ok());
  REQUIRE(write_file_atomic(dir + "/bb/tool", std::string("\x7f" "ELF\0\0bin", 9), 0755).ok());
  REQUIRE(write_file_atomic(dir + "/big.txt", std::string(200, 'x')).ok());
  REQUIRE(::symlink("flake.nix", (dir + "/link").c_str()) == 0);

  auto tree = read_tree(dir, 100, 1000);
  REQUIRE(tree.ok());
  REQUIRE(tree->digest == tree_digest(dir).value());
  std::vector<std::string> listed;
  for (const auto& entry : tree->entries) listed.push_back(entry.path + ":" + entry.kind);
  REQUIRE(listed == std::vector<std::string>{"bb:dir", "bb/tool:exec", "big.txt:file", "flake.nix:file", "link:link"});
  REQUIRE(tree->entries[3].text == std::string("{ outputs = _: {}; }\n"));
  REQUIRE_FALSE(tree->entries[1].text);  // binary
  REQUIRE_FALSE(tree->entries[2].text);  // larger than asked
  REQUIRE(tree->entries[4].digest == "flake.nix");

  // Kept or not, the digest is the same; a change of one byte changes it.
  REQUIRE(read_tree(dir)->digest == tree->digest);
  REQUIRE(write_file_atomic(dir + "/flake.nix", "{ outputs = _: {}; }\n#\n").ok());
  REQUIRE(tree_digest(dir).value() != tree->digest);
}

TEST_CASE("read_tree stops keeping texts when the total is spent", "[util]") {
  TempDir tmp;
  for (const char* name : {"a", "b", "c"}) REQUIRE(write_file_atomic(tmp.path + "/" + name, std::string(40, 'y')).ok());
  auto tree = read_tree(tmp.path, 100, 90);
  REQUIRE(tree.ok());
  REQUIRE(tree->entries[0].text);
  REQUIRE(tree->entries[1].text);
  REQUIRE_FALSE(tree->entries[2].text);
}
