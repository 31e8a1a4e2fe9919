// Unit tests for sandbox/seccomp: the embedded program, and the filter loaded for real in a child.
#include <catch2/catch.hpp>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/keyctl.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <functional>

#include "sandbox/seccomp.hpp"
#include "fork_child.hpp"

using namespace jailed::sandbox;

namespace {

std::string read_program(int fd) {
  struct stat st {};
  REQUIRE(::fstat(fd, &st) == 0);
  std::string bytes(static_cast<size_t>(st.st_size), '\0');
  // pread: the descriptor's offset must stay at 0 for whoever reads it next (bwrap).
  REQUIRE(::pread(fd, bytes.data(), bytes.size(), 0) == static_cast<ssize_t>(bytes.size()));
  return bytes;
}

bool fails_with(long result, int expected) { return result == -1 && errno == expected; }

#if defined(__x86_64__)
// Makes a 32-bit (ia32) system call from this 64-bit process, as an attacker could.
long ia32_syscall(long nr, long a, long b) {
  long ret;
  __asm__ volatile("int $0x80" : "=a"(ret) : "a"(nr), "b"(a), "c"(b) : "memory", "r8", "r9", "r10", "r11");
  return ret;
}

// Returns 0 if the ia32 unshare(CLONE_NEWUSER) is denied with EPERM or ia32 is unavailable.
bool ia32_unshare_denied() {
  pid_t pid = jailed::testing::fork_child();
  if (pid == 0) {
    constexpr long k_ia32_unshare = 310;
    ::_exit(ia32_syscall(k_ia32_unshare, CLONE_NEWUSER, 0) == -EPERM ? 0 : 1);
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  // A kernel without ia32 emulation faults on int 0x80; a missing arch in the filter would SIGSYS.
  if (WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV) return true;
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}
#endif

// Loads `program` (unless empty) in this process and runs each check; returns the 1-based
// index of the first failure, or 0.
int run_checks(const std::string& program) {
  if (!program.empty()) {
    sock_fprog prog{};
    prog.len = static_cast<unsigned short>(program.size() / sizeof(sock_filter));
    prog.filter = reinterpret_cast<sock_filter*>(const_cast<char*>(program.data()));
    if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return 100;
    if (::prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) != 0) return 101;
  }

  int tty = ::posix_openpt(O_RDWR | O_NOCTTY);
  if (tty < 0) tty = ::open("/dev/null", O_RDWR);
  char c = 'x';
  std::vector<std::function<bool()>> checks = {
      [&] { return fails_with(::ioctl(tty, TIOCSTI, &c), EPERM); },
      // The kernel ignores the upper 32 bits of the request: so must the filter.
      [&] { return fails_with(::syscall(SYS_ioctl, tty, static_cast<unsigned long>(TIOCSTI) | (1UL << 32), &c), EPERM); },
      [&] { return fails_with(::ioctl(tty, TIOCLINUX, &c), EPERM); },
      [&] { return fails_with(::unshare(CLONE_NEWUSER), EPERM); },
      [&] { return fails_with(::syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 0), EPERM); },
      [&] { return fails_with(::syscall(SYS_clone3, nullptr, 0), ENOSYS); },
      [&] { return fails_with(::umount2("/nonexistent-jailed-test", 0), EPERM); },
      [&] { return fails_with(::syscall(SYS_io_uring_setup, 1, nullptr), EPERM); },
#if defined(__x86_64__)
      // x32 calls carry bit 30 in the number; the filter sees them whether or not the kernel has x32.
      [&] { return fails_with(::syscall(0x40000000 | SYS_unshare, CLONE_NEWUSER), EPERM); },
      [&] { return ia32_unshare_denied(); },
#endif
      [&] { return ::syscall(SYS_getpid) == ::getpid() && ::ioctl(tty, FIONREAD, &c) != -1; },
  };
  for (size_t i = 0; i < checks.size(); ++i) {
    errno = 0;
    if (!checks[i]()) return static_cast<int>(i) + 1;
  }
  return 0;
}

// Runs the checks in a child process and returns its wait status.
int checks_in_child(const std::string& program) {
  pid_t pid = jailed::testing::fork_child();
  REQUIRE(pid >= 0);
  if (pid == 0) ::_exit(run_checks(program));
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return status;
}

}  // namespace

TEST_CASE("seccomp program is a non-empty BPF program at offset 0", "[sandbox][seccomp]") {
  auto fd = seccomp_program_fd();
  REQUIRE(fd.ok());
  REQUIRE(::lseek(*fd, 0, SEEK_CUR) == 0);
  auto program = read_program(*fd);
  REQUIRE(program.size() > 0);
  REQUIRE(program.size() % sizeof(sock_filter) == 0);
  REQUIRE((::fcntl(*fd, F_GETFD) & FD_CLOEXEC) != 0);
  ::close(*fd);
  REQUIRE_FALSE(seccomp_denials().empty());
  REQUIRE(seccomp_denials().front().find("TIOCSTI") != std::string::npos);
}

TEST_CASE("embedded seccomp program is what build_seccomp_program() produces now", "[sandbox][seccomp]") {
  auto built = build_seccomp_program();
  REQUIRE(built.ok());
  auto fd = seccomp_program_fd();
  REQUIRE(fd.ok());
  auto embedded = read_program(*fd);
  ::close(*fd);
  REQUIRE(embedded.size() > 0);
  REQUIRE(embedded.size() % sizeof(sock_filter) == 0);
  // A difference means a stale build or a libseccomp that now compiles the rules differently.
  REQUIRE(embedded == *built);
}

TEST_CASE("seccomp filter denies terminal injection, nested user namespaces and keyrings for real", "[sandbox][seccomp]") {
  auto fd = seccomp_program_fd();
  REQUIRE(fd.ok());
  auto program = read_program(*fd);
  ::close(*fd);

  int status = checks_in_child(program);
  INFO("child status " << status << " (exit code = the 1-based index of the failed check)");
  REQUIRE(WIFEXITED(status));
  REQUIRE(WEXITSTATUS(status) == 0);
}

TEST_CASE("seccomp checks are not vacuous: without the filter they fail", "[sandbox][seccomp]") {
  int status = checks_in_child("");
  REQUIRE(WIFEXITED(status));
  REQUIRE(WEXITSTATUS(status) != 0);
}
