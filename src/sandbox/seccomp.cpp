// Builds the seccomp filter with libseccomp and exports it as a BPF program for bwrap --seccomp.
#include "sandbox/seccomp.hpp"

#include <sched.h>
#include <seccomp.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

namespace jailed::sandbox {
namespace {

// Syscalls denied outright (EPERM), grouped by why. Most already fail without capabilities;
// the filter makes that hold even where the kernel has a bug in the privilege check.
struct Denial {
  std::vector<const char*> syscalls;
  const char* why;
};

const std::vector<Denial>& denials() {
  static const std::vector<Denial> table = {
      {{"keyctl", "add_key", "request_key"}, "kernel keyrings are not namespaced: other sessions' keys"},
      {{"bpf"}, "BPF programs: a large kernel attack surface"},
      {{"perf_event_open"}, "performance counters: side channels and kernel attack surface"},
      {{"userfaultfd"}, "a tool to widen kernel race windows in exploits"},
      {{"mount", "umount", "umount2", "pivot_root", "chroot", "open_tree", "move_mount", "fsopen", "fsconfig",
        "fsmount", "fspick", "mount_setattr"},
       "changing mounts could uncover what the jail hides or made read-only"},
      {{"setns"}, "joining another namespace"},
      {{"syslog"}, "the kernel log"},
      {{"uselib", "acct"}, "obsolete or host-wide interfaces"},
      {{"kexec_load", "kexec_file_load", "init_module", "finit_module", "delete_module"},
       "loading kernels and kernel modules"},
      {{"io_uring_setup", "io_uring_enter", "io_uring_register"},
       "io_uring runs operations (sockets, opens) that the filter cannot see"},
  };
  return table;
}

struct ContextDeleter {
  void operator()(void* ctx) const { seccomp_release(ctx); }
};
using Context = std::unique_ptr<void, ContextDeleter>;

Failure seccomp_failure(const std::string& what, int rc) {
  return fail("cannot build the seccomp filter: " + what + ": " + std::strerror(-rc));
}

Status add_rules(scmp_filter_ctx ctx) {
  const uint32_t deny = SCMP_ACT_ERRNO(EPERM);
  // TIOCSTI pushes input into the terminal the user's shell reads, TIOCLINUX can too on a
  // virtual console. The kernel compares only the low 32 bits of the request, so the filter
  // does the same: a request with high bits set must not slip past (CVE-2019-10063).
  for (unsigned long request : {static_cast<unsigned long>(TIOCSTI), static_cast<unsigned long>(TIOCLINUX)}) {
    int rc = seccomp_rule_add(ctx, deny, SCMP_SYS(ioctl), 1, SCMP_A1(SCMP_CMP_MASKED_EQ, 0xFFFFFFFFu, request));
    if (rc < 0) return seccomp_failure("ioctl", rc);
  }
  // A nested user namespace would give the agent capabilities over new mount namespaces, where
  // it could unmount or move the read-only binds that protect the project's hooks.
  for (int nr : {SCMP_SYS(clone), SCMP_SYS(unshare)}) {
    int rc = seccomp_rule_add(ctx, deny, nr, 1, SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_NEWUSER, CLONE_NEWUSER));
    if (rc < 0) return seccomp_failure("clone/unshare", rc);
  }
  // clone3 passes its flags in memory, which a filter cannot read; ENOSYS makes glibc fall back to clone.
  if (int rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0); rc < 0) {
    return seccomp_failure("clone3", rc);
  }
  for (const auto& denial : denials()) {
    for (const char* name : denial.syscalls) {
      int nr = seccomp_syscall_resolve_name(name);
      if (nr == __NR_SCMP_ERROR) continue;  // unknown to this libseccomp: nothing to deny
      if (int rc = seccomp_rule_add(ctx, deny, nr, 0); rc < 0) return seccomp_failure(name, rc);
    }
  }
  return success();
}

}  // namespace

std::vector<std::string> seccomp_denials() {
  std::vector<std::string> out = {
      "ioctl TIOCSTI, TIOCLINUX: typing into the terminal",
      "clone, unshare with CLONE_NEWUSER: nested user namespaces",
      "clone3 (ENOSYS, so glibc falls back to clone): its flags cannot be inspected",
  };
  for (const auto& denial : denials()) {
    std::string names;
    for (const char* name : denial.syscalls) names += (names.empty() ? "" : ", ") + std::string(name);
    out.push_back(names + ": " + denial.why);
  }
  return out;
}

Result<int> seccomp_program_fd() {
  // Everything not listed is allowed: the jail's mounts and namespaces do the confining.
  Context ctx(seccomp_init(SCMP_ACT_ALLOW));
  if (!ctx) return fail("cannot build the seccomp filter: seccomp_init failed");
  // A 64-bit process can still make 32-bit (int 0x80) and x32 system calls, which have their
  // own numbers: without these, every rule could be bypassed through the compat ABIs.
  if (seccomp_arch_native() == SCMP_ARCH_X86_64) {
    for (uint32_t arch : {SCMP_ARCH_X86, SCMP_ARCH_X32}) {
      int rc = seccomp_arch_add(ctx.get(), arch);
      if (rc < 0 && rc != -EEXIST) return seccomp_failure("adding a compat architecture", rc);
    }
  }
  if (auto added = add_rules(ctx.get()); !added) return added.failure();

  int fd = ::memfd_create("jailed-seccomp", MFD_CLOEXEC);
  if (fd < 0) return fail(std::string("cannot create a memory file for the seccomp filter: ") + std::strerror(errno));
  int rc = seccomp_export_bpf(ctx.get(), fd);
  if (rc < 0) {
    ::close(fd);
    return seccomp_failure("exporting", rc);
  }
  if (::lseek(fd, 0, SEEK_SET) != 0) {
    ::close(fd);
    return fail(std::string("cannot rewind the seccomp filter: ") + std::strerror(errno));
  }
  return fd;
}

}  // namespace jailed::sandbox
