// Finds bwrap, checks the kernel lets it work, and replaces jailed with it.
#include "sandbox/launcher.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <linux/close_range.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>

#include "sandbox/bwrap_args.hpp"
#include "sandbox/gate.hpp"
#include "sandbox/mount_check.hpp"
#include "sandbox/seccomp.hpp"
#include "sandbox/store_view.hpp"
#include "util/files.hpp"
#include "util/process.hpp"
#include "util/strings.hpp"

namespace jailed::sandbox {
namespace {

std::string errno_text() { return std::strerror(errno); }

// Returns the first line of a /proc/sys file, or "" if it does not exist.
std::string sysctl(const std::string& path) {
  auto text = util::read_file(path, 4096);
  if (!text) return "";
  return std::string(util::trim(util::split(*text, '\n').front()));
}

// The descriptors handed to bwrap; closed again if jailed is still running (exec failed).
class Descriptors {
 public:
  Descriptors() = default;
  Descriptors(const Descriptors&) = delete;
  Descriptors& operator=(const Descriptors&) = delete;
  ~Descriptors() {
    for (int fd : m_fds) ::close(fd);
  }
  int keep(int fd) {
    m_fds.push_back(fd);
    return fd;
  }
  const std::vector<int>& all() const { return m_fds; }

 private:
  std::vector<int> m_fds;
};

}  // namespace

Status close_inherited_on_exec() {
  if (::close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) == 0) return success();
  DIR* dir = ::opendir("/proc/self/fd");
  if (!dir) return fail("cannot list open descriptors: " + errno_text());
  int own = ::dirfd(dir);
  while (dirent* entry = ::readdir(dir)) {
    // "." and ".." parse as no descriptor (-1); names here are only ever small numbers.
    char* end = nullptr;
    long parsed = std::strtol(entry->d_name, &end, 10);
    int fd = (end != entry->d_name && *end == '\0' && parsed >= 0 && parsed <= INT_MAX) ? static_cast<int>(parsed) : -1;
    if (fd > 2 && fd != own && ::fcntl(fd, F_SETFD, FD_CLOEXEC) != 0) {
      ::closedir(dir);
      return fail("cannot mark descriptor " + std::to_string(fd) + " close-on-exec: " + errno_text());
    }
  }
  ::closedir(dir);
  return success();
}

Status turn_core_dumps_off() {
  struct rlimit none {0, 0};
  if (::setrlimit(RLIMIT_CORE, &none) != 0) return fail("cannot turn core dumps off: " + errno_text());
  return success();
}

Status check_standard_descriptors() {
  static const char* const k_names[] = {"standard input", "standard output", "standard error"};
  for (int fd = 0; fd <= 2; ++fd) {
    int flags = ::fcntl(fd, F_GETFL);
    struct stat st {};
    if (flags < 0 || ::fstat(fd, &st) != 0) continue;  // closed: main() opened /dev/null on it
    std::string what = std::string(k_names[fd]) + " (descriptor " + std::to_string(fd) + ")";
    if (flags & O_PATH) {
      return fail("refusing to start: " + what + " is an O_PATH descriptor, which would let the agent open the host file "
                  "it names; redirect it from a file, a pipe or /dev/null",
                  ExitCode::usage);
    }
    if (S_ISDIR(st.st_mode)) {
      return fail("refusing to start: " + what + " is a directory (as in 'jailed run AGENT < DIR'), which would let the "
                  "agent open every file beneath it; redirect it from a file, a pipe or /dev/null",
                  ExitCode::usage);
    }
  }
  return success();
}

Result<std::string> find_bwrap() {
  if (const char* forced = std::getenv("JAILED_BWRAP"); forced && *forced) {
    if (forced[0] != '/' || ::access(forced, X_OK) != 0) {
      return fail(std::string("JAILED_BWRAP=") + forced + " is not an executable absolute path; fix or unset it",
                  ExitCode::no_sandbox);
    }
    return std::string(forced);
  }
  if (auto found = util::find_in_path("bwrap")) return *found;
  return fail("bwrap (bubblewrap) is not installed: install it (sudo apt install bubblewrap) and try again",
              ExitCode::no_sandbox);
}

