// Unit tests for sandbox/landlock: the rules text of a policy, the ABI-dependent rights, the probes.
#include <catch2/catch.hpp>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>

#include "sandbox/gate.hpp"
#include "sandbox/landlock.hpp"
#include "sandbox/landlock_access.hpp"
#include "sandbox/landlock_calls.hpp"
#include "sandbox/mount_check.hpp"
#include "util/paths.hpp"
#include "fork_child.hpp"
#include "skip.hpp"

using namespace jailed;
using namespace jailed::sandbox;
namespace ll = jailed::sandbox::landlock;

namespace {

std::string rules(const std::vector<std::pair<char, std::string>>& pairs) {
  std::string out;
  for (const auto& [rule_class, path] : pairs) {
    out += rule_class;
    out += '\0';
    out += path;
    out += '\0';
  }
  return out;
}

}  // namespace

TEST_CASE("landlock rules: each mount of the jail with the access it grants, not the closure", "[sandbox]") {
  Policy policy;
  policy.store_view = StoreView::landlock;
  policy.landlock_helper = "/usr/libexec/jailed/jailed-landlock";
  policy.store_paths = {"/nix/store/aaa-agent", "/nix/store/bbb-bash"};  // added on the host
  policy.mounts = {
      {MountKind::proc, "", "/proc", ""},
      {MountKind::dev, "", "/dev", ""},
      {MountKind::tmpfs, "", "/tmp", ""},
      {MountKind::tmpfs, "", "/home/u", ""},
      {MountKind::ro_bind, "/nix/store", "/nix/store", ""},
      {MountKind::symlink, "/nix/store/bbb-bash/bin/sh", "/bin/sh", ""},
      {MountKind::symlink, "usr/bin", "/bin", ""},
      {MountKind::ro_data, "root:x:0:0::/:/bin/sh\n", "/etc/passwd", ""},
      {MountKind::copy, "/etc/localtime", "/etc/localtime", ""},
      {MountKind::ro_bind, "/etc/resolv.conf", "/etc/resolv.conf", ""},
      {MountKind::bind, "/home/u/app", "/home/u/app", ""},
      {MountKind::bind, "/home/u/.claude.json", "/home/u/.claude.json", ""},
      {MountKind::empty_ro, "", "/home/u/app/.git", ""},
      {MountKind::ro_bind, "/home/u/app/.jailed", "/home/u/app/.jailed", ""},
      {MountKind::remount_ro, "", "/", ""},
  };
  REQUIRE(landlock_rules(policy) == rules({
                                        {'d', "/proc"},
                                        {'d', "/dev"},
                                        {'w', "/dev/shm"},
                                        {'w', "/tmp"},
                                        {'w', "/home/u"},
                                        {'r', "/etc/passwd"},
                                        {'r', "/etc/localtime"},
                                        {'r', "/etc/resolv.conf"},
                                        {'w', "/home/u/app"},
                                        {'w', "/home/u/.claude.json"},
                                        {'r', "/home/u/app/.git"},
                                        {'x', "/home/u/app/.jailed"},
                                    }));
}

TEST_CASE("landlock rules: outside the landlock view, file reads and writes for every mount", "[sandbox]") {
  Policy policy;
  policy.store_view = StoreView::full;
  policy.landlock_helper = "/usr/libexec/jailed/jailed-landlock";
  policy.mounts = {{MountKind::proc, "", "/proc", ""},
                   {MountKind::ro_bind, "/nix/store", "/nix/store", ""},
                   {MountKind::ro_bind, "/usr", "/usr", ""},
                   {MountKind::bind, "/home/u/app", "/home/u/app", ""}};
  // The whole store is shown, so it gets a rule: only file reads and writes are handled.
  REQUIRE(landlock_rules(policy) == rules({{'W', "/proc"}, {'R', "/nix/store"}, {'R', "/usr"}, {'W', "/home/u/app"}}));
  policy.landlock_helper.clear();
  REQUIRE(landlock_rules(policy).empty());  // no helper, no rules
  REQUIRE(ll::class_access('R', 3) == ll::k_read_file);
  REQUIRE(ll::class_access('W', 3) == (ll::k_read_file | ll::k_write_file | ll::k_truncate));
  REQUIRE(ll::class_access('W', 2) == (ll::k_read_file | ll::k_write_file));  // no truncate right before ABI 3
  REQUIRE(ll::handled_file_io(6) == (ll::k_read_file | ll::k_write_file | ll::k_truncate));
  REQUIRE(ll::handled_file_io(0) == 0);
}


