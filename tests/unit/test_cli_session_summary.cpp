// Unit tests for cli/session_summary: the one line a session ends with.
#include <catch2/catch.hpp>
#include <stdlib.h>

#include "cli/session_summary.hpp"

using namespace jailed;
using namespace jailed::snapshot;

namespace {

Change change(const std::string& path, ChangeKind what) {
  Entry e;
  e.path = path;
  e.mode = 0644;
  Change c{path, what, std::nullopt, std::nullopt};
  if (what != ChangeKind::added) c.before = e;
  if (what != ChangeKind::deleted) c.after = e;
  return c;
}

}  // namespace

TEST_CASE("the session line counts changes, says how to review and undo, and warns of host tool files", "[cli]") {
  ::setenv("NO_COLOR", "1", 1);
  REQUIRE(cli::summary_line("crush", 4, {}) == "crush changed nothing in the project");
  std::vector<Change> changes = {change(".envrc", ChangeKind::added), change("src/a.c", ChangeKind::content),
                                 change("old.txt", ChangeKind::deleted), change("new.txt", ChangeKind::added)};
  REQUIRE(cli::summary_line("crush", 4, changes) ==
          "crush: 2 added, 1 changed, 1 deleted (review: jailed diff s4; undo: jailed restore s4); warning: changed "
          "what host tools run: .envrc");
  changes.push_back(change("x\x1b[2Jy/Makefile", ChangeKind::added));
  REQUIRE(cli::summary_line("crush", 4, changes).find("x\\x1b[2Jy/Makefile") != std::string::npos);
}
