// Unit tests for config/find: locating the nearest .jailed and reading it safely.
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

#include "config/find.hpp"
#include "util/files.hpp"
#include "util/paths.hpp"
#include "skip.hpp"

using namespace jailed;
using namespace jailed::config;

namespace {

// A fresh directory under /tmp (its real path, so comparisons hold); removed afterwards.
class TempDir {
 public:
  TempDir() {
    char pattern[] = "/tmp/jailed-find-test-XXXXXX";
    REQUIRE(::mkdtemp(pattern) != nullptr);
    m_path = util::real_path(pattern).value();
  }
  ~TempDir() { util::remove_tree(m_path); }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  // Returns the absolute path of `relative` inside the directory.
  std::string at(const std::string& relative) const { return m_path + "/" + relative; }

  std::string mkdir(const std::string& relative) const {
    REQUIRE(util::make_dirs(at(relative), 0755).ok());
    return at(relative);
  }

  std::string write(const std::string& relative, const std::string& text, mode_t mode = 0644) const {
    REQUIRE(util::make_dirs(util::parent_dir(at(relative)), 0755).ok());
    REQUIRE(util::write_file_atomic(at(relative), text, mode).ok());
    return at(relative);
  }

  const std::string& path() const { return m_path; }

 private:
  std::string m_path;
};

// Changes the working directory for one test and restores it.
class ChangeDir {
 public:
  explicit ChangeDir(const std::string& dir) : m_old(util::current_dir()) { REQUIRE(::chdir(dir.c_str()) == 0); }
  ~ChangeDir() { (void)::chdir(m_old.c_str()); }
  ChangeDir(const ChangeDir&) = delete;
  ChangeDir& operator=(const ChangeDir&) = delete;

 private:
  std::string m_old;
};

}  // namespace

TEST_CASE("find_nearest walks up to the nearest regular .jailed", "[config]") {
  TempDir tmp;
  std::string outer = tmp.write("p/.jailed", "[jail]\n");
  std::string inner = tmp.write("p/sub/q/.jailed", "[agent crush]\n");
  tmp.mkdir("p/sub/q/deep/er");
  tmp.mkdir("p/other/.jailed");  // a directory named .jailed does not count

  auto found = find_nearest(tmp.at("p/sub/q/deep/er"));
  REQUIRE(found.has_value());
  REQUIRE(found->path == inner);
  REQUIRE(found->stamp == util::stamp_of(*util::stat_path(inner)));

  REQUIRE(find_nearest(tmp.at("p/sub"))->path == outer);
  REQUIRE(find_nearest(tmp.at("p/other"))->path == outer);
  REQUIRE(find_nearest(tmp.at("p/sub/q"))->path == inner);
  REQUIRE(find_nearest(tmp.at("p/sub/q/"))->path == inner);

  auto above = find_nearest(tmp.path());
  REQUIRE((!above || above->path.rfind(tmp.path(), 0) != 0));
}

TEST_CASE("find_nearest notices an edit through the stamp", "[config]") {
  TempDir tmp;
  std::string file = tmp.write(".jailed", "[jail]\n");
  auto before = find_nearest(tmp.path());
  REQUIRE(util::write_file_atomic(file, "[jail]\nnetwork = on\n", 0644).ok());
  auto after = find_nearest(tmp.path());
  REQUIRE(before.has_value());
  REQUIRE(after.has_value());
  REQUIRE_FALSE(before->stamp == after->stamp);
}

TEST_CASE("read_jailed_file returns content, real path and stamp", "[config]") {
  TempDir tmp;
  std::string file = tmp.write("real/.jailed", "[agent crush]\n", 0600);
  REQUIRE(::symlink(tmp.at("real").c_str(), tmp.at("link").c_str()) == 0);

  auto loaded = read_jailed_file(tmp.at("link/.jailed"));
  REQUIRE(loaded.ok());
  REQUIRE(loaded->path == tmp.at("link/.jailed"));
  REQUIRE(loaded->real_path == file);
  REQUIRE(loaded->content == "[agent crush]\n");
  REQUIRE(loaded->stamp == util::stamp_of(*util::stat_path(file)));
}

