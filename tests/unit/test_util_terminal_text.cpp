// Unit tests for util/terminal_text: finding and escaping what could make a terminal lie.
#include <catch2/catch.hpp>

#include "util/strings.hpp"
#include "util/terminal_text.hpp"

using namespace jailed::util;

TEST_CASE("honest text has nothing deceptive, whatever its script", "[util]") {
  REQUIRE_FALSE(find_deceptive("plain /path/to/app"));
  REQUIRE_FALSE(find_deceptive("caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x90\x8d"));  // café 日本 🐍
  REQUIRE_FALSE(find_deceptive(""));
}

TEST_CASE("controls, bidi overrides, invisible characters and invalid bytes are found", "[util]") {
  struct Case {
    std::string text;
    DeceptiveKind kind;
    size_t offset;
    std::string shown;
  };
  const std::vector<Case> cases = {
      {"a\x1b[2Kb", DeceptiveKind::control, 1, "\\x1b"},
      {"line\n", DeceptiveKind::control, 4, "\\x0a"},
      {"tab\there", DeceptiveKind::control, 3, "\\x09"},
      {"del\x7f", DeceptiveKind::control, 3, "\\x7f"},
      {"c1 \xc2\x9b" "2J", DeceptiveKind::control, 3, "\\u{009b}"},  // U+009B: CSI
      {"a\xe2\x80\xae" "cba", DeceptiveKind::bidi, 1, "\\u{202e}"},  // RIGHT-TO-LEFT OVERRIDE
      {"\xe2\x80\xaa", DeceptiveKind::bidi, 0, "\\u{202a}"},
      {"x\xe2\x81\xa6", DeceptiveKind::bidi, 1, "\\u{2066}"},        // LEFT-TO-RIGHT ISOLATE
      {"x\xe2\x81\xa9", DeceptiveKind::bidi, 1, "\\u{2069}"},
      {"\xe2\x80\x8f", DeceptiveKind::bidi, 0, "\\u{200f}"},         // RIGHT-TO-LEFT MARK
      {"zero\xe2\x80\x8bwidth", DeceptiveKind::invisible, 4, "\\u{200b}"},
      {"\xe2\x80\x8d", DeceptiveKind::invisible, 0, "\\u{200d}"},
      {"w\xe2\x81\xa0j", DeceptiveKind::invisible, 1, "\\u{2060}"},
      {"\xe2\x81\xa4", DeceptiveKind::invisible, 0, "\\u{2064}"},
      {"bom\xef\xbb\xbf", DeceptiveKind::invisible, 3, "\\u{feff}"},
      {"soft\xc2\xadhyphen", DeceptiveKind::invisible, 4, "\\u{00ad}"},
      {"tag\xf3\xa0\x80\x81", DeceptiveKind::invisible, 3, "\\u{e0001}"},
      {"bad\xff", DeceptiveKind::invalid, 3, "\\xff"},
      {"lone \x9b", DeceptiveKind::invalid, 5, "\\x9b"},
      {"overlong \xc0\xaf", DeceptiveKind::invalid, 9, "\\xc0"},
  };
  for (const auto& c : cases) {
    INFO(printable(c.text));
    auto found = find_deceptive(c.text);
    REQUIRE(found);
    CHECK(found->kind == c.kind);
    CHECK(found->offset == c.offset);
    CHECK(found->shown == c.shown);
  }
}

TEST_CASE("allowed control bytes are skipped, and only those", "[util]") {
  REQUIRE_FALSE(find_deceptive("a\tb", "\t"));
  auto found = find_deceptive("a\tb\x1b", "\t");
  REQUIRE(found);
  REQUIRE(found->offset == 3);
}

TEST_CASE("escape_deceptive leaves honest text alone and escapes the rest", "[util]") {
  REQUIRE(escape_deceptive("caf\xc3\xa9 ok") == "caf\xc3\xa9 ok");
  REQUIRE(escape_deceptive("\x1b[2K\x1b[1Aerased") == "\\x1b[2K\\x1b[1Aerased");
  REQUIRE(escape_deceptive("a\xe2\x80\xae" "cba\xff") == "a\\u{202e}cba\\xff");
  REQUIRE(escape_deceptive("two\nlines\r", "\n") == "two\nlines\\x0d");
  // The output itself holds nothing deceptive.
  REQUIRE_FALSE(find_deceptive(escape_deceptive("\x1b\xc2\x9b\xe2\x81\xa6\xef\xbb\xbf\xfe")));
}

TEST_CASE("printable quotes, keeps honest UTF-8 and escapes deceptive characters", "[util]") {
  REQUIRE(printable("caf\xc3\xa9") == "\"caf\xc3\xa9\"");
  REQUIRE(printable("a\xe2\x80\xae\"\\") == "\"a\\u{202e}\\\"\\\\\"");
}

TEST_CASE("describe names the kind of character", "[util]") {
  REQUIRE(describe(*find_deceptive("\x1b")) == "the control character \\x1b");
  REQUIRE(describe(*find_deceptive("\xe2\x80\xae")) == "the bidirectional control \\u{202e}");
  REQUIRE(describe(*find_deceptive("\xe2\x80\x8b")) == "the invisible character \\u{200b}");
  REQUIRE(describe(*find_deceptive("\xff")) == "the byte \\xff, which is not UTF-8");
}
