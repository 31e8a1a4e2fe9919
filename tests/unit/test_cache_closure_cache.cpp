// Unit tests for cache/: keys, lookups verified by spec text, GC roots, corruption, gc.
#include <catch2/catch.hpp>
#include <unistd.h>

#include "cache/cache_gc.hpp"
#include "cache/cache_key.hpp"
#include "cache/closure_cache.hpp"
#include "cache/gc_roots.hpp"
#include "util/tree_digest.hpp"
#include "util/files.hpp"
#include "temp_dir.hpp"

using namespace jailed;

namespace {

using jailed::testing::TempDir;

void write(const std::string& path, const std::string& text) {
  REQUIRE(util::make_dirs(path.substr(0, path.rfind('/'))).ok());
  REQUIRE(util::write_file_atomic(path, text).ok());
}

// A cache in a temporary directory, with outputs that exist and warnings recorded.
struct World {
  TempDir dir;
  std::vector<std::string> warnings;
  cache::ClosureCache cache{dir.path + "/cache.db", dir.path + "/gcroots",
                            [this](const std::string& message) { warnings.push_back(message); }};

  // Commits an entry for `specs` whose one output is `name`, pinned by a real root link.
  cache::Entry add(const std::string& key, const std::vector<std::string>& specs, const std::string& name,
                   const std::string& agent = "bot") {
    std::string output = dir.path + "/store/" + name;
    REQUIRE(util::make_dirs(output).ok());
    cache::Entry entry{key, specs, {}, {output}, cache.begin_roots(key), 0, 0};
    for (size_t i = 0; i < specs.size(); ++i) {
      entry.outputs.push_back({output});
      std::string link = cache.roots_path(entry.roots) + "/r" + (i ? "-" + std::to_string(i + 1) : "");
      REQUIRE(::symlink(output.c_str(), link.c_str()) == 0);
    }
    cache.commit(entry, dir.path + "/p/.jailed", agent);
    return entry;
  }
};

cache::KeyInputs inputs() { return {{"nixpkgs#jq", "path:/p/tools#bot"}, "x86_64-linux", "/usr/bin/nix 100 5", {}}; }

}  // namespace

TEST_CASE("the key follows specs, system, nix and local flake files, not spec order", "[cache]") {
  auto base = inputs();
  std::string key = cache::make_key(base);
  CHECK(key.size() == 32);
  auto reordered = base;
  std::swap(reordered.specs[0], reordered.specs[1]);
  CHECK(cache::make_key(reordered) == key);

  auto changed = base;
  changed.specs[0] = "nixpkgs#jq2";
  CHECK(cache::make_key(changed) != key);
  changed = base;
  changed.system = "aarch64-linux";
  CHECK(cache::make_key(changed) != key);
  changed = base;
  changed.nix = "/usr/bin/nix 100 6";
  CHECK(cache::make_key(changed) != key);
  // Length-delimited fields: moving bytes between specs is a different key.
  changed = base;
  changed.specs = {"nixpkgs#jqpath:/p/tools#bot"};
  CHECK(cache::make_key(changed) != key);
}

TEST_CASE("a local flake's digest changes with its files and flake.lock, not with .git", "[cache]") {
  TempDir dir;
  write(dir.path + "/flake.nix", "{ outputs = _: { }; }");
  write(dir.path + "/pkgs/bot.nix", "bot");
  std::string first = util::tree_digest(dir.path).value();
  CHECK(util::tree_digest(dir.path).value() == first);

  write(dir.path + "/.git/index", "changed");
  CHECK(util::tree_digest(dir.path).value() == first);
  write(dir.path + "/flake.lock", "{}");
  std::string locked = util::tree_digest(dir.path).value();
  CHECK(locked != first);
  write(dir.path + "/flake.lock", "{ }");
  CHECK(util::tree_digest(dir.path).value() != locked);
  write(dir.path + "/pkgs/bot.nix", "bot2");
  CHECK(util::tree_digest(dir.path).value() != locked);
  CHECK(util::tree_digest(dir.path + "/missing").value() == "missing");
}

