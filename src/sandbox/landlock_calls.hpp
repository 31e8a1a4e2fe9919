// The Landlock system calls as jailed (the ruleset, the closure's rules, on the host) and its
// in-jail helper (the jail's own rules, applying them) make them. No libc: the helper has none.
#pragma once

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include <cerrno>
#include <cstdint>

#include "sandbox/landlock_access.hpp"
#include "sandbox/raw_syscall.hpp"

namespace jailed::sandbox::landlock {

// The kernel's struct landlock_ruleset_attr as of ABI 6. Below ABI 6 only handled_access_fs is
// passed (size 8): an older kernel rejects a larger struct whose extra fields are not zero.
struct RulesetAttr {
  uint64_t handled_access_fs;
  uint64_t handled_access_net;  // ABI 4
  uint64_t scoped;              // ABI 6
};

// The kernel's struct landlock_net_port_attr (ABI 4).
struct NetPortAttr {
  uint64_t allowed_access;
  uint64_t port;
};

// The kernel's struct landlock_path_beneath_attr (packed in the uapi header).
struct __attribute__((packed)) PathBeneathAttr {
  uint64_t allowed_access;
  int32_t parent_fd;
};

// Returns the kernel's Landlock ABI version, or -errno (ENOSYS, EOPNOTSUPP) without Landlock.
inline long abi_version() { return raw_syscall(k_sys_create_ruleset, 0, 0, k_create_ruleset_version); }

// Returns a new ruleset (close-on-exec) handling `handled_fs` and `handled_net` and scoping
// `scoped`, or -errno. The struct is passed only as far as its last non-zero field reaches.
inline int create_ruleset(uint64_t handled_fs, uint64_t scoped, uint64_t handled_net = 0) {
  RulesetAttr attr{handled_fs, handled_net, scoped};
  long size = scoped != 0 ? sizeof attr : handled_net != 0 ? 2 * sizeof(uint64_t) : sizeof attr.handled_access_fs;
  return static_cast<int>(raw_syscall(k_sys_create_ruleset, reinterpret_cast<long>(&attr), size, 0));
}

// Allows binding TCP `port`; returns 0 or -errno.
inline int add_port_rule(int ruleset, uint16_t port) {
  NetPortAttr rule{k_net_bind_tcp, port};
  return static_cast<int>(raw_syscall(k_sys_add_rule, ruleset, k_rule_net_port, reinterpret_cast<long>(&rule), 0));
}

// Adds a rule granting `access` on the open file `fd`; returns 0 or -errno.
inline int add_fd_rule(int ruleset, uint64_t access, int fd) {
  PathBeneathAttr rule{access, fd};
  return static_cast<int>(raw_syscall(k_sys_add_rule, ruleset, k_rule_path_beneath, reinterpret_cast<long>(&rule), 0));
}

// Grants `access` beneath `path`. Returns 0 when added, or when `path` does not exist (a missing
// path grants nothing); else -errno.
inline int add_path_rule(int ruleset, uint64_t access, const char* path) {
  auto open_path = [path](long flags) {
    return static_cast<int>(raw_syscall(SYS_openat, AT_FDCWD, reinterpret_cast<long>(path), flags, 0));
  };
  // O_PATH: the rule needs the inode, not read permission on it. Directories first: most rules
  // name one, and knowing it from open() saves an fstat() per store path on every launch.
  int fd = open_path(O_PATH | O_CLOEXEC | O_DIRECTORY);
  if (fd == -ENOTDIR) {
    fd = open_path(O_PATH | O_CLOEXEC);
    access &= k_file_access;  // a rule on a file may only name file rights
  }
  if (fd < 0) return fd == -ENOENT || fd == -ENOTDIR ? 0 : fd;
  int added = add_fd_rule(ruleset, access, fd);
  raw_syscall(SYS_close, fd);
  return added;
}

// Grants `access` beneath the store path `name` (one name in the directory `store_fd`) without
// following a symlink: resolved out here, one could lead anywhere the host sees (all of the
// store, /run/current-system). A store path that is a symlink gets no rule; Landlock checks
// where a link leads, and a target in the store is a closure path of its own. Returns 0 when
// added, skipped or missing; else -errno.
inline int add_store_rule(int ruleset, uint64_t access, int store_fd, const char* name) {
  int fd = static_cast<int>(
      raw_syscall(SYS_openat, store_fd, reinterpret_cast<long>(name), O_PATH | O_NOFOLLOW | O_CLOEXEC, 0));
  if (fd == -ENOENT) return 0;
  if (fd < 0) return fd;
  struct stat st {};
  int failed = static_cast<int>(
      raw_syscall(SYS_newfstatat, fd, reinterpret_cast<long>(""), reinterpret_cast<long>(&st), AT_EMPTY_PATH));
  if (failed == 0 && !S_ISLNK(st.st_mode)) {
    failed = add_fd_rule(ruleset, S_ISDIR(st.st_mode) ? access : access & k_file_access, fd);
  }
  raw_syscall(SYS_close, fd);
  return failed;
}

}  // namespace jailed::sandbox::landlock
