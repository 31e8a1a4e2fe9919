// Unit tests for snapshot/take, store and fetch: what a snapshot records, what it reads again,
// and that nothing half-written is ever trusted.
#include <catch2/catch.hpp>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <map>

#include "snapshot/content.hpp"
#include "snapshot/fetch.hpp"
#include "snapshot/retention.hpp"
#include "snapshot/take.hpp"
#include "snapshot/tree_walk.hpp"
#include "temp_dir.hpp"
#include "util/files.hpp"
#include "util/paths.hpp"

using namespace jailed;
using namespace jailed::snapshot;
using jailed::testing::TempDir;

namespace {

// A project and its store in one temporary directory.
struct Fixture {
  TempDir tmp;
  std::string project = tmp.path + "/project";
  std::string root = tmp.path + "/state";
  Fixture() { REQUIRE(util::make_dirs(project).ok()); }
  void write(const std::string& path, const std::string& content, mode_t mode = 0644) {
    REQUIRE(util::make_dirs(util::parent_dir(project + "/" + path)).ok());
    REQUIRE(util::write_file_atomic(project + "/" + path, content, mode).ok());
  }
  Taken take(Store& store, const Settings& settings = {}) {
    int fd = open_project(project).take();
    auto taken = take_snapshot(store, fd, settings, "test");
    ::close(fd);
    REQUIRE(taken.ok());
    return *taken;
  }
  // Snapshots until no file is read (files written within the clock tick of a snapshot are
  // read once more by the next); returns that last snapshot.
  Taken settle(Store& store) {
    for (int i = 0; i < 1000; ++i) {
      auto taken = take(store);
      if (taken.files_read == 0) return taken;
    }
    FAIL("snapshots kept reading files");
    return {};
  }
};

std::string sha256_of(const std::string& text) {
  Sha256 sha;
  sha.update(text.data(), text.size());
  return sha.finish();
}

std::map<std::string, Entry> by_path(const Tree& tree) {
  std::map<std::string, Entry> map;
  for (const auto& e : tree) map[e.path] = e;
  return map;
}

}  // namespace

TEST_CASE("a snapshot records files, links, empty directories, modes and hostile names", "[snapshot]") {
  Fixture f;
  const std::string newline = "new\nline", invalid = "bad\xff\xfe name";
  f.write("src/main.c", "int main() {}\n");
  f.write("run.sh", "#!/bin/sh\n", 0755);
  f.write(newline, "n");
  f.write("dir with spaces/" + invalid, "i");
  f.write(".git/HEAD", "ref: refs/heads/main\n");
  REQUIRE(::mkdir((f.project + "/empty").c_str(), 0700) == 0);
  REQUIRE(::symlink("../outside", (f.project + "/link").c_str()) == 0);

  Store store(f.root, f.project, true);
  auto taken = f.take(store);
  REQUIRE(taken.id == 1);
  auto tree = by_path(store.manifest(taken.id));
  REQUIRE(tree.size() == 10);
  REQUIRE(tree["run.sh"].mode == 0755);
  REQUIRE(tree["run.sh"].kind == Kind::file);
  REQUIRE(tree["empty"].kind == Kind::dir);
  REQUIRE(tree["empty"].mode == 0700);
  REQUIRE(tree["link"].kind == Kind::link);
  REQUIRE(tree["link"].target == "../outside");
  REQUIRE(tree[newline].hash == sha256_of("n"));
  REQUIRE(tree["dir with spaces/" + invalid].size == 1);
  REQUIRE(tree[".git/HEAD"].kind == Kind::file);

  auto contents = fetch_contents(store, {tree["src/main.c"].hash, tree[".git/HEAD"].hash});
  REQUIRE(contents.ok());
  REQUIRE(contents->at(tree["src/main.c"].hash) == "int main() {}\n");
  REQUIRE(contents->at(tree[".git/HEAD"].hash) == "ref: refs/heads/main\n");
}

TEST_CASE("an unchanged project is not read again and its last snapshot stands", "[snapshot]") {
  Fixture f;
  for (int i = 0; i < 20; ++i) f.write("f" + std::to_string(i), std::string(100, static_cast<char>('a' + i)));
  Store store(f.root, f.project, true);
  auto first = f.take(store);
  REQUIRE(first.files_read == 20);
  auto settled = f.settle(store);
  REQUIRE(settled.reused);
  REQUIRE(settled.id == first.id);

  // One changed file is the only one read; identical content is stored once.
  f.write("f3", "changed");
  f.write("copy", std::string(100, 'a'));
  auto next = f.take(store);
  REQUIRE_FALSE(next.reused);
  REQUIRE(next.id == 2);
  REQUIRE(next.files_read == 2);
  REQUIRE(by_path(store.manifest(2))["copy"].hash == by_path(store.manifest(1))["f0"].hash);
}

