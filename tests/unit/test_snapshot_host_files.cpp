// Unit tests for snapshot/host_files, exclude and unified: which changes host tools act on,
// which paths snapshots leave out, and diff hunks.
#include <catch2/catch.hpp>

#include "snapshot/exclude.hpp"
#include "snapshot/host_files.hpp"
#include "snapshot/unified.hpp"

using namespace jailed::snapshot;

namespace {

Change added(const std::string& path, uint32_t mode = 0644) {
  Entry e;
  e.path = path;
  e.mode = mode;
  return Change{path, ChangeKind::added, std::nullopt, e};
}

}  // namespace

TEST_CASE("changes host tools run or obey are named", "[snapshot]") {
  REQUIRE(host_tool_reason(added(".envrc")) == "direnv");
  REQUIRE(host_tool_reason(added("sub/.envrc.local")) == "direnv");
  REQUIRE(host_tool_reason(added(".git/hooks/pre-commit")) == "git");
  REQUIRE(host_tool_reason(added("vendor/lib/.git")) == "git");
  REQUIRE(host_tool_reason(added(".husky/pre-push")) == "a git hook manager");
  REQUIRE(host_tool_reason(added(".vscode/tasks.json")) == "editor settings");
  REQUIRE(host_tool_reason(added(".claude/settings.json")) == "agent settings");
  REQUIRE(host_tool_reason(added("web/package.json")) == "a package script");
  REQUIRE(host_tool_reason(added("Makefile")) == "a build script");
  REQUIRE(host_tool_reason(added(".jailed")) == "jailed");
  REQUIRE(host_tool_reason(added("tools/run", 0755)) == "a new executable");
  REQUIRE(host_tool_reason(added("src/main.c")).empty());
  REQUIRE(host_tool_reason(added("docs/Makefile.txt")).empty());
}

TEST_CASE("a new empty directory is no change host tools act on", "[snapshot]") {
  Change dir = added(".git");
  dir.after->kind = Kind::dir;
  REQUIRE(host_tool_paths({dir}).empty());
  REQUIRE(host_tool_paths({dir, added(".git/config")}) == std::vector<std::string>{".git", ".git/config"});
}

TEST_CASE("exclude patterns match names anywhere and paths from the top", "[snapshot]") {
  Excludes excludes({"node_modules", "*.o", "/build/out/"});
  REQUIRE(excludes.excluded("node_modules", "node_modules"));
  REQUIRE(excludes.excluded("web/node_modules", "node_modules"));
  REQUIRE(excludes.excluded("src/a.o", "a.o"));
  REQUIRE(excludes.excluded("build/out", "out"));
  REQUIRE_FALSE(excludes.excluded("src/build/out", "out"));
  REQUIRE_FALSE(excludes.excluded("src/a.c", "a.c"));
  REQUIRE(Excludes().empty());
}

TEST_CASE("unified hunks carry line numbers and three lines of context", "[snapshot]") {
  std::string before, after;
  for (int i = 1; i <= 20; ++i) before += std::to_string(i) + "\n";
  after = before;
  after.replace(after.find("10\n"), 3, "ten\n");
  auto hunks = unified_hunks(before, after);
  REQUIRE(hunks.size() == 1);
  REQUIRE(hunks[0].header == "@@ -7,7 +7,7 @@");
  REQUIRE(hunks[0].lines == std::vector<std::string>{" 7", " 8", " 9", "-10", "+ten", " 11", " 12", " 13"});
  auto added_file = unified_hunks("", "a\nb\n");
  REQUIRE(added_file[0].header == "@@ -0,0 +1,2 @@");
  REQUIRE(looks_like_text("plain\n"));
  REQUIRE_FALSE(looks_like_text(std::string("bin\0ary", 7)));
}
