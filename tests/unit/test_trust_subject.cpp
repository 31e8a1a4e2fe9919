// Unit tests for trust/subject and trust/changes: the trust hash of a .jailed and what it uses,
// the snapshot an allow keeps, and what changed between two versions.
#include <catch2/catch.hpp>

#include "trust/changes.hpp"
#include "trust/subject.hpp"
#include "util/hash.hpp"

using namespace jailed::trust;
namespace util = jailed::util;

namespace {

LocalTree tree(const std::string& dir, std::vector<util::TreeEntry> entries, const std::string& digest) {
  return LocalTree{dir, digest, std::move(entries), true};
}

Subject full_subject() {
  Subject subject{"/p/.jailed", "[agent crush]\n"};
  subject.sources = {{"preset crush (built in)", "[agent crush]\npackage = x\n"},
                     {"/home/u/.config/jailed/config", "[jail]\nnetwork = on\n"}};
  subject.trees = {tree("/p/tools",
                        {{"bb", "dir", "", std::nullopt},
                         {"bb/busybox", "exec", "aa", std::nullopt},
                         {"flake.nix", "file", "bb", std::string("{ }\n")}},
                        "d1")};
  return subject;
}

}  // namespace

TEST_CASE("the hash of a file alone is the hash records always held", "[trust]") {
  REQUIRE(trust_hash({"/p/.jailed", "x"}) == util::sha256_hex("/p/.jailed\nx"));
  // With local flakes only, as before sources counted: dir NUL digest NUL after a marker.
  Subject flakes{"/p/.jailed", "x", {}, {tree("/p/tools", {}, "d1")}};
  REQUIRE(trust_hash(flakes) == util::sha256_hex(std::string("/p/.jailed\nx\0local-inputs\0\0/p/tools\0d1\0", 39)));
}

TEST_CASE("every source's label and content is part of the hash", "[trust]") {
  Subject base = full_subject();
  std::string hash = trust_hash(base);
  Subject edited = base;
  edited.sources[1].content += "readwrite = ~\n";
  REQUIRE(trust_hash(edited) != hash);
  Subject moved = base;
  moved.sources[1].label = "/home/u/.config/jailed/agents/crush.jailed";
  REQUIRE(trust_hash(moved) != hash);
  Subject dropped = base;
  dropped.sources.pop_back();
  REQUIRE(trust_hash(dropped) != hash);
  Subject flake = base;
  flake.trees[0].digest = "d2";
  REQUIRE(trust_hash(flake) != hash);
  // What the snapshot lists is not what is trusted: the digest covers the tree.
  Subject unlisted = base;
  unlisted.trees[0].entries.clear();
  REQUIRE(trust_hash(unlisted) == hash);
}

TEST_CASE("a snapshot gives back the sources and trees it kept, any bytes included", "[trust]") {
  Subject subject = full_subject();
  subject.sources.push_back({"weird\nlabel:5", std::string("nul\0 and\nlines", 14)});
  auto back = decode_snapshot(encode_snapshot(subject), subject.real_path, subject.content);
  REQUIRE(back);
  REQUIRE(back->real_path == subject.real_path);
  REQUIRE(back->content == subject.content);
  REQUIRE(back->sources == subject.sources);
  REQUIRE(back->trees == subject.trees);
  REQUIRE(trust_hash(*back) == trust_hash(subject));
}

TEST_CASE("bytes that are not a whole snapshot decode to nothing", "[trust]") {
  std::string bytes = encode_snapshot(full_subject());
  REQUIRE_FALSE(decode_snapshot("", "/p/.jailed", ""));
  REQUIRE_FALSE(decode_snapshot(bytes.substr(0, bytes.size() - 3), "/p/.jailed", ""));
  REQUIRE_FALSE(decode_snapshot(bytes + "x", "/p/.jailed", ""));
  REQUIRE_FALSE(decode_snapshot("format 5:other\n", "/p/.jailed", ""));
}

TEST_CASE("local_tree keeps an unreadable tree unlisted with a digest no allow can match", "[trust]") {
  auto unreadable = local_tree("/p/tools", jailed::fail("permission denied"));
  REQUIRE(unreadable.digest == "unreadable: permission denied");
  REQUIRE_FALSE(unreadable.listed);
  util::Tree many;
  many.digest = "d";
  many.entries.resize(k_kept_entries + 1);
  auto large = local_tree("/p", many);
  REQUIRE(large.digest == "d");
  REQUIRE_FALSE(large.listed);
  REQUIRE(large.entries.empty());
}

TEST_CASE("changes_between names the file, each source and each flake entry that changed", "[trust]") {
  Subject before = full_subject();
  REQUIRE(changes_between(before, before).empty());

  Subject after = before;
  after.content += "network = off\n";
  after.sources[1].content += "readwrite = ~\n";
  after.sources.push_back({"/home/u/.config/jailed/agents/crush.jailed", "[agent crush]\n"});
  after.sources.erase(after.sources.begin());
  after.trees[0].digest = "d2";
  after.trees[0].entries[2].digest = "cc";
  after.trees[0].entries[2].text = "{ evil }\n";
  after.trees[0].entries.push_back({"run.sh", "exec", "dd", std::string("#!/bin/sh\n")});
  after.trees[0].entries.erase(after.trees[0].entries.begin() + 1);

  auto changes = changes_between(before, after);
  REQUIRE(changes.size() == 5);
  CHECK(changes[0].part == Part::file);
  CHECK(changes[0].before == before.content);
  CHECK(changes[0].after == after.content);
  CHECK((changes[1].part == Part::source && changes[1].how == How::changed &&
         changes[1].label == "/home/u/.config/jailed/config"));
  CHECK((changes[2].how == How::added && changes[2].label == "/home/u/.config/jailed/agents/crush.jailed"));
  CHECK((changes[3].how == How::removed && changes[3].label == "preset crush (built in)"));
  REQUIRE(changes[4].part == Part::flake);
  CHECK(changes[4].listed);
  const auto& entries = changes[4].entries;
  REQUIRE(entries.size() == 3);
  CHECK((entries[0].path == "bb/busybox" && entries[0].how == How::removed));
  CHECK((entries[1].path == "flake.nix" && entries[1].how == How::changed && entries[1].before->text == "{ }\n" &&
         entries[1].after->text == "{ evil }\n"));
  CHECK((entries[2].path == "run.sh" && entries[2].how == How::added));
}

TEST_CASE("a flake that was not listed changes without entries", "[trust]") {
  Subject before = full_subject();
  Subject after = before;
  after.trees[0] = local_tree("/p/tools", jailed::fail("gone"));
  auto changes = changes_between(before, after);
  REQUIRE(changes.size() == 1);
  REQUIRE_FALSE(changes[0].listed);
  REQUIRE(changes[0].entries.empty());
}
