// Unit tests for sandbox/landlock: the rules text of a policy, the ABI-dependent rights, the probes.
#include <catch2/catch.hpp>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>

#include "sandbox/landlock.hpp"
#include "sandbox/landlock_access.hpp"
#include "sandbox/landlock_calls.hpp"
#include "util/paths.hpp"

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

TEST_CASE("landlock rules: none outside the landlock view (the helper applies scopes only)", "[sandbox]") {
  Policy policy;
  policy.store_view = StoreView::full;
  policy.landlock_helper = "/usr/libexec/jailed/jailed-landlock";
  policy.mounts = {{MountKind::proc, "", "/proc", ""}, {MountKind::bind, "/home/u/app", "/home/u/app", ""}};
  REQUIRE(landlock_rules(policy).empty());
  policy.store_view = StoreView::none;
  REQUIRE(landlock_rules(policy).empty());
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

// Runs jailed-landlock with a fresh ruleset, RULES as its rules and READY as what jailed's child
// reported (nullptr: nothing to wait for), in front of `echo RAN`; returns its exit status and output.
std::pair<int, std::string> run_helper(const std::string& rules_text, const char* ready) {
  int abi = probe_landlock_abi();
  int ruleset = ll::create_ruleset(ll::handled_access(abi), 0);
  REQUIRE(ruleset >= 0);
  REQUIRE(::fcntl(ruleset, F_SETFD, 0) == 0);  // made close-on-exec, as every ruleset is
  int rules[2], report[2], out[2];
  REQUIRE((::pipe(rules) == 0 && ::pipe(report) == 0 && ::pipe(out) == 0));
  REQUIRE(::write(rules[1], rules_text.data(), rules_text.size()) == static_cast<ssize_t>(rules_text.size()));
  ::close(rules[1]);
  if (ready) REQUIRE(::write(report[1], ready, std::strlen(ready)) == static_cast<ssize_t>(std::strlen(ready)));
  ::close(report[1]);
  std::string helper = find_landlock_helper();
  pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::dup2(out[1], 1);
    ::dup2(out[1], 2);
    std::string ruleset_arg = std::to_string(ruleset), ready_arg = std::to_string(report[0]);
    std::string rules_arg = std::to_string(rules[0]);
    ::execl(helper.c_str(), helper.c_str(), ruleset_arg.c_str(), ready_arg.c_str(), rules_arg.c_str(), "--", "/bin/sh",
            "-c", "echo RAN; echo \"FDS[$(cd /proc/self/fd && echo *)]\"", nullptr);
    ::_exit(99);
  }
  for (int fd : {ruleset, rules[0], report[0], out[1]}) ::close(fd);
  std::string output;
  char buf[1024];
  for (ssize_t n; (n = ::read(out[0], buf, sizeof buf)) > 0;) output.append(buf, static_cast<size_t>(n));
  ::close(out[0]);
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

}  // namespace

TEST_CASE("landlock helper: the agent starts only once the store's rules are complete", "[sandbox]") {
  if (probe_landlock_abi() < 1 || find_landlock_helper().empty()) {
    WARN("SKIP: the Landlock helper needs Landlock and a built jailed-landlock");
    return;
  }
  std::string all = rules({{'x', "/"}});
  SECTION("jailed's child reported failure: exit 126 with its words, the agent never ran") {
    auto [status, output] = run_helper(all, "/nix/store/aaa-x: Permission denied");
    REQUIRE(status == 126);
    REQUIRE(output.find("the store's rules are incomplete: /nix/store/aaa-x: Permission denied") != std::string::npos);
    REQUIRE(output.find("RAN") == std::string::npos);
  }
  SECTION("the child died without a word") {
    auto [status, output] = run_helper(all, "");
    REQUIRE(status == 126);
    REQUIRE(output.find("jailed stopped before adding them") != std::string::npos);
    REQUIRE(output.find("RAN") == std::string::npos);
  }
  SECTION("control: reported complete, the agent runs with stdin, stdout and stderr only") {
    auto [status, output] = run_helper(all, "1");
    INFO(output);
    REQUIRE(status == 0);
    REQUIRE(output.find("RAN") != std::string::npos);
    // The shell's own listing descriptor shows as 3 for the moment it reads the directory.
    REQUIRE(output.find("FDS[0 1 2 3]") != std::string::npos);
  }
}
