// Unit tests for cli/review: what `jailed allow` shows before it trusts a file.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>

#include "cli/review.hpp"
#include "util/terminal_text.hpp"

using namespace jailed;
using namespace jailed::cli;

namespace {

// Colour off, HOME elsewhere: the lines are compared as plain text.
struct PlainOutput {
  PlainOutput() {
    ::setenv("NO_COLOR", "1", 1);
    const char* home = std::getenv("HOME");
    m_home = home ? home : "";
    ::setenv("HOME", "/nonexistent-home", 1);
  }
  ~PlainOutput() { ::setenv("HOME", m_home.c_str(), 1); }
  std::string m_home;
};

trust::Subject subject() {
  trust::Subject s{"/p/.jailed", "[agent bot]\npackage = path:./tools#bot\n"};
  s.sources = {{"preset bot (built in)", "[agent bot]\n"}, {"/nonexistent-home/.config/jailed/config", "[jail]\n"}};
  s.trees = {trust::LocalTree{"/p/tools", "d1",
                              {{"bb", "dir", "", std::nullopt},
                               {"bb/busybox", "exec", "aa", std::nullopt},
                               {"flake.nix", "file", "bb", std::string("{\n  a = 1;\n}\n")}},
                              true}};
  return s;
}

bool any_deceptive(const std::vector<std::string>& lines) {
  for (const auto& line : lines) {
    if (util::find_deceptive(line)) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("a first allow shows the whole file and what it uses", "[cli]") {
  PlainOutput plain;
  trust::Verdict verdict;  // not allowed before
  auto lines = review_lines(subject(), verdict);
  REQUIRE(lines == std::vector<std::string>{
                       "/p/.jailed, as you allow it:",
                       "  | [agent bot]",
                       "  | package = path:./tools#bot",
                       "it uses (all part of what you allow):",
                       "  preset bot (built in)",
                       "  ~/.config/jailed/config",
                       "  the local flake /p/tools (2 files):",
                       "    bb/busybox (executable)",
                       "    flake.nix",
                   });
}

TEST_CASE("a later allow shows what changed, in the file, its sources and its flakes", "[cli]") {
  PlainOutput plain;
  trust::Verdict verdict;
  verdict.status = trust::Status::changed;
  verdict.allowed = subject();
  verdict.complete = true;
  auto now = subject();
  now.sources[1].content += "readwrite = ~\n";
  now.trees[0].digest = "d2";
  now.trees[0].entries[2].digest = "cc";
  now.trees[0].entries[2].text = "{\n  a = 2;\n}\n";
  now.trees[0].entries.push_back({"x.bin", "file", "ee", std::nullopt});
  auto lines = review_lines(now, verdict);
  REQUIRE(lines == std::vector<std::string>{
                       "changes since you last allowed it:",
                       "  ~/.config/jailed/config (changed):",
                       "     [jail]",
                       "    +readwrite = ~",
                       "  the local flake /p/tools (changed):",
                       "    changed flake.nix:",
                       "       {",
                       "      -  a = 1;",
                       "      +  a = 2;",
                       "       }",
                       "    new x.bin: not shown (not text, or larger than 64 KiB: read it yourself)",
                   });
}

TEST_CASE("review lines escape what the files hold, and name an enclosing project", "[cli]") {
  PlainOutput plain;
  trust::Verdict verdict;
  verdict.enclosing = "/p/.jailed";
  trust::Subject nested{"/p/sub/.jailed", "# \x1b[2K\x1b[1A\xe2\x80\xae\n"};
  nested.trees = {trust::LocalTree{"/p/sub/t", "d", {{"a\x1b[1A\xe2\x81\xa6.nix", "file", "x", std::nullopt}}, true}};
  auto lines = review_lines(nested, verdict);
  REQUIRE_FALSE(any_deceptive(lines));
  REQUIRE(lines[0] == "note: it lies inside the allowed project /p, where an agent may have written it: read it before "
                      "you allow it");
  REQUIRE(lines[2] == "  | # \\x1b[2K\\x1b[1A\\u{202e}");
  REQUIRE(lines.back() == "    a\\x1b[1A\\u{2066}.nix");
}

TEST_CASE("an allow recorded before sources were kept compares the file and lists the rest", "[cli]") {
  PlainOutput plain;
  trust::Verdict verdict;
  verdict.status = trust::Status::changed;
  verdict.allowed = trust::Subject{"/p/.jailed", "[agent bot]\n"};
  verdict.complete = false;
  auto lines = review_lines(subject(), verdict);
  REQUIRE(lines[0] == "changes since you last allowed it:");
  REQUIRE(std::find(lines.begin(), lines.end(),
                    "your last allow of it covered the file alone; this one also covers what it uses:") != lines.end());
  REQUIRE(lines.back() == "    flake.nix");
}
