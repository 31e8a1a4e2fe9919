// The Landlock system calls as jailed (the ruleset, the closure's rules, on the host) and its
// in-jail helper (the jail's own rules, applying them) make them. libc only, like the helper.
#pragma once

#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>

#include "sandbox/landlock_access.hpp"

namespace jailed::sandbox::landlock {

// The kernel's struct landlock_ruleset_attr as of ABI 6. Below ABI 6 only handled_access_fs is
// passed (size 8): an older kernel rejects a larger struct whose extra fields are not zero.
struct RulesetAttr {
  uint64_t handled_access_fs;
  uint64_t handled_access_net;  // always 0: the network namespace decides the network
  uint64_t scoped;
};

// The kernel's struct landlock_path_beneath_attr (packed in the uapi header).
struct __attribute__((packed)) PathBeneathAttr {
  uint64_t allowed_access;
  int32_t parent_fd;
};

// Returns a new ruleset (close-on-exec) handling `handled_fs` and scoping `scoped`, or -1 with errno set.
inline int create_ruleset(uint64_t handled_fs, uint64_t scoped) {
  RulesetAttr attr{handled_fs, 0, scoped};
  size_t size = scoped != 0 ? sizeof attr : sizeof attr.handled_access_fs;
  return static_cast<int>(::syscall(k_sys_create_ruleset, &attr, size, 0));
}

// Grants `access` beneath `path`. Returns 0 when added, or when `path` does not exist (a missing
// path grants nothing); else the errno of the failure.
inline int add_path_rule(int ruleset, uint64_t access, const char* path) {
  // O_PATH: the rule needs the inode, not read permission on it. Directories first: most rules
  // name one, and knowing it from open() saves an fstat() per store path on every launch.
  int fd = ::open(path, O_PATH | O_CLOEXEC | O_DIRECTORY);
  if (fd < 0 && errno == ENOTDIR) {
    fd = ::open(path, O_PATH | O_CLOEXEC);
    access &= k_file_access;  // a rule on a file may only name file rights
  }
  if (fd < 0) return errno == ENOENT || errno == ENOTDIR ? 0 : errno;
  PathBeneathAttr rule{access, fd};
  int failed = ::syscall(k_sys_add_rule, ruleset, k_rule_path_beneath, &rule, 0) != 0 ? errno : 0;
  ::close(fd);
  return failed;
}

}  // namespace jailed::sandbox::landlock
