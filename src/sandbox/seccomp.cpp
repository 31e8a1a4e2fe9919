// Describes the seccomp filter and hands bwrap the BPF program built into the binary.
#include "sandbox/seccomp.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "sandbox/seccomp_table.hpp"

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
  };
  for (const auto& denial : seccomp_denial_table()) {
    std::string names;
    for (const char* name : denial.syscalls) names += (names.empty() ? "" : ", ") + std::string(name);
    out.push_back(names + ": " + denial.why);
  }
  return out;
}

Result<int> seccomp_program_fd() {
  int fd = ::memfd_create("jailed-seccomp", MFD_CLOEXEC);
  if (fd < 0) return fail(std::string("cannot create a memory file for the seccomp filter: ") + std::strerror(errno));
  // pwrite leaves the offset at 0, where bwrap starts reading: no rewind needed.
  const unsigned char* program = embedded::k_seccomp_program;
  size_t size = embedded::k_seccomp_program_size;
  size_t done = 0;
  while (done < size) {
    ssize_t n = ::pwrite(fd, program + done, size - done, static_cast<off_t>(done));
    if (n < 0) {
      if (errno == EINTR) continue;
      int saved_errno = errno;
      ::close(fd);
      return fail(std::string("cannot write the seccomp filter: ") + std::strerror(saved_errno));
    }
    done += static_cast<size_t>(n);
  }
  return fd;
}

}  // namespace jailed::sandbox
