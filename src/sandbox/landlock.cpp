// Probes the kernel for Landlock, finds the helper, and renders the rules the helper applies.
#include "sandbox/landlock.hpp"

#include <limits.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "sandbox/landlock_access.hpp"
#include "sandbox/store_view.hpp"
#include "util/files.hpp"
#include "util/paths.hpp"

namespace jailed::sandbox {

int probe_landlock_abi() {
  // The version query takes no attributes; ENOSYS (old kernel) and EOPNOTSUPP (Landlock not in
  // the boot's lsm= list) both mean: fall back to per-path binds.
  long abi = ::syscall(landlock::k_sys_create_ruleset, nullptr, 0, landlock::k_create_ruleset_version);
  return abi > 0 ? static_cast<int>(abi) : 0;
}

std::string find_landlock_helper() {
  char self[PATH_MAX];
  ssize_t n = ::readlink("/proc/self/exe", self, sizeof self - 1);
  if (n <= 0) return "";
  std::string dir = util::parent_dir(std::string(self, static_cast<size_t>(n)));
  for (const auto& candidate : {dir + "/jailed-landlock", dir + "/../libexec/jailed/jailed-landlock"}) {
    auto st = util::stat_path(candidate);
    if (st && S_ISREG(st->st_mode) && ::access(candidate.c_str(), X_OK) == 0) {
      if (auto real = util::real_path(candidate)) return *real;
    }
  }
  return "";
}

std::string landlock_rules(const Policy& policy) {
  std::string out;
  if (policy.store_view != StoreView::landlock) return out;
  auto rule = [&out](char rule_class, const std::string& path) {
    out += rule_class;
    out += '\0';
    out += path;
    out += '\0';
  };
  // The closure: the agent's programs and libraries, to read and run, nothing to change.
  for (const auto& path : policy.store_paths) rule('x', path);
  // Everything else the jail shows keeps the access its mount gives it; what no mount grants
  // (all other store paths, /nix/store itself) is denied.
  for (const auto& mount : policy.mounts) {
    switch (mount.kind) {
      case MountKind::proc:
        rule('d', mount.target);
        break;
      case MountKind::dev:
        rule('d', mount.target);
        rule('w', mount.target + "/shm");  // POSIX shared memory creates files there
        break;
      case MountKind::tmpfs:
      case MountKind::bind:
        rule('w', mount.target);
        break;
      case MountKind::dir:
      case MountKind::ro_data:
      case MountKind::empty_ro:
        rule('r', mount.target);
        break;
      case MountKind::ro_bind:
        // The store bind is what the ruleset confines: a rule on it would grant all of it. The
        // helper needs no rule either: it is running before the ruleset exists.
        if (mount.target == k_store_dir || mount.target == policy.store_helper) break;
        rule(util::is_within(mount.target, "/etc") ? 'r' : 'x', mount.target);
        break;
      case MountKind::symlink:       // Landlock checks where a symlink leads, not the link
      case MountKind::unlisted_dir:  // per-path views only, which use no Landlock
      case MountKind::remount_ro:
        break;
    }
  }
  return out;
}

std::vector<Mount> scope_mounts(const HostFacts& host, Policy& policy) {
  // With network = off the jail has a network namespace of its own, which holds none of the
  // host's abstract sockets: nothing to scope.
  if (!policy.network) return {};
  std::string reachable = "abstract Unix sockets of the host are reachable (network = on and ";
  if (landlock::scopes(host.landlock_abi) == 0) {
    policy.notes.push_back(reachable + "no Landlock scopes on this kernel)");
    return {};
  }
  // The store's helper (landlock view) applies the scopes along with its rules.
  if (!policy.store_helper.empty()) return {};
  if (host.landlock_helper.empty()) {
    policy.notes.push_back(reachable + "the Landlock helper libexec/jailed/jailed-landlock is not installed)");
    return {};
  }
  policy.store_helper = k_landlock_helper_target;
  // Read-only, as in the store view: no agent may change the binary that confines later jails.
  return {{MountKind::ro_bind, host.landlock_helper, k_landlock_helper_target,
           "abstract Unix sockets and signals scoped by Landlock: applies the scopes, then runs the agent"}};
}

}  // namespace jailed::sandbox
