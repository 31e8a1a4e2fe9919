// Unit tests for shim/shim_dir: syncing shim directories and recognising a shim invocation.
#include <catch2/catch.hpp>
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <map>
#include <set>

#include "shim/shim_dir.hpp"
#include "util/files.hpp"
#include "util/paths.hpp"
#include "util/strings.hpp"
#include "temp_dir.hpp"

using namespace jailed;
using namespace jailed::shim;

namespace {

using jailed::testing::TempDir;

std::set<std::string> entries(const std::string& dir) {
  std::set<std::string> out;
  DIR* handle = ::opendir(dir.c_str());
  REQUIRE(handle != nullptr);
  while (dirent* entry = ::readdir(handle)) {
    std::string name = entry->d_name;
    if (name != "." && name != "..") out.insert(name);
  }
  ::closedir(handle);
  return out;
}

std::string link_target(const std::string& path) {
  char buf[4096];
  ssize_t n = ::readlink(path.c_str(), buf, sizeof buf);
  REQUIRE(n > 0);
  return std::string(buf, static_cast<size_t>(n));
}

// Returns inode and ctime of every entry: any rewrite or replacement changes one of them.
std::map<std::string, std::pair<ino_t, int64_t>> identities(const std::string& dir) {
  std::map<std::string, std::pair<ino_t, int64_t>> out;
  for (const auto& name : entries(dir)) {
    auto st = util::lstat_path(dir + "/" + name);
    REQUIRE(st.has_value());
    out[name] = {st->st_ino, util::stamp_of(*st).ctime_ns};
  }
  return out;
}

// Restores the working directory when the test leaves.
struct CwdGuard {
  std::string saved = util::current_dir();
  ~CwdGuard() { REQUIRE(::chdir(saved.c_str()) == 0); }
};

}  // namespace

TEST_CASE("shim_dir_for is under XDG_STATE_HOME and differs per project", "[shim]") {
  const char* old = std::getenv("XDG_STATE_HOME");
  std::string saved = old ? old : "";
  ::setenv("XDG_STATE_HOME", "/state", 1);
  std::string a = shim_dir_for("/src/a/.jailed");
  REQUIRE(util::starts_with(a, "/state/jailed/shims/"));
  REQUIRE(a.size() == std::string("/state/jailed/shims/").size() + 16);
  REQUIRE(a != shim_dir_for("/src/b/.jailed"));
  REQUIRE(a == shim_dir_for("/src/a/.jailed"));
  if (old) {
    ::setenv("XDG_STATE_HOME", saved.c_str(), 1);
  } else {
    ::unsetenv("XDG_STATE_HOME");
  }
}

TEST_CASE("sync creates exactly the named symlinks and .project", "[shim]") {
  TempDir tmp;
  std::string dir = tmp.path + "/state/jailed/shims/abc";
  REQUIRE(sync(dir, "/src/app/.jailed", {"jailed-crush", "jailed-opencode"}, "/usr/bin/jailed").ok());

  REQUIRE(entries(dir) == std::set<std::string>{".project", "jailed-crush", "jailed-opencode"});
  REQUIRE(link_target(dir + "/jailed-crush") == "/usr/bin/jailed");
  REQUIRE(link_target(dir + "/jailed-opencode") == "/usr/bin/jailed");
  REQUIRE(*util::read_file(dir + "/.project") == "/src/app/.jailed");
  REQUIRE((util::stat_path(dir)->st_mode & 07777) == 0700);
  REQUIRE((util::stat_path(tmp.path + "/state/jailed")->st_mode & 07777) == 0700);
}

TEST_CASE("a second sync with the same input changes nothing", "[shim]") {
  TempDir tmp;
  std::string dir = tmp.path + "/shims/abc";
  std::vector<std::string> names{"jailed-crush", "jailed-opencode"};
  REQUIRE(sync(dir, "/src/app/.jailed", names, "/usr/bin/jailed").ok());
  auto before = identities(dir);
  auto dir_before = util::stamp_of(*util::stat_path(dir));

  REQUIRE(sync(dir, "/src/app/.jailed", names, "/usr/bin/jailed").ok());
  REQUIRE(identities(dir) == before);
  REQUIRE(util::stamp_of(*util::stat_path(dir)) == dir_before);
}