TEST_CASE("a file rewritten with its old size and mtime is still seen as changed", "[snapshot]") {
  Fixture f;
  f.write("config", "safe=1\n");
  Store store(f.root, f.project, true);
  f.settle(store);
  auto before = util::stat_path(f.project + "/config").value();
  f.write("config", "evil=1\n");
  timespec times[2] = {before.st_atim, before.st_mtim};
  REQUIRE(::utimensat(AT_FDCWD, (f.project + "/config").c_str(), times, 0) == 0);
  auto taken = f.take(store);
  REQUIRE(taken.files_read == 1);
  REQUIRE(by_path(store.manifest(taken.id))["config"].hash == sha256_of("evil=1\n"));
}

TEST_CASE("excluded paths and a project over the size cap", "[snapshot]") {
  Fixture f;
  f.write("node_modules/x/index.js", "x");
  f.write("build/out/a.o", "o");
  f.write("src/build/keep.c", "k");
  f.write("big", std::string(5000, 'b'));
  Settings settings;
  settings.patterns = {"node_modules", "/build/out/"};
  settings.excludes = Excludes(settings.patterns);
  Store store(f.root, f.project, true);
  auto taken = f.take(store, settings);
  auto tree = by_path(store.manifest(taken.id));
  REQUIRE_FALSE(tree.count("node_modules"));
  REQUIRE_FALSE(tree.count("build/out"));
  REQUIRE(tree.count("build"));
  REQUIRE(tree.count("src/build/keep.c"));
  REQUIRE(store.snapshot(taken.id)->excludes == settings.patterns);

  settings.max_size = 1000;
  auto over = f.take(store, settings);
  REQUIRE(over.id == 0);
  REQUIRE(over.project_bytes > 5000);
  REQUIRE(store.snapshots().size() == 1);
}

TEST_CASE("an interrupted snapshot leaves nothing trusted, and retention keeps the newest", "[snapshot]") {
  Fixture f;
  f.write("a", "1");
  Store store(f.root, f.project, true);
  f.take(store);
  // What a snapshot killed while packing leaves: a pack never renamed, or renamed but never committed.
  REQUIRE(util::write_file_atomic(store.pack_path(".new-1-2.tar.zst"), "partial").ok());
  REQUIRE(util::write_file_atomic(store.pack_path("3-4.tar.zst"), "orphan").ok());
  REQUIRE(store.snapshots().size() == 1);
  for (int i = 2; i <= 5; ++i) {
    f.write("a", std::to_string(i));
    f.take(store);
  }
  Settings settings;
  settings.keep = 2;
  auto pruned = prune(store, settings);
  REQUIRE(pruned.snapshots == 3);
  auto left = store.snapshots();
  REQUIRE(left.size() == 2);
  REQUIRE(left.back().id == 5);
  REQUIRE_FALSE(util::exists_nofollow(store.pack_path(".new-1-2.tar.zst")));
  REQUIRE_FALSE(util::exists_nofollow(store.pack_path("3-4.tar.zst")));
  auto tree = by_path(store.manifest(5));
  REQUIRE(fetch_contents(store, {tree["a"].hash})->at(tree["a"].hash) == "5");

  settings.max_total = 1;  // the newest always stays
  prune(store, settings);
  REQUIRE(store.snapshots().size() == 1);
}

TEST_CASE("a file larger than the in-memory limit is streamed into its pack and read back whole", "[snapshot]") {
  Fixture f;
  std::string big(static_cast<size_t>(k_in_memory_limit) + 12345, '\0');
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>((i * 2654435761u) >> 13);
  f.write("big.bin", big);
  Store store(f.root, f.project, true);
  auto taken = f.take(store);
  auto entry = by_path(store.manifest(taken.id))["big.bin"];
  REQUIRE(entry.size == static_cast<int64_t>(big.size()));
  REQUIRE(entry.hash == sha256_of(big));
  REQUIRE(fetch_contents(store, {entry.hash})->at(entry.hash) == big);
}
