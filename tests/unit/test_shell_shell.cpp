// Unit tests for shell/shell: quoting checked by the real bash, zsh and fish, not by eye.
#include <catch2/catch.hpp>

#include <stdlib.h>
#include <unistd.h>

#include "shell/shell.hpp"
#include "util/files.hpp"
#include "util/process.hpp"
#include "skip.hpp"
#include "temp_dir.hpp"

using namespace jailed;
using namespace jailed::shell;

namespace {

using jailed::testing::TempDir;

// How to run a script in one real shell without reading the user's startup files.
struct RealShell {
  std::string name;
  std::vector<std::string> argv;  // the script goes after these
  Shell shell;
};

// Returns the shells installed here; reports the test case skipped when one is missing.
std::vector<RealShell> installed_shells() {
  const RealShell all[] = {
      {"bash", {"--norc", "--noprofile", "-c"}, Shell::bash},
      {"zsh", {"-f", "-c"}, Shell::zsh},
      // RC_QUOTES changes how '' reads inside single quotes: the quoting must not depend on it.
      {"zsh", {"-f", "-o", "rcquotes", "-c"}, Shell::zsh},
      {"fish", {"--no-config", "-c"}, Shell::fish},
  };
  std::vector<RealShell> found;
  for (const auto& candidate : all) {
    auto path = util::find_in_path(candidate.name);
    if (!path) {
      jailed::testing::report_skip(candidate.name + " is not installed; its quoting is untested");
      continue;
    }
    RealShell shell = candidate;
    shell.argv.insert(shell.argv.begin(), *path);
    found.push_back(shell);
  }
  return found;
}

// Runs `script` in `shell` by execv (no /bin/sh in between) and returns what it printed.
util::Completed run_script(const RealShell& shell, const std::string& script) {
  auto argv = shell.argv;
  argv.push_back(script);
  util::SystemRunner runner;
  auto done = runner.run(argv);
  REQUIRE(done.ok());
  return *done;
}

// Strings a directory or value might hold that a careless quote would turn into code.
std::vector<std::string> nasty_strings(const std::string& canary) {
  return {
      "$(touch " + canary + ")",
      "`touch " + canary + "`",
      "(touch " + canary + ")",
      "'; touch " + canary + "; '",
      "\"; touch " + canary + "; \"",
      "a'b\"c",
      "'",
      "''",
      "\"",
      "with space",
      "two  spaces ",
      "line\nbreak\n",
      "tab\there",
      "\xff\xfe",
      "gr\xc3\xbc\xc3\x9f \xe2\x82",
      "\\",
      "trailing\\",
      "\\n",
      "*",
      "~",
      "~root/x",
      "!",
      "!!",
      "$HOME",
      "${HOME}",
      "$",
      "=ls",
      "%self",
      "{a,b}",
      "a;b&c|d>e<f",
      "#comment",
      "-n",
      "--",
      "",
      "plain/path:with,safe+chars=@%-_.",
  };
}

}  // namespace

TEST_CASE("parse_shell knows the four outputs and the names $0 takes", "[shell]") {
  REQUIRE(parse_shell("bash") == Shell::bash);
  REQUIRE(parse_shell("zsh") == Shell::zsh);
  REQUIRE(parse_shell("fish") == Shell::fish);
  REQUIRE(parse_shell("json") == Shell::json);
  REQUIRE(parse_shell("-bash") == Shell::bash);
  REQUIRE(parse_shell("/usr/bin/zsh") == Shell::zsh);
  REQUIRE_FALSE(parse_shell("tcsh").has_value());
  REQUIRE_FALSE(parse_shell("").has_value());
  REQUIRE_FALSE(parse_shell("Bash").has_value());
}

TEST_CASE("bash and zsh quoting leaves safe words bare and single-quotes the rest", "[shell]") {
  for (auto shell : {Shell::bash, Shell::zsh}) {
    REQUIRE(quote(shell, "/usr/local/bin/jailed") == "/usr/local/bin/jailed");
    REQUIRE(quote(shell, "a=b:c,d+e@f%g-h_i.j") == "a=b:c,d+e@f%g-h_i.j");
    REQUIRE(quote(shell, "") == "''");
    REQUIRE(quote(shell, "it's") == "'it'\\''s'");
    REQUIRE(quote(shell, "a b") == "'a b'");
    REQUIRE(quote(shell, "=ls") == "'=ls'");
    REQUIRE(quote(shell, "\n") == "'\n'");
  }
}