TEST_CASE("read_jailed_file refuses unsafe files", "[config]") {
  TempDir tmp;
  SECTION("a symlinked .jailed") {
    std::string target = tmp.write("elsewhere.txt", "[jail]\n");
    tmp.mkdir("p");
    REQUIRE(::symlink(target.c_str(), tmp.at("p/.jailed").c_str()) == 0);
    auto loaded = read_jailed_file(tmp.at("p/.jailed"));
    REQUIRE_FALSE(loaded.ok());
    REQUIRE(loaded.error() == tmp.at("p/.jailed") +
                                  " is a symlink; jailed only reads a regular .jailed file (replace the link with a "
                                  "copy of the file it points to)");
    REQUIRE(loaded.failure().code == ExitCode::not_allowed);
  }
  SECTION("group-writable") {
    std::string file = tmp.write(".jailed", "[jail]\n", 0664);
    auto loaded = read_jailed_file(file);
    REQUIRE_FALSE(loaded.ok());
    REQUIRE(loaded.error() == "refusing " + file + ": it is writable by others (chmod go-w " + file + ")");
    REQUIRE(loaded.failure().code == ExitCode::not_allowed);
  }
  SECTION("world-writable") {
    std::string file = tmp.write(".jailed", "[jail]\n", 0646);
    auto loaded = read_jailed_file(file);
    REQUIRE_FALSE(loaded.ok());
    REQUIRE(loaded.failure().code == ExitCode::not_allowed);
  }
  SECTION("owned by another user") {
    std::string file = tmp.write(".jailed", "[jail]\n");
    if (::chown(file.c_str(), 12345, 12345) != 0) {
      JAILED_SKIP("cannot chown to uid 12345 (not root): the foreign-owner check");
    }
    auto loaded = read_jailed_file(file);
    REQUIRE_FALSE(loaded.ok());
    REQUIRE(loaded.error() ==
            file + " is owned by uid 12345, not you; jailed will not use it (review it, then replace it with a copy you own)");
    REQUIRE(loaded.failure().code == ExitCode::not_allowed);
  }
  SECTION("larger than 1 MiB") {
    std::string file = tmp.write(".jailed", std::string(2 * 1024 * 1024, '#'));
    auto loaded = read_jailed_file(file);
    REQUIRE_FALSE(loaded.ok());
    REQUIRE(loaded.error() == file + " is larger than 1 MiB; a .jailed is a short text file");
    REQUIRE(loaded.failure().code == ExitCode::bad_config);
  }
  SECTION("a directory") {
    std::string dir = tmp.mkdir(".jailed");
    auto loaded = read_jailed_file(dir);
    REQUIRE_FALSE(loaded.ok());
    REQUIRE(loaded.error() == dir + " is not a regular file");
  }
  SECTION("a FIFO does not block") {
    std::string fifo = tmp.at(".jailed");
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    auto loaded = read_jailed_file(fifo);
    REQUIRE_FALSE(loaded.ok());
    REQUIRE(loaded.error() == fifo + " is not a regular file");
  }
  SECTION("missing") {
    auto loaded = read_jailed_file(tmp.at(".jailed"));
    REQUIRE_FALSE(loaded.ok());
    REQUIRE(loaded.error() == "cannot open " + tmp.at(".jailed") + ": No such file or directory");
  }
}

TEST_CASE("read_user_file treats a missing file as absent", "[config]") {
  TempDir tmp;
  auto missing = read_user_file(tmp.at("config"));
  REQUIRE(missing.ok());
  REQUIRE_FALSE(missing->has_value());
  REQUIRE_FALSE(read_user_file(tmp.at("no-dir/config"))->has_value());

  // Symlinked user files are fine: dotfile managers make them.
  std::string target = tmp.write("dotfiles/config", "[jail]\n");
  REQUIRE(::symlink(target.c_str(), tmp.at("config").c_str()) == 0);
  auto linked = read_user_file(tmp.at("config"));
  REQUIRE(linked.ok());
  REQUIRE(**linked == "[jail]\n");
}

