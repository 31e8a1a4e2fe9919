// Unit tests for util/strings and util/paths.
#include <catch2/catch.hpp>

#include "util/paths.hpp"
#include "util/spellcheck.hpp"
#include "util/strings.hpp"

using namespace jailed::util;

TEST_CASE("split keeps empty fields and join reverses it", "[util]") {
  auto parts = split("a::b:", ':');
  REQUIRE(parts == std::vector<std::string>{"a", "", "b", ""});
  REQUIRE(join(parts, ":") == "a::b:");
}

TEST_CASE("trim removes blanks at both ends only", "[util]") {
  REQUIRE(trim("  a b \t\r") == "a b");
  REQUIRE(trim("   ").empty());
}

TEST_CASE("utf-8 validation rejects overlong, surrogate and truncated sequences", "[util]") {
  REQUIRE(is_valid_utf8("plain ascii"));
  REQUIRE(is_valid_utf8("gr\xc3\xbc\xc3\x9f"));
  REQUIRE_FALSE(is_valid_utf8("\xc0\xaf"));
  REQUIRE_FALSE(is_valid_utf8("\xed\xa0\x80"));
  REQUIRE_FALSE(is_valid_utf8("abc\xe2\x82"));
  REQUIRE_FALSE(is_valid_utf8("\xff"));
}

TEST_CASE("printable escapes control and non-ascii bytes", "[util]") {
  REQUIRE(printable("a\nb\xff\"") == "\"a\\x0ab\\xff\\\"\"");
}

TEST_CASE("path helpers", "[util]") {
  REQUIRE(parent_dir("/a/b") == "/a");
  REQUIRE(parent_dir("/a") == "/");
  REQUIRE(base_name("/a/b.c") == "b.c");
  REQUIRE(join_path("/a/", "/b") == "/a/b");
  REQUIRE(normalize("/a//./b/") == "/a/b");
  REQUIRE(is_within("/a/b", "/a"));
  REQUIRE(is_within("/a", "/a"));
  REQUIRE_FALSE(is_within("/ab", "/a"));
  REQUIRE(is_within("/x", "/"));
}

TEST_CASE("spellcheck suggests near misses only", "[util]") {
  std::vector<std::string> keys{"network", "readonly", "readwrite", "packages"};
  REQUIRE(nearest("netwrok", keys) == std::optional<std::string>("network"));
  REQUIRE(nearest("readonyl", keys) == std::optional<std::string>("readonly"));
  REQUIRE_FALSE(nearest("banana", keys).has_value());
  REQUIRE(did_you_mean("pakages", keys) == " (did you mean \"packages\"?)");
}
