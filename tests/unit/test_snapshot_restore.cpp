// Unit tests for snapshot/compare, restore and beneath: what a restore changes, and that it
// never writes outside the project, whatever links the agent left.
#include <catch2/catch.hpp>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "snapshot/beneath.hpp"
#include "snapshot/compare.hpp"
#include "snapshot/restore.hpp"
#include "snapshot/take.hpp"
#include "snapshot/tree_walk.hpp"
#include "temp_dir.hpp"
#include "util/files.hpp"
#include "util/paths.hpp"

using namespace jailed;
using namespace jailed::snapshot;
using jailed::testing::TempDir;

namespace {

struct Fixture {
  TempDir tmp;
  std::string project = tmp.path + "/project";
  std::string home = tmp.path + "/home";
  std::unique_ptr<Store> store;
  Fixture() {
    REQUIRE(util::make_dirs(project).ok());
    REQUIRE(util::make_dirs(home + "/.ssh").ok());
    write(home + "/.ssh/authorized_keys", "mine\n");
    store = std::make_unique<Store>(tmp.path + "/state", project, true);
  }
  static void write(const std::string& path, const std::string& content, mode_t mode = 0644) {
    REQUIRE(util::make_dirs(util::parent_dir(path)).ok());
    REQUIRE(util::write_file_atomic(path, content, mode).ok());
  }
  int64_t take() {
    int fd = open_project(project).take();
    auto taken = take_snapshot(*store, fd, {}, "test");
    ::close(fd);
    REQUIRE(taken.ok());
    return taken->id;
  }
  std::vector<Change> changes(int64_t id) {
    int fd = open_project(project).take();
    auto found = compare_tree(store->manifest(id), fd, {});
    ::close(fd);
    REQUIRE(found.ok());
    return *found;
  }
  void restore(int64_t id, const std::vector<std::string>& paths, bool remove_added) {
    int fd = open_project(project).take();
    auto plan = restore_plan(select_paths(changes(id), paths), remove_added);
    auto done = apply_restore(*store, fd, store->manifest(id), plan);
    ::close(fd);
    REQUIRE(done.ok());
  }
  // Every path with kind, mode, content hash and link target: what "byte-identical" compares.
  std::vector<std::string> manifest() {
    int fd = open_project(project).take();
    auto tree = walk_tree(fd, {}).take();
    ::close(fd);
    std::vector<std::string> lines;
    for (const auto& e : tree) {
      std::string content = e.kind == Kind::file ? util::read_file(project + "/" + e.path).take() : e.target;
      lines.push_back(e.path + " " + kind_name(e.kind) + " " + std::to_string(e.mode) + " " + content);
    }
    return lines;
  }
};

}  // namespace

TEST_CASE("compare names additions, deletions, content, mode and kind changes", "[snapshot]") {
  Fixture f;
  f.write(f.project + "/a", "1");
  f.write(f.project + "/b", "2");
  f.write(f.project + "/c", "3");
  f.write(f.project + "/d/e", "4");
  int64_t id = f.take();
  REQUIRE(f.changes(id).empty());
  f.write(f.project + "/a", "changed");
  REQUIRE(::chmod((f.project + "/b").c_str(), 0755) == 0);
  REQUIRE(::unlink((f.project + "/c").c_str()) == 0);
  REQUIRE(util::remove_tree(f.project + "/d").ok());
  REQUIRE(::symlink("/", (f.project + "/d").c_str()) == 0);
  f.write(f.project + "/new", "n");
  auto changes = f.changes(id);
  std::vector<std::string> seen;
  for (const auto& c : changes) seen.push_back(c.path + ":" + std::to_string(static_cast<int>(c.what)));
  REQUIRE(seen == std::vector<std::string>{"a:2", "b:3", "c:1", "d:4", "d/e:1", "new:0"});
  auto counts = count_changes(changes);
  REQUIRE(counts.added == 1);
  REQUIRE(counts.changed == 3);
  REQUIRE(counts.deleted == 2);
  REQUIRE(select_paths(changes, {"d"}).size() == 2);
}