Status check_user_namespaces(const std::string& bwrap) {
  // Root, or a setuid bwrap, creates namespaces with privilege: the sysctls below do not apply.
  if (::getuid() == 0) return success();
  if (auto st = util::stat_path(bwrap); st && (st->st_mode & S_ISUID)) return success();
  if (sysctl("/proc/sys/kernel/unprivileged_userns_clone") == "0") {
    return fail("unprivileged user namespaces are disabled (kernel.unprivileged_userns_clone = 0), and bwrap needs "
                "them: enable them with 'sudo sysctl -w kernel.unprivileged_userns_clone=1' (persist it in "
                "/etc/sysctl.d/)",
                ExitCode::no_sandbox);
  }
  if (sysctl("/proc/sys/user/max_user_namespaces") == "0") {
    return fail("user namespaces are disabled (user.max_user_namespaces = 0), and bwrap needs them: enable them "
                "with 'sudo sysctl -w user.max_user_namespaces=15000' (persist it in /etc/sysctl.d/)",
                ExitCode::no_sandbox);
  }
  if (sysctl("/proc/sys/kernel/apparmor_restrict_unprivileged_userns") == "1" &&
      !util::stat_path("/etc/apparmor.d/bwrap-userns-restrict") && !util::stat_path("/etc/apparmor.d/bwrap")) {
    return fail("AppArmor restricts unprivileged user namespaces here (Ubuntu 23.10 and later), so bwrap cannot "
                "start: install the bwrap-userns-restrict profile from the apparmor package's extra profiles "
                "into /etc/apparmor.d/ and load it (sudo apparmor_parser -r /etc/apparmor.d/bwrap-userns-restrict)",
                ExitCode::no_sandbox);
  }
  return success();
}

Result<std::string> encode_options(const Policy& policy, const FdPlan& plan) {
  // Only names directly in /nix/store: anything else (a NUL byte, "..", another directory) could
  // bind or grant more than the closure.
  for (const auto& path : policy.store_paths) {
    if (store_name(path).empty()) return fail("refusing to start: " + util::printable(path) + " is not a store path");
  }
  std::string args;
  for (const auto& option : bwrap_options(policy, plan)) {
    // --args splits at NUL bytes: one inside a value would smuggle in extra options.
    if (option.find('\0') != std::string::npos) return fail("refusing to start: an option holds a NUL byte");
    args += option;
    args += '\0';
  }
  return args;
}

Result<std::vector<std::string>> data_files(const Policy& policy) {
  std::vector<std::string> contents;
  for (const auto& mount : policy.mounts) {
    if (mount.kind == MountKind::ro_data) {
      contents.push_back(mount.source);
    } else if (mount.kind == MountKind::copy) {
      auto content = util::read_file(mount.source, 16 * 1024 * 1024);
      if (!content) return fail("cannot read " + mount.source + ": " + content.error());
      contents.push_back(std::move(*content));
    }
  }
  return contents;
}

Status launch(const Policy& policy, const std::string& bwrap) {
  // A ruleset needs the helper, and the helper runs only through the gate: there, the planner
  // has nothing left to work out but the hand-over. It cannot return an error, so says it.
  if (!policy.landlock_helper.empty()) {
    return launch_gated(bwrap, policy.landlock_helper, [&](Gate& gate) {
      return hand_over_policy(gate, policy, [](const std::string& why) {
        (void)util::write_all(2, "jailed: error: " + why + "\n", "stderr");
      });
    });
  }
  if (auto marked = close_inherited_on_exec(); !marked) return marked;
  // Without the helper, the limits it would set inside are set here, except RLIMIT_NPROC: set
  // before bwrap makes the user namespace it would count every process of the user on the host.
  if (auto off = turn_core_dumps_off(); !off) return off;
  if (policy.limits.memory_bytes > 0) {
    struct rlimit data {policy.limits.memory_bytes, policy.limits.memory_bytes};
    if (::setrlimit(RLIMIT_DATA, &data) != 0) return fail("cannot limit the memory: " + errno_text());
  }
  Descriptors fds;
  FdPlan plan;
  auto seccomp = seccomp_program_fd();
  if (!seccomp) return seccomp.failure();
  plan.seccomp = fds.keep(*seccomp);
  // No helper checks the mounts here: each source agents could redirect is opened once, without
  // following a symlink, and bwrap binds the descriptor.
  for (size_t index : redirectable_mounts(policy)) {
    int fd = open_no_symlinks(policy.mounts[index].source.c_str());
    if (fd < 0) {
      errno = -fd;
      return fail("refusing to start: cannot open " + util::printable(policy.mounts[index].source) +
                      " without following a symlink: " + errno_text(),
                  ExitCode::not_allowed);
    }
    plan.bind_fds[index] = fds.keep(fd);
  }
  auto files = data_files(policy);
  if (!files) return files.failure();
  for (const auto& content : *files) {
    auto fd = util::memory_file("jailed-data", content);
    if (!fd) return fd.failure();
    plan.files.push_back(fds.keep(*fd));
  }
  auto args = encode_options(policy, plan);
  if (!args) return args.failure();
  auto args_fd = util::memory_file("jailed-args", *args);
  if (!args_fd) return args_fd.failure();
  fds.keep(*args_fd);
  // Exactly these descriptors cross into bwrap; it reads and closes them before the agent starts.
  for (int fd : fds.all()) {
    if (::fcntl(fd, F_SETFD, 0) != 0) return fail("cannot pass descriptor " + std::to_string(fd) + ": " + errno_text());
  }
  // An empty environment: bwrap's --clearenv decides the agent's anyway, and bwrap stays as
  // PID 1 of the jail, where the agent could read its environment in /proc/1/environ.
  return util::exec_program(bwrap_argv(bwrap, *args_fd, policy), {});
}

}  // namespace jailed::sandbox