TEST_CASE("landlock scopes: abstract Unix sockets and signals from ABI 6", "[sandbox]") {
  REQUIRE(ll::scopes(0) == 0);
  REQUIRE(ll::scopes(5) == 0);
  REQUIRE(ll::scopes(6) == 0x3);
  REQUIRE(ll::scopes(7) == (ll::k_scope_abstract_unix_socket | ll::k_scope_signal));
}

TEST_CASE("landlock rights: handled by ABI, never IOCTL_DEV or network", "[sandbox]") {
  REQUIRE(ll::handled_access(0) == 0);
  REQUIRE(ll::handled_access(1) == 0x1fff);  // EXECUTE .. MAKE_SYM
  REQUIRE(ll::handled_access(2) == 0x3fff);  // + REFER
  REQUIRE(ll::handled_access(3) == 0x7fff);  // + TRUNCATE
  REQUIRE(ll::handled_access(5) == 0x7fff);  // not IOCTL_DEV (1 << 15)
  REQUIRE(ll::handled_access(7) == 0x7fff);

  uint64_t read = ll::k_read_file | ll::k_read_dir;
  REQUIRE(ll::class_access('r', 1) == read);
  REQUIRE(ll::class_access('x', 7) == (read | ll::k_execute));
  REQUIRE(ll::class_access('d', 2) == (read | ll::k_write_file));
  REQUIRE(ll::class_access('d', 3) == (read | ll::k_write_file | ll::k_truncate));
  REQUIRE(ll::class_access('w', 1) == 0x1fff);
  REQUIRE(ll::class_access('w', 2) == 0x3fff);
  REQUIRE(ll::class_access('w', 7) == 0x7fff);
  REQUIRE(ll::class_access('q', 7) == 0);
  // Nothing the read-only classes allow may create, remove or rename.
  for (char c : {'r', 'x', 'd'}) REQUIRE((ll::class_access(c, 7) & ~ll::k_file_access & ~ll::k_read_dir) == 0);
  REQUIRE(ll::k_file_access == (ll::k_execute | ll::k_write_file | ll::k_read_file | ll::k_truncate));
}

TEST_CASE("landlock probes: the kernel's ABI and the helper next to the binary", "[sandbox]") {
  int abi = probe_landlock_abi();
  REQUIRE(abi >= 0);
  if (abi == 0) WARN("this kernel has no Landlock: jails fall back to per-path binds");
  // The unit tests run from the build directory, where make builds jailed-landlock too.
  char self[4096];
  ssize_t n = ::readlink("/proc/self/exe", self, sizeof self - 1);
  REQUIRE(n > 0);
  std::string beside = util::parent_dir(std::string(self, static_cast<size_t>(n))) + "/jailed-landlock";
  if (::access(beside.c_str(), X_OK) == 0) {
    REQUIRE(find_landlock_helper() == beside);
  } else {
    REQUIRE(find_landlock_helper().empty());
  }
}

