// The syscalls the seccomp filter denies outright: shared by its build and its description.
#pragma once

#include <vector>

namespace jailed::sandbox {

// Syscalls denied outright (EPERM), grouped by why. Most already fail without capabilities;
// the filter makes that hold even where the kernel has a bug in the privilege check.
struct SeccompDenial {
  std::vector<const char*> syscalls;
  const char* why;
};

// Returns the table. Inline, not in seccomp.cpp: the build (seccomp_build.cpp) must link
// without the embedded program it produces, and the binary without libseccomp.
inline const std::vector<SeccompDenial>& seccomp_denial_table() {
  static const std::vector<SeccompDenial> table = {
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
      {{"socketcall"},
       "the 32-bit multiplexer passes its arguments in memory, which the filter cannot read (so the "
       "socket rule would not hold); 32-bit programs since Linux 4.3 call socket() and the rest directly"},
      {{"io_uring_setup", "io_uring_enter", "io_uring_register"},
       "io_uring runs operations (sockets, opens) that the filter cannot see"},
  };
  return table;
}

}  // namespace jailed::sandbox