TEST_CASE("fish quoting writes every unsafe byte as \\XHH", "[shell]") {
  REQUIRE(quote(Shell::fish, "/usr/bin/jailed") == "/usr/bin/jailed");
  REQUIRE(quote(Shell::fish, "") == "''");
  REQUIRE(quote(Shell::fish, "a b'") == "a\\X20b\\X27");
  REQUIRE(quote(Shell::fish, "\xff\n") == "\\XFF\\X0A");
  REQUIRE(quote(Shell::fish, "%self") == "\\X25self");
}

TEST_CASE("json quoting escapes controls and surrogate-escapes invalid utf-8", "[shell]") {
  REQUIRE(quote(Shell::json, "") == "\"\"");
  REQUIRE(quote(Shell::json, "a\"b\\c/d") == "\"a\\\"b\\\\c/d\"");
  REQUIRE(quote(Shell::json, "\n\t\r\x01\x7f") == "\"\\n\\t\\r\\u0001\\u007f\"");
  REQUIRE(quote(Shell::json, "gr\xc3\xbc\xc3\x9f \xf0\x9f\x90\x9f") == "\"gr\xc3\xbc\xc3\x9f \xf0\x9f\x90\x9f\"");
  REQUIRE(quote(Shell::json, "\xff\xfe") == "\"\\udcff\\udcfe\"");
  REQUIRE(quote(Shell::json, "abc\xe2\x82") == "\"abc\\udce2\\udc82\"");
  REQUIRE(quote(Shell::json, "\xe2\x82" "a") == "\"\\udce2\\udc82a\"");
  // Overlong '/', an encoded surrogate and a code point past U+10FFFF are not valid UTF-8.
  REQUIRE(quote(Shell::json, "\xc0\xaf") == "\"\\udcc0\\udcaf\"");
  REQUIRE(quote(Shell::json, "\xed\xa0\x80") == "\"\\udced\\udca0\\udc80\"");
  REQUIRE(quote(Shell::json, "\xf4\x90\x80\x80") == "\"\\udcf4\\udc90\\udc80\\udc80\"");
  std::string nul("a\0b", 3);
  REQUIRE(quote(Shell::json, nul) == "\"a\\u0000b\"");
}

TEST_CASE("real shells read every quoted string back as exactly its bytes, as one word", "[shell]") {
  TempDir dir;
  std::string canary = dir.path + "/pwned";
  for (const auto& shell : installed_shells()) {
    for (const auto& text : nasty_strings(canary)) {
      INFO(shell.argv.back() << " " << shell.name << " quoting " << text);
      std::string word = quote(shell.shell, text);
      // The brackets show that the word stayed one argument: no splitting, no globbing.
      auto done = run_script(shell, "printf '<%s>' " + word);
      INFO("stderr: " << done.err);
      REQUIRE(done.status == 0);
      REQUIRE(done.out == "<" + text + ">");
      REQUIRE_FALSE(util::exists_nofollow(canary));
    }
  }
}

TEST_CASE("json escapes C1 controls, bidi overrides and invisible characters losslessly", "[shell]") {
  REQUIRE(quote(Shell::json, "a\xe2\x80\xae" "b") == "\"a\\u202eb\"");
  REQUIRE(quote(Shell::json, "\xc2\x9b" "2J") == "\"\\u009b2J\"");
  REQUIRE(quote(Shell::json, "tag\xf3\xa0\x80\x81") == "\"tag\\udb40\\udc01\"");
  REQUIRE(quote(Shell::json, "caf\xc3\xa9") == "\"caf\xc3\xa9\"");
}

TEST_CASE("quote_visible shows deceptive words as $'...' that pastes back as the same bytes", "[shell]") {
  REQUIRE(quote_visible("/plain/path") == "/plain/path");
  REQUIRE(quote_visible("it's") == "'it'\\''s'");
  REQUIRE(quote_visible("X=\x1b[2K'\\") == "$'X=\\x1b[2K\\'\\\\'");
  REQUIRE(quote_visible("a\xe2\x80\xae" "b") == "$'a\\xe2\\x80\\xaeb'");
  // Pasted into bash and zsh, each word is the exact bytes again.
  const std::string words[] = {"X=\x1b[2K\x1b[1A'\\\"$(x)", "a\xe2\x80\xae" "b\xff", "tab\there\nnew\x7f"};
  for (const auto& shell : installed_shells()) {
    if (shell.shell == Shell::fish) continue;
    for (const auto& word : words) {
      auto done = run_script(shell, "printf %s " + quote_visible(word));
      CHECK(done.out == word);
    }
  }
}