TEST_CASE("locate_jailed_file resolves arguments to a .jailed path", "[config]") {
  TempDir tmp;
  std::string file = tmp.write("app/.jailed", "[jail]\n");
  tmp.mkdir("app/src/deep");
  tmp.mkdir("empty");
  tmp.write("app/notes.txt", "hi\n");

  SECTION("empty: the nearest from the current directory") {
    ChangeDir cd(tmp.at("app/src/deep"));
    REQUIRE(locate_jailed_file("").value() == file);
  }
  SECTION("empty with none found") {
    ChangeDir cd(tmp.at("empty"));
    auto located = locate_jailed_file("");
    // A .jailed above /tmp would be found legitimately; only check the message otherwise.
    if (!located.ok()) {
      REQUIRE(located.error() ==
              "no .jailed in " + tmp.at("empty") + " or any parent directory (create one with 'jailed init')");
    }
  }
  SECTION("a directory") {
    REQUIRE(locate_jailed_file(tmp.at("app")).value() == file);
    REQUIRE(locate_jailed_file(tmp.at("app") + "/").value() == file);
    auto none = locate_jailed_file(tmp.at("empty"));
    REQUIRE_FALSE(none.ok());
    REQUIRE(none.error() == "no .jailed in " + tmp.at("empty") + " (create one with 'jailed init')");
  }
  SECTION("a file") {
    REQUIRE(locate_jailed_file(file).value() == file);
    auto wrong = locate_jailed_file(tmp.at("app/notes.txt"));
    REQUIRE_FALSE(wrong.ok());
    REQUIRE(wrong.error() == tmp.at("app/notes.txt") +
                                 " is not a .jailed file (give a .jailed file or the directory that holds one)");
  }
  SECTION("relative arguments become absolute and normalized") {
    ChangeDir cd(tmp.path());
    REQUIRE(locate_jailed_file("app").value() == file);
    REQUIRE(locate_jailed_file("./app//.jailed").value() == file);
    REQUIRE(locate_jailed_file(".").error() == "no .jailed in " + tmp.path() + " (create one with 'jailed init')");
  }
  SECTION("missing paths") {
    auto missing = locate_jailed_file(tmp.at("nope"));
    REQUIRE_FALSE(missing.ok());
    REQUIRE(missing.error() == "cannot find " + tmp.at("nope") + ": No such file or directory");
  }
}

TEST_CASE("read_jailed_file refuses a path that can display as another", "[config]") {
  TempDir tmp;
  for (const std::string& dir : {std::string("rtl\xe2\x80\xae") + "gpj.exe", std::string("esc\x1b[2K"),
                                 std::string("new\nline"), std::string("zw\xe2\x80\x8bsp")}) {
    std::string path = tmp.write(dir + "/.jailed", "[jail]\n");
    auto read = read_jailed_file(path);
    REQUIRE_FALSE(read.ok());
    CHECK(read.failure().code == ExitCode::not_allowed);
    CHECK_THAT(read.error(), Catch::Contains("its path holds the"));
    CHECK_THAT(read.error(), Catch::Contains("rename the directory"));
    // The message itself is safe to print.
    CHECK(read.error().find('\x1b') == std::string::npos);
    CHECK(read.error().find("\xe2\x80\xae") == std::string::npos);
    CHECK(read.error().find('\n') == std::string::npos);
  }
  // Honest UTF-8 is fine.
  REQUIRE(read_jailed_file(tmp.write("caf\xc3\xa9/.jailed", "[jail]\n")).ok());
}

TEST_CASE("read_jailed_file refuses a real path that can display as another", "[config]") {
  TempDir tmp;
  std::string target = tmp.mkdir("a\xe2\x81\xa6" "b");
  tmp.write("a\xe2\x81\xa6" "b/.jailed", "[jail]\n");
  REQUIRE(::symlink(target.c_str(), tmp.at("plain").c_str()) == 0);
  auto read = read_jailed_file(tmp.at("plain/.jailed"));
  REQUIRE_FALSE(read.ok());
  REQUIRE_THAT(read.error(), Catch::Contains("\\u{2066}"));
}
