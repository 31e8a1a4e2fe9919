// Builds the seccomp filter with libseccomp, at build time (seccomp_embed.cpp) and in tests.
#include <sched.h>
#include <seccomp.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

#include "sandbox/seccomp.hpp"
#include "sandbox/seccomp_table.hpp"

namespace jailed::sandbox {
namespace {

constexpr int k_ipproto_mptcp = 262;  // <netinet/in.h> of Debian 12 predates IPPROTO_MPTCP

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
  // MPTCP sockets listen like TCP ones, but Landlock's TCP bind rule (bind-ports) does not cover
  // them: with network = on the agent could listen on any port of the host's network. The error is
  // a kernel's without MPTCP, on which programs that prefer MPTCP (Go's net.Listen) fall back to TCP.
  if (int rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPROTONOSUPPORT), SCMP_SYS(socket), 1,
                                SCMP_A2(SCMP_CMP_EQ, k_ipproto_mptcp));
      rc < 0) {
    return seccomp_failure("socket", rc);
  }
  for (const auto& denial : seccomp_denial_table()) {
    for (const char* name : denial.syscalls) {
      int nr = seccomp_syscall_resolve_name(name);
      if (nr == __NR_SCMP_ERROR) continue;  // unknown to this libseccomp: nothing to deny
      if (int rc = seccomp_rule_add(ctx, deny, nr, 0); rc < 0) return seccomp_failure(name, rc);
    }
  }
  return success();
}

// Writes what `ctx` compiles to into the memory file `fd` and reads it back.
Result<std::string> export_through(scmp_filter_ctx ctx, int fd) {
  if (int rc = seccomp_export_bpf(ctx, fd); rc < 0) return seccomp_failure("exporting", rc);
  struct stat st {};
  if (::fstat(fd, &st) != 0) return fail(std::string("cannot stat the seccomp filter: ") + std::strerror(errno));
  std::string program(static_cast<size_t>(st.st_size), '\0');
  // A memory file is read whole in one call; a short read means it changed under us.
  ssize_t n = ::pread(fd, program.data(), program.size(), 0);
  if (n < 0) return fail(std::string("cannot read back the seccomp filter: ") + std::strerror(errno));
  if (static_cast<size_t>(n) != program.size()) return fail("cannot read back the seccomp filter: short read");
  return program;
}

// Returns what `ctx` compiles to. libseccomp 2.5 exports only to a descriptor
// (seccomp_export_bpf_mem came in 2.6), hence the memory file.
Result<std::string> export_program(scmp_filter_ctx ctx) {
  int fd = ::memfd_create("jailed-seccomp-build", MFD_CLOEXEC);
  if (fd < 0) return fail(std::string("cannot create a memory file for the seccomp filter: ") + std::strerror(errno));
  auto program = export_through(ctx, fd);
  ::close(fd);
  return program;
}

}  // namespace

Result<std::string> build_seccomp_program() {
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
  return export_program(ctx.get());
}

}  // namespace jailed::sandbox