namespace {

// How the test plays jailed's part of the hand-over.
struct HandOver {
  std::string bytes;        // what jailed sends; sent with a ruleset when `with_ruleset`
  bool with_ruleset = true;
};

// Runs jailed-landlock on one end of a socket after sending `hand_over` to the other, as the
// planner of a gated launch does; returns its exit status and output.
std::pair<int, std::string> run_helper(const HandOver& hand_over) {
  int abi = probe_landlock_abi();
  int ruleset = hand_over.with_ruleset ? ll::create_ruleset(ll::handled_access(abi), 0) : -1;
  if (hand_over.with_ruleset) REQUIRE(ruleset >= 0);
  int ends[2], out[2];
  REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ends) == 0);
  REQUIRE(::pipe(out) == 0);
  if (!hand_over.bytes.empty() || hand_over.with_ruleset) {
    REQUIRE(send_hand_over(ends[1], hand_over.bytes, ruleset).ok());
  } else {
    ::close(ends[1]);  // jailed died before a word
  }
  if (ruleset >= 0) ::close(ruleset);
  std::string helper = find_landlock_helper();
  pid_t pid = jailed::testing::fork_child();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::dup2(out[1], 1);
    ::dup2(out[1], 2);
    ::fcntl(ends[0], F_SETFD, 0);
    std::string gate = std::to_string(ends[0]);
    ::execl(helper.c_str(), helper.c_str(), gate.c_str(), nullptr);
    ::_exit(99);
  }
  ::close(ends[0]);
  ::close(out[1]);
  std::string output;
  char buf[1024];
  for (ssize_t n; (n = ::read(out[0], buf, sizeof buf)) > 0;) output.append(buf, static_cast<size_t>(n));
  ::close(out[0]);
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

const std::vector<std::string> k_agent = {"/bin/sh", "-c", "echo RAN; echo \"FDS[$(cd /proc/self/fd && echo *)]\""};

}  // namespace

TEST_CASE("landlock helper: the agent starts only on jailed's complete hand-over", "[sandbox]") {
  if (probe_landlock_abi() < 1 || find_landlock_helper().empty()) {
    JAILED_SKIP("the Landlock helper needs Landlock and a built jailed-landlock");
  }
  std::string run = run_message(rules({{'x', "/"}}), k_agent);
  SECTION("control: handed over, the agent runs with stdin, stdout and stderr only") {
    auto [status, output] = run_helper({run});
    INFO(output);
    REQUIRE(status == 0);
    REQUIRE(output.find("RAN") != std::string::npos);
    // The shell's own listing descriptor shows as 3 for the moment it reads the directory.
    REQUIRE(output.find("FDS[0 1 2 3]") != std::string::npos);
  }
  SECTION("jailed died first: exit 126, the agent never ran") {
    auto [status, output] = run_helper({"", false});
    REQUIRE(status == 126);
    REQUIRE(output.find("jailed stopped before handing the launch over") != std::string::npos);
    REQUIRE(output.find("RAN") == std::string::npos);
  }
  SECTION("a hand-over cut short (jailed died while sending), even at the end of a word") {
    size_t last_word = run.rfind('\0', run.size() - 2) + 1;  // the command without its last word
    for (size_t cut : {last_word, run.size() - 1, run.size() / 2, size_t{5}}) {
      auto [status, output] = run_helper({run.substr(0, cut)});
      INFO(cut << ": " << output);
      REQUIRE(status == 126);
      REQUIRE(output.find("RAN") == std::string::npos);
    }
  }
  SECTION("jailed failed and said why: its status, silently, and the agent never ran") {
    auto [status, output] = run_helper({std::string("jailed-gate-1\0exit\0" "3\0", 21), false});
    REQUIRE(status == 3);
    REQUIRE(output.empty());
  }
  SECTION("rules without a ruleset, or a relative program, are refused") {
    auto [status, output] = run_helper({run, false});
    REQUIRE(status == 126);
    REQUIRE(output.find("rules but no ruleset") != std::string::npos);
    auto relative = run_helper({run_message(rules({{'x', "/"}}), {"sh", "-c", "echo RAN"})});
    REQUIRE(relative.first == 126);
    REQUIRE(relative.second.find("RAN") == std::string::npos);
  }
  SECTION("no ruleset, no rules: nothing to confine, the agent runs") {
    auto [status, output] = run_helper({run_message("", k_agent), false});
    REQUIRE(status == 0);
    REQUIRE(output.find("RAN") != std::string::npos);
  }
}

