// Renders a policy as bubblewrap options, in the order bwrap must apply them.
#include "sandbox/bwrap_args.hpp"

namespace jailed::sandbox {
namespace {

void add(std::vector<std::string>& out, std::initializer_list<std::string> args) { out.insert(out.end(), args); }

void add_mount(std::vector<std::string>& out, const Mount& mount, const FdPlan& fds, size_t& file_index, size_t index) {
  // A source opened once: bwrap binds that very file, not whatever the path names by then.
  if (auto pinned = fds.bind_fds.find(index); pinned != fds.bind_fds.end()) {
    bool read_only = mount.kind == MountKind::ro_bind;
    add(out, {read_only ? "--ro-bind-fd" : "--bind-fd", std::to_string(pinned->second), mount.target});
    return;
  }
  switch (mount.kind) {
    case MountKind::proc:
      add(out, {"--proc", mount.target});
      break;
    case MountKind::dev:
      add(out, {"--dev", mount.target});
      break;
    case MountKind::tmpfs:
      // The source, when set, bounds it: a tmpfs takes the host's memory.
      if (!mount.source.empty()) add(out, {"--size", mount.source});
      add(out, {"--tmpfs", mount.target});
      break;
    case MountKind::dir:
      add(out, {"--dir", mount.target});
      break;
    case MountKind::ro_bind:
      add(out, {"--ro-bind", mount.source, mount.target});
      break;
    case MountKind::bind:
      add(out, {"--bind", mount.source, mount.target});
      break;
    case MountKind::symlink:
      add(out, {"--symlink", mount.source, mount.target});
      break;
    case MountKind::empty_ro:
      // bwrap creates the mount point (an empty directory) on the host; the remount makes it
      // read-only inside, so nothing can be created beneath it.
      add(out, {"--tmpfs", mount.target, "--remount-ro", mount.target});
      break;
    case MountKind::unlisted_dir:
      // Search (x) without read: paths beneath open by name, but the directory cannot be listed.
      add(out, {"--perms", "0111", "--tmpfs", mount.target});
      break;
    case MountKind::remount_ro:
      add(out, {"--remount-ro", mount.target});
      break;
    case MountKind::ro_data:
    case MountKind::copy:
      // A file written into the jail's root from a descriptor: no mount (bwrap re-reads the
      // mount table after each), nothing on the host's disk. World-readable like the real
      // /etc/passwd; read-only once the root is sealed.
      add(out, {"--perms", "0644", "--file", std::to_string(fds.files.at(file_index++)), mount.target});
      break;
  }
}

}  // namespace

std::vector<std::string> bwrap_options(const Policy& policy, const FdPlan& fds) {
  std::vector<std::string> out;
  // Everything in the jail is killed when bwrap or its parent dies: with the PID namespace,
  // nothing the agent starts (nohup, setsid, double forks) outlives the session.
  add(out, {"--die-with-parent"});
  // Own user, IPC, PID, UTS and cgroup namespaces: host processes, SysV IPC and the host
  // name are out of reach. The cgroup one only where the kernel has it.
  // No nested user namespace (which would grant the capabilities to unmount the read-only
  // protections): the seccomp filter refuses creating one (seccomp_build.cpp), so bwrap's
  // --disable-userns, a second namespace level that costs a quarter of a millisecond per launch,
  // is not used.
  add(out, {"--unshare-user", "--unshare-ipc", "--unshare-pid", "--unshare-uts", "--unshare-cgroup-try"});
  // No network: an empty network namespace (only a loopback of its own).
  if (!policy.network) add(out, {"--unshare-net"});
  add(out, {"--hostname", "jailed"});
  // Matters when the caller is root: otherwise the agent keeps every capability in its namespace.
  add(out, {"--cap-drop", "ALL"});
  // Nothing of the caller's environment (API keys, tokens) reaches the agent unless the policy lists it.
  add(out, {"--clearenv"});
  for (const auto& [name, value] : policy.env) add(out, {"--setenv", name, value});
  size_t file_index = 0;
  for (size_t i = 0; i < policy.mounts.size(); ++i) add_mount(out, policy.mounts[i], fds, file_index, i);
  add(out, {"--chdir", policy.chdir});
  // No --new-session: TUIs need the controlling terminal. The seccomp filter denies TIOCSTI
  // and TIOCLINUX instead, so the agent cannot type into the user's shell through it.
  add(out, {"--seccomp", std::to_string(fds.seccomp)});
  return out;
}

std::vector<std::string> bwrap_argv(const std::string& bwrap, int args_fd, const Policy& policy) {
  // Every option travels through --args: forwarded secrets in --setenv stay out of the
  // host's process list, and long mount lists out of the argv size limit.
  std::vector<std::string> argv{bwrap, "--args", std::to_string(args_fd), "--"};
  argv.insert(argv.end(), policy.command.begin(), policy.command.end());
  return argv;
}

std::vector<std::string> gated_argv(const std::string& bwrap, int args_fd, int helper_fd, int gate_fd) {
  // The agent's argv travels through the gate too: only the helper's descriptors are on
  // the host's process list.
  return {bwrap, "--args", std::to_string(args_fd), "--", "/proc/self/fd/" + std::to_string(helper_fd),
          std::to_string(gate_fd)};
}

}  // namespace jailed::sandbox