TEST_CASE("restore brings back the tree and never writes through a planted link", "[snapshot]") {
  Fixture f;
  f.write(f.project + "/README", "read me\n");
  f.write(f.project + "/bin/tool", "#!/bin/sh\n", 0755);
  f.write(f.project + "/.ssh/authorized_keys", "project key\n");
  f.write(f.project + "/.git/config", "[core]\n");
  REQUIRE(::mkdir((f.project + "/empty").c_str(), 0750) == 0);
  REQUIRE(::symlink("README", (f.project + "/readme.link").c_str()) == 0);
  int64_t id = f.take();
  auto before = f.manifest();

  // What an agent might leave: directories replaced by links to the home and to /, a file by a
  // link, modes changed, .git rewritten, junk added.
  REQUIRE(util::remove_tree(f.project + "/.ssh").ok());
  REQUIRE(::symlink(f.home.c_str(), (f.project + "/.ssh").c_str()) == 0);
  REQUIRE(util::remove_tree(f.project + "/bin").ok());
  REQUIRE(::symlink("/", (f.project + "/bin").c_str()) == 0);
  REQUIRE(::unlink((f.project + "/README").c_str()) == 0);
  REQUIRE(::symlink(f.home.c_str(), (f.project + "/README").c_str()) == 0);
  f.write(f.project + "/.git/config", "[core]\nhooksPath = /tmp/evil\n");
  REQUIRE(::chmod((f.project + "/empty").c_str(), 0777) == 0);
  f.write(f.project + "/junk/file", "junk");

  f.restore(id, {}, true);
  REQUIRE(f.manifest() == before);
  REQUIRE(util::read_file(f.home + "/.ssh/authorized_keys").take() == "mine\n");
  REQUIRE_FALSE(util::exists_nofollow(f.home + "/authorized_keys"));
  REQUIRE(util::lstat_path(f.home)->st_mode & S_IFDIR);
  // Twice is nothing to do.
  REQUIRE(restore_plan(f.changes(id), true).empty());
}

TEST_CASE("restore of some paths touches nothing else, and keeps additions without --delete", "[snapshot]") {
  Fixture f;
  f.write(f.project + "/keep/a", "a1");
  f.write(f.project + "/fix/b", "b1");
  int64_t id = f.take();
  f.write(f.project + "/keep/a", "a2");
  f.write(f.project + "/fix/b", "b2");
  f.write(f.project + "/fix/new", "n");
  f.restore(id, {"fix"}, false);
  REQUIRE(util::read_file(f.project + "/keep/a").take() == "a2");
  REQUIRE(util::read_file(f.project + "/fix/b").take() == "b1");
  REQUIRE(util::exists_nofollow(f.project + "/fix/new"));
  f.restore(id, {"fix"}, true);
  REQUIRE_FALSE(util::exists_nofollow(f.project + "/fix/new"));
  REQUIRE(util::read_file(f.project + "/keep/a").take() == "a2");
}

TEST_CASE("open_beneath follows no link and never leaves the project", "[snapshot]") {
  Fixture f;
  f.write(f.project + "/dir/file", "inside");
  REQUIRE(::symlink(f.home.c_str(), (f.project + "/out").c_str()) == 0);
  REQUIRE(::symlink("file", (f.project + "/dir/link").c_str()) == 0);
  int root = open_project(f.project).take();
  int fd = open_beneath(root, "dir/file", O_RDONLY);
  REQUIRE(fd >= 0);
  ::close(fd);
  REQUIRE(open_beneath(root, "out/.ssh/authorized_keys", O_RDONLY) < 0);  // a link on the way
  REQUIRE(open_beneath(root, "dir/link", O_RDONLY) < 0);                  // a link at the end
  REQUIRE(open_beneath(root, "dir/../dir/file", O_RDONLY) < 0);           // no ".." at all
  REQUIRE(open_beneath(root, "/etc/passwd", O_RDONLY) < 0);
  REQUIRE(open_beneath(root, "dir//file", O_RDONLY) < 0);
  ::close(root);
}

TEST_CASE("a tree whose walk order is not byte order still compares equal to its snapshot", "[snapshot]") {
  Fixture f;
  // "a" is walked before "a.b", but "a/x" sorts after it ('/' > '.').
  f.write(f.project + "/a/x", "1");
  f.write(f.project + "/a.b", "2");
  f.write(f.project + "/a-c/y", "3");
  int64_t id = f.take();
  REQUIRE(f.changes(id).empty());
  int fd = open_project(f.project).take();
  auto tree = walk_tree(fd, {}).take();
  ::close(fd);
  std::vector<std::string> paths;
  for (const auto& e : tree) paths.push_back(e.path);
  REQUIRE(paths == std::vector<std::string>{"a", "a-c", "a-c/y", "a.b", "a/x"});
}
