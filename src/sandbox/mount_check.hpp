// Checking that the jail shows what jailed checked: shared by jailed (which notes the device and
// inode of each source it resolved) and its in-jail helper (which compares them with what the
// jail's mounts show), so this header needs no libc.
#pragma once

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include <cerrno>
#include <cstdint>

#include "sandbox/raw_syscall.hpp"

namespace jailed::sandbox {

// The kinds of check, as the hand-over spells them.
constexpr char k_check_writable = 'w';  // a read-write bind: the same file
constexpr char k_check_read_only = 'r'; // a read-only bind: the same file, on a read-only mount
constexpr char k_check_empty = 'e';     // a placeholder: an empty read-only tmpfs

// Opens `path` (O_PATH) without following any symlink on the way, not even in a parent
// directory; returns the descriptor or -errno (ELOOP for a symlink). Before openat2 (Linux 5.6),
// only the last component is checked.
inline int open_no_symlinks(const char* path) {
  open_how how{};
  how.flags = O_PATH | O_CLOEXEC;
  how.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
  long fd = raw_syscall(SYS_openat2, AT_FDCWD, reinterpret_cast<long>(path), reinterpret_cast<long>(&how), sizeof how);
  if (fd == -ENOSYS) fd = raw_syscall(SYS_openat, AT_FDCWD, reinterpret_cast<long>(path), O_PATH | O_CLOEXEC | O_NOFOLLOW);
  return static_cast<int>(fd);
}

// Fills `st` for the open `fd`; returns 0 or -errno.
inline int stat_fd(int fd, struct stat& st) {
  return static_cast<int>(
      raw_syscall(SYS_newfstatat, fd, reinterpret_cast<long>(""), reinterpret_cast<long>(&st), AT_EMPTY_PATH));
}

}  // namespace jailed::sandbox