TEST_CASE("lookup returns an entry only for the same specs and while its roots pin it", "[cache]") {
  World w;
  auto entry = w.add("k1", {"nixpkgs#a", "nixpkgs#b"}, "aaa-a");
  auto hit = w.cache.lookup("k1", cache::spec_text({"nixpkgs#b", "nixpkgs#a"}));
  REQUIRE(hit);
  CHECK(hit->closure == entry.closure);
  CHECK(hit->outputs.size() == 2);

  // A collision: same key, other specs. The row must never be handed to the other project.
  CHECK_FALSE(w.cache.lookup("k1", cache::spec_text({"nixpkgs#evil"})));
  CHECK_FALSE(w.cache.lookup("k2", cache::spec_text({"nixpkgs#a", "nixpkgs#b"})));

  SECTION("a removed root") {
    REQUIRE(::unlink((w.cache.roots_path(entry.roots) + "/r").c_str()) == 0);
    REQUIRE(::unlink((w.cache.roots_path(entry.roots) + "/r-2").c_str()) == 0);
    CHECK_FALSE(w.cache.lookup("k1", cache::spec_text({"nixpkgs#a", "nixpkgs#b"})));
  }
  SECTION("a collected output") {
    REQUIRE(util::remove_tree(entry.closure[0]).ok());
    CHECK_FALSE(w.cache.lookup("k1", cache::spec_text({"nixpkgs#a", "nixpkgs#b"})));
    CHECK_FALSE(w.cache.last_good(w.dir.path + "/p/.jailed", "bot"));
  }
  SECTION("a new resolution of the key replaces the old roots") {
    auto again = w.add("k1", {"nixpkgs#a", "nixpkgs#b"}, "aaa-a");
    CHECK_FALSE(util::exists_nofollow(w.cache.roots_path(entry.roots)));
    CHECK(cache::list_roots_dirs(w.cache.roots_dir()) == std::vector<std::string>{again.roots});
  }
  CHECK(w.warnings.empty());
}

TEST_CASE("a corrupt database is moved aside and rebuilt with one warning", "[cache]") {
  TempDir dir;
  std::string db = dir.path + "/cache.db";
  write(db, std::string(4096, 'x'));
  std::vector<std::string> warnings;
  {
    cache::ClosureCache store(db, dir.path + "/gcroots", [&](const std::string& m) { warnings.push_back(m); });
    CHECK(store.entries().empty());
    CHECK_FALSE(store.lookup("k", "nixpkgs#a\n"));
  }
  REQUIRE(warnings.size() == 1);
  CHECK(warnings[0].find("cache " + db + " was unreadable") == 0);
  CHECK(warnings[0].find("rebuilding it") != std::string::npos);
  CHECK(util::read_file(db + ".bad").value() == std::string(4096, 'x'));
  cache::ClosureCache reopened(db, dir.path + "/gcroots", [&](const std::string& m) { warnings.push_back(m); });
  CHECK(warnings.size() == 1);
}

TEST_CASE("gc drops entries no project uses, with their roots, and stale roots directories", "[cache]") {
  World w;
  auto kept = w.add("k1", {"nixpkgs#a"}, "aaa-a", "bot");
  auto dropped = w.add("k2", {"nixpkgs#b"}, "bbb-b", "gone");
  // An interrupted resolution: a roots directory no row names, its process long gone.
  REQUIRE(util::make_dirs(w.cache.roots_dir() + "/k3.999999999.0000000000000000").ok());
  std::string running = w.cache.begin_roots("k4");  // this process: still running

  cache::GcPolicy policy;
  policy.still_used = [](const cache::Use& use) { return use.agent == "bot"; };
  auto report = cache::collect_garbage(w.cache, policy);
  CHECK(report.entries == 1);
  CHECK(report.stale_roots == 1);
  REQUIRE(w.cache.entries().size() == 1);
  CHECK(w.cache.entries()[0].key == "k1");
  CHECK(cache::list_roots_dirs(w.cache.roots_dir()) == std::vector<std::string>{kept.roots, running});
  CHECK_FALSE(util::exists_nofollow(w.cache.roots_path(dropped.roots)));

  SECTION("--older-than drops what was not used recently, used or not") {
    cache::GcPolicy old;
    old.unused_for = -10;  // everything is older than "ten seconds from now"
    CHECK(cache::collect_garbage(w.cache, old).entries == 1);
    CHECK(w.cache.entries().empty());
  }
  SECTION("clear drops everything") {
    CHECK(cache::clear_cache(w.cache).entries == 1);
    CHECK(w.cache.entries().empty());
    CHECK(w.cache.uses().empty());
    CHECK(cache::list_roots_dirs(w.cache.roots_dir()) == std::vector<std::string>{running});
  }
}
