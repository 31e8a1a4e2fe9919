// Probes the kernel for Landlock, finds the helper, decides when it runs, renders its rules.
#include "sandbox/landlock.hpp"

#include <unistd.h>

#include <cstdlib>

#include "sandbox/landlock_calls.hpp"
#include "sandbox/store_view.hpp"
#include "util/files.hpp"
#include "util/paths.hpp"
#include "util/strings.hpp"

namespace jailed::sandbox {

int probe_landlock_abi() {
  // The version query takes no attributes; ENOSYS (old kernel) and EOPNOTSUPP (Landlock not in
  // the boot's lsm= list) both mean: fall back to per-path binds.
  long abi = landlock::abi_version();
  return abi > 0 ? static_cast<int>(abi) : 0;
}

std::string find_landlock_helper() {
  auto self = util::read_link("/proc/self/exe");
  if (!self || self->empty()) return "";
  std::string dir = util::parent_dir(*self);
  for (const auto& candidate : {dir + "/jailed-landlock", dir + "/../libexec/jailed/jailed-landlock"}) {
    auto st = util::stat_path(candidate);
    if (st && S_ISREG(st->st_mode) && ::access(candidate.c_str(), X_OK) == 0) {
      if (auto real = util::real_path(candidate)) return *real;
    }
  }
  return "";
}

std::string landlock_turned_off(const std::map<std::string, std::string>& env) {
  auto off = env.find("JAILED_NO_LANDLOCK");
  return off != env.end() && !off->second.empty() && off->second != "0" ? off->second : "";
}

std::string find_gate_helper() {
  const char* off = std::getenv("JAILED_NO_LANDLOCK");
  if (off && !landlock_turned_off({{"JAILED_NO_LANDLOCK", off}}).empty()) return "";
  return find_landlock_helper();
}

std::string landlock_rules(const Policy& policy) {
  std::string out;
  if (policy.landlock_helper.empty()) return out;
  // Outside the Landlock store view the ruleset handles reading and writing files only
  // (handled_file_io): the classes narrow to those rights.
  bool files_only = policy.store_view != StoreView::landlock;
  auto rule = [&out, files_only](char rule_class, const std::string& path) {
    out += files_only ? (rule_class == 'r' || rule_class == 'x' ? 'R' : 'W') : rule_class;
    out += '\0';
    out += path;
    out += '\0';
  };
  // Everything the jail shows keeps the access its mount gives it; what no mount grants (all
  // other store paths, /nix/store itself, the jail's root) is denied. The closure's rules are
  // added on the host (closure_rules.hpp).
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
      case MountKind::copy:
      case MountKind::empty_ro:
        rule('r', mount.target);
        break;
      case MountKind::ro_bind:
        // The store bind is what the Landlock view confines: a rule on it would grant all of it.
        if (mount.target == k_store_dir && !files_only) break;
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

void plan_scopes(const HostFacts& host, Policy& policy) {
  // Whatever the network, the jail shares the caller's process group (a session of its own would
  // lose the terminal's job control), and kill(0) or kill(-pgid) reaches every process in it,
  // across the PID namespace: the shell's pipeline, jailed itself. Only the signal scope stops it.
  std::string signals = "signal your shell's process group with kill 0";
  std::string why;
  if (std::string off = landlock_turned_off(host.env); !off.empty()) {
    why = "Landlock is turned off: JAILED_NO_LANDLOCK=" + off;
  } else if (landlock::scopes(host.landlock_abi) == 0 && landlock::handled_net(host.landlock_abi, policy.network) == 0) {
    why = policy.network ? "no Landlock network rules or scopes on this kernel" : "no Landlock scopes on this kernel";
  } else if (host.landlock_helper.empty()) {
    why = "the Landlock helper libexec/jailed/jailed-landlock is not installed";
  }
  if (!why.empty()) {
    // With network = off the jail has a network namespace of its own, which holds none of the
    // host's abstract sockets and whose ports no host program connects to.
    policy.notes.push_back(policy.network ? "abstract Unix sockets of the host are reachable, and the agent may listen "
                                            "on any TCP port and " + signals + " (network = on and " + why + ")"
                                          : "the agent can " + signals + " (" + why + ")");
    return;
  }
  if (landlock::scopes(host.landlock_abi) == 0) {
    policy.notes.push_back("abstract Unix sockets of the host are reachable, and the agent can " + signals +
                           " (network = on and no Landlock scopes on this kernel)");
  }
  // One helper does it all: in the landlock store view it runs already, and every ruleset it
  // applies carries the scopes.
  policy.landlock_helper = host.landlock_helper;
  policy.landlock_abi = host.landlock_abi;
}

std::string describe_helper(const Policy& policy) {
  if (policy.landlock_helper.empty()) return "";
  std::vector<std::string> does;
  if (policy.store_view == StoreView::landlock) {
    does.push_back("confines the store to the closure");
  } else if (landlock::handled_file_io(policy.landlock_abi) != 0) {
    does.push_back("confines reading and writing files to the jail's mounts");
  }
  if (landlock::scopes(policy.landlock_abi) != 0) does.push_back("scopes abstract Unix sockets and signals");
  if (landlock::handled_net(policy.landlock_abi, policy.network) != 0) {
    std::vector<std::string> ports;
    for (uint16_t port : policy.limits.bind_ports) ports.push_back(std::to_string(port));
    does.push_back(ports.empty() ? "refuses listening on TCP ports"
                                 : "refuses listening on TCP ports but " + util::join(ports, ", "));
  }
  return policy.landlock_helper + " (run from a descriptor) " + util::join(does, " and ") + ", then runs the agent";
}

}  // namespace jailed::sandbox
