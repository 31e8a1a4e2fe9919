// Describes the seccomp filter and hands bwrap the BPF program built into the binary.
#include "sandbox/seccomp.hpp"

#include "sandbox/seccomp_table.hpp"
#include "util/files.hpp"

namespace jailed::embedded {
// Generated at build time from build_seccomp_program() (see seccomp_embed.cpp).
extern const unsigned char k_seccomp_program[];
extern const unsigned long k_seccomp_program_size;
}  // namespace jailed::embedded

namespace jailed::sandbox {

std::vector<std::string> seccomp_denials() {
  std::vector<std::string> out = {
      "ioctl TIOCSTI, TIOCLINUX: typing into the terminal",
      "clone, unshare with CLONE_NEWUSER: nested user namespaces",
      "clone3 (ENOSYS, so glibc falls back to clone): its flags cannot be inspected",
      "socket with protocol IPPROTO_MPTCP (EPROTONOSUPPORT, as without MPTCP, so programs fall back to TCP): "
      "MPTCP listens like TCP, but Landlock's port rules do not cover it",
  };
  for (const auto& denial : seccomp_denial_table()) {
    std::string names;
    for (const char* name : denial.syscalls) names += (names.empty() ? "" : ", ") + std::string(name);
    out.push_back(names + ": " + denial.why);
  }
  return out;
}

Result<int> seccomp_program_fd() {
  return util::memory_file("jailed-seccomp", std::string_view(reinterpret_cast<const char*>(embedded::k_seccomp_program),
                                                              embedded::k_seccomp_program_size));
}

}  // namespace jailed::sandbox