TEST_CASE("sync follows changes of names, binary and project", "[shim]") {
  TempDir tmp;
  std::string dir = tmp.path + "/shims/abc";
  REQUIRE(sync(dir, "/src/app/.jailed", {"jailed-crush", "jailed-opencode"}, "/usr/bin/jailed").ok());
  auto crush = util::lstat_path(dir + "/jailed-crush")->st_ino;

  REQUIRE(sync(dir, "/src/app/.jailed", {"jailed-crush"}, "/usr/bin/jailed").ok());
  REQUIRE(entries(dir) == std::set<std::string>{".project", "jailed-crush"});
  REQUIRE(util::lstat_path(dir + "/jailed-crush")->st_ino == crush);

  REQUIRE(sync(dir, "/src/moved/.jailed", {"jailed-crush"}, "/opt/jailed/bin/jailed").ok());
  REQUIRE(link_target(dir + "/jailed-crush") == "/opt/jailed/bin/jailed");
  REQUIRE(*util::read_file(dir + "/.project") == "/src/moved/.jailed");
  REQUIRE(entries(dir) == std::set<std::string>{".project", "jailed-crush"});
}

TEST_CASE("sync replaces wrong entries and removes leftovers", "[shim]") {
  TempDir tmp;
  std::string dir = tmp.path + "/shims/abc";
  REQUIRE(util::make_dirs(dir, 0700).ok());
  REQUIRE(util::write_file_atomic(dir + "/jailed-crush", "#!/bin/sh\n").ok());
  REQUIRE(::symlink("/elsewhere", (dir + "/jailed-goose").c_str()) == 0);
  // A temp file of a process that no longer runs (pid above the kernel's maximum).
  REQUIRE(::symlink("/usr/bin/jailed", (dir + "/.jailed-old.tmp.999999999").c_str()) == 0);

  REQUIRE(sync(dir, "/src/app/.jailed", {"jailed-crush"}, "/usr/bin/jailed").ok());
  REQUIRE(entries(dir) == std::set<std::string>{".project", "jailed-crush"});
  REQUIRE(link_target(dir + "/jailed-crush") == "/usr/bin/jailed");
}

TEST_CASE("sync refuses names that are paths or hidden", "[shim]") {
  TempDir tmp;
  std::string dir = tmp.path + "/shims/abc";
  REQUIRE_FALSE(sync(dir, "/src/app/.jailed", {"../evil"}, "/usr/bin/jailed").ok());
  REQUIRE_FALSE(sync(dir, "/src/app/.jailed", {".project"}, "/usr/bin/jailed").ok());
  REQUIRE_FALSE(sync(dir, "/src/app/.jailed", {""}, "/usr/bin/jailed").ok());
  REQUIRE_FALSE(util::exists_nofollow(dir));
}

TEST_CASE("identify recognises a shim by absolute and relative path", "[shim]") {
  TempDir tmp;
  std::string dir = tmp.path + "/shims/abc";
  REQUIRE(sync(dir, "/src/app/.jailed", {"jailed-crush"}, "/usr/bin/jailed").ok());

  auto call = identify(dir + "/jailed-crush");
  REQUIRE(call.has_value());
  REQUIRE(call->jailed_file == "/src/app/.jailed");
  REQUIRE(call->shim_name == "jailed-crush");

  CwdGuard guard;
  REQUIRE(::chdir(tmp.path.c_str()) == 0);
  auto relative = identify("shims/abc/jailed-crush");
  REQUIRE(relative.has_value());
  REQUIRE(relative->jailed_file == "/src/app/.jailed");
  REQUIRE(relative->shim_name == "jailed-crush");
  REQUIRE(::chdir(dir.c_str()) == 0);
  REQUIRE(identify("./jailed-crush").has_value());
}

TEST_CASE("identify rejects what is not a shim", "[shim]") {
  TempDir tmp;
  std::string dir = tmp.path + "/shims/abc";
  REQUIRE(sync(dir, "/src/app/.jailed", {"jailed-crush"}, "/usr/bin/jailed").ok());

  SECTION("a regular file next to .project") {
    REQUIRE(util::write_file_atomic(dir + "/jailed-plain", "x").ok());
    REQUIRE_FALSE(identify(dir + "/jailed-plain").has_value());
  }
  SECTION("a symlink in a directory without .project") {
    REQUIRE(::symlink("/usr/bin/jailed", (tmp.path + "/jailed-crush").c_str()) == 0);
    REQUIRE_FALSE(identify(tmp.path + "/jailed-crush").has_value());
  }
  SECTION("a symlink whose .project is not a regular file") {
    std::string other = tmp.path + "/other";
    REQUIRE(util::make_dirs(other + "/.project").ok());
    REQUIRE(::symlink("/usr/bin/jailed", (other + "/jailed-crush").c_str()) == 0);
    REQUIRE_FALSE(identify(other + "/jailed-crush").has_value());
  }
  SECTION("a missing path and the jailed binary itself") {
    REQUIRE_FALSE(identify(dir + "/jailed-missing").has_value());
    REQUIRE_FALSE(identify("").has_value());
    REQUIRE_FALSE(identify("/usr/bin/env").has_value());
  }
}
