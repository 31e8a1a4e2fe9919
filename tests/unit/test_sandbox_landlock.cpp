// Unit tests for sandbox/landlock: the rules text of a policy, the ABI-dependent rights, the probes.
#include <catch2/catch.hpp>
#include <unistd.h>

#include "sandbox/landlock.hpp"
#include "sandbox/landlock_access.hpp"
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

TEST_CASE("landlock rules: the closure, then each mount with the access it grants", "[sandbox]") {
  Policy policy;
  policy.store_view = StoreView::landlock;
  policy.store_helper = k_landlock_helper_target;
  policy.store_paths = {"/nix/store/aaa-agent", "/nix/store/bbb-bash"};
  policy.mounts = {
      {MountKind::proc, "", "/proc", ""},
      {MountKind::dev, "", "/dev", ""},
      {MountKind::tmpfs, "", "/tmp", ""},
      {MountKind::tmpfs, "", "/home/u", ""},
      {MountKind::ro_bind, "/nix/store", "/nix/store", ""},
      {MountKind::ro_bind, "/usr/libexec/jailed/jailed-landlock", k_landlock_helper_target, ""},
      {MountKind::ro_bind, "/nix/store/bbb-bash/bin/sh", "/bin/sh", ""},
      {MountKind::symlink, "usr/bin", "/bin", ""},
      {MountKind::ro_data, "root:x:0:0::/:/bin/sh\n", "/etc/passwd", ""},
      {MountKind::ro_bind, "/etc/resolv.conf", "/etc/resolv.conf", ""},
      {MountKind::bind, "/home/u/app", "/home/u/app", ""},
      {MountKind::bind, "/home/u/.claude.json", "/home/u/.claude.json", ""},
      {MountKind::empty_ro, "", "/home/u/app/.git", ""},
      {MountKind::ro_bind, "/home/u/app/.jailed", "/home/u/app/.jailed", ""},
  };
  REQUIRE(landlock_rules(policy) == rules({
                                        {'x', "/nix/store/aaa-agent"},
                                        {'x', "/nix/store/bbb-bash"},
                                        {'d', "/proc"},
                                        {'d', "/dev"},
                                        {'w', "/dev/shm"},
                                        {'w', "/tmp"},
                                        {'w', "/home/u"},
                                        {'x', "/bin/sh"},
                                        {'r', "/etc/passwd"},
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
  policy.store_helper = k_landlock_helper_target;
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
