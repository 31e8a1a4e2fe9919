// Unit tests for util/line_diff: the diff `allow` shows, and its hunks.
#include <catch2/catch.hpp>

#include "util/line_diff.hpp"

using namespace jailed::util;

TEST_CASE("line_diff shows a replaced line as removed, then added", "[util]") {
  REQUIRE(line_diff("a\nb\nc\n", "a\nB\nc\n") == std::vector<std::string>{" a", "-b", "+B", " c"});
  REQUIRE(line_diff("same\n", "same\n").empty());
  REQUIRE(line_diff("", "new\n") == std::vector<std::string>{"+new"});
}

TEST_CASE("diff_hunks keeps context around changes and counts what it skips", "[util]") {
  std::string before, after;
  for (int i = 0; i < 20; ++i) before += std::to_string(i) + "\n";
  after = before;
  after.replace(after.find("10\n"), 3, "ten\n");
  auto hunks = diff_hunks(line_diff(before, after), 2);
  REQUIRE(hunks == std::vector<std::string>{"@8", " 8", " 9", "-10", "+ten", " 11", " 12", "@7"});
  REQUIRE(diff_hunks(line_diff("", "a\nb\n"), 3) == std::vector<std::string>{"+a", "+b"});
}