TEST_CASE("landlock helper: it runs the agent only where the mounts show what jailed checked", "[sandbox]") {
  if (find_landlock_helper().empty()) JAILED_SKIP("the helper test needs a built jailed-landlock");
  char dir[] = "/tmp/jailed-check-XXXXXX";
  REQUIRE(::mkdtemp(dir) != nullptr);
  std::string top = dir;
  REQUIRE(::mkdir((top + "/real").c_str(), 0755) == 0);
  REQUIRE(::symlink("real", (top + "/link").c_str()) == 0);
  struct stat st {};
  REQUIRE(::stat((top + "/real").c_str(), &st) == 0);
  auto dev = static_cast<uint64_t>(st.st_dev), ino = static_cast<uint64_t>(st.st_ino);
  auto run_with = [&](std::vector<MountCheck> checks) {
    return run_helper({run_message("", k_agent, RunExtras{0, 0, std::move(checks), {}}), false});
  };
  SECTION("control: the file jailed checked, reached without a symlink: the agent runs") {
    auto [status, output] = run_with({{k_check_writable, top + "/real", dev, ino}});
    INFO(output);
    REQUIRE(status == 0);
    REQUIRE(output.find("RAN") != std::string::npos);
  }
  SECTION("another file at the target (swapped meanwhile): 126, nothing runs") {
    auto [status, output] = run_with({{k_check_writable, top + "/real", dev, ino + 1}});
    REQUIRE(status == 126);
    REQUIRE(output.find("was it replaced meanwhile?") != std::string::npos);
    REQUIRE(output.find("RAN") == std::string::npos);
  }
  SECTION("the target reached through a symlink, even to the right file: refused") {
    auto [status, output] = run_with({{k_check_writable, top + "/link", dev, ino}});
    REQUIRE(status == 126);
    REQUIRE(output.find("RAN") == std::string::npos);
  }
  SECTION("a read-only bind that is writable, or a placeholder that is no read-only tmpfs: refused") {
    REQUIRE(run_with({{k_check_read_only, top + "/real", dev, ino}}).first == 126);
    REQUIRE(run_with({{k_check_empty, top + "/real", 0, 0}}).first == 126);
  }
  ::unlink((top + "/link").c_str());
  ::rmdir((top + "/real").c_str());
  ::rmdir(dir);
}

TEST_CASE("mount_checks: each mount agents could redirect, the last at each target", "[sandbox]") {
  char dir[] = "/tmp/jailed-checks-XXXXXX";
  REQUIRE(::mkdtemp(dir) != nullptr);
  std::string top = dir;
  REQUIRE(::mkdir((top + "/.git").c_str(), 0755) == 0);
  Policy policy;
  policy.mounts = {{MountKind::ro_bind, "/usr", "/usr", ""},
                   {MountKind::bind, top, top, ""},
                   {MountKind::ro_bind, top + "/.git", top + "/.git", ""},
                   {MountKind::empty_ro, "", top + "/sub/.git", ""}};
  auto checks = mount_checks(policy);
  REQUIRE(checks.ok());
  REQUIRE(checks->size() == 3);  // not /usr: no agent writes there
  REQUIRE(checks->at(0).kind == k_check_writable);
  REQUIRE(checks->at(0).target == top);
  REQUIRE(checks->at(1).kind == k_check_read_only);
  REQUIRE(checks->at(2).kind == k_check_empty);
  // The mount table: the root, each mount once, the host's mounts beneath a bind's source.
  REQUIRE(mount_table(policy, "1 2 0:1 / " + top + "/sub\\040x rw - x x rw\n3 4 0:2 / /proc rw - proc proc rw\n") ==
          std::vector<std::pair<std::string, int>>{{"/", 1}, {top, 1}, {top + "/.git", 1}, {top + "/sub/.git", 1},
                                                   {top + "/sub\\040x", 1}, {"/usr", 1}});
  // A read-write grant of / pins nothing it shows (system files such as /etc/resolv.conf are often links).
  Policy everything;
  everything.mounts = {{MountKind::bind, "/", "/", ""}, {MountKind::ro_bind, "/usr", "/usr", ""}};
  REQUIRE(redirectable_mounts(everything).empty());
  // A protected path that became a symlink since it was probed fails the launch.
  REQUIRE(::rmdir((top + "/.git").c_str()) == 0);
  REQUIRE(::symlink("/", (top + "/.git").c_str()) == 0);
  auto swapped = mount_checks(policy);
  REQUIRE_FALSE(swapped.ok());
  REQUIRE(swapped.error().find("became a symlink while the jail was being made") != std::string::npos);
  ::unlink((top + "/.git").c_str());
  ::rmdir(dir);
}
