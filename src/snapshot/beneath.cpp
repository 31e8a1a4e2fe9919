#include "snapshot/beneath.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <vector>

namespace jailed::snapshot {
namespace {

// The same walk, one component at a time, for kernels without openat2 (before 5.6).
int open_by_components(int root_fd, const std::string& path, int flags, unsigned mode) {
  int dir = ::dup(root_fd);
  if (dir < 0) return -1;
  size_t start = 0;
  while (true) {
    size_t slash = path.find('/', start);
    std::string name = path.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
    if (slash == std::string::npos) {
      int fd = ::openat(dir, name.c_str(), flags | O_NOFOLLOW | O_CLOEXEC, mode);
      int saved = errno;
      ::close(dir);
      errno = saved;
      return fd;
    }
    int next = ::openat(dir, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    int saved = errno;
    ::close(dir);
    if (next < 0) {
      errno = saved;
      return -1;
    }
    dir = next;
    start = slash + 1;
  }
}

}  // namespace

int open_beneath(int root_fd, const std::string& path, int flags, unsigned mode) {
  if (!is_clean_relative(path)) {
    errno = EINVAL;
    return -1;
  }
  // RESOLVE_NO_SYMLINKS refuses a link in any component; RESOLVE_BENEATH refuses to leave
  // root_fd even through "..", and RESOLVE_NO_XDEV to cross into another mount.
  open_how how{};
  how.flags = static_cast<uint64_t>(flags | O_CLOEXEC | O_NOFOLLOW);
  how.mode = (flags & (O_CREAT | O_TMPFILE)) ? mode : 0;
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV;
  long fd = ::syscall(SYS_openat2, root_fd, path.c_str(), &how, sizeof how);
  if (fd >= 0) return static_cast<int>(fd);
  if (errno != ENOSYS) return -1;
  return open_by_components(root_fd, path, flags, mode);
}

int open_dir_beneath(int root_fd, const std::string& path) {
  if (path.empty()) return ::fcntl(root_fd, F_DUPFD_CLOEXEC, 0);
  return open_beneath(root_fd, path, O_RDONLY | O_DIRECTORY);
}

bool remove_at(int dir_fd, const std::string& name) {
  struct stat st;
  if (::fstatat(dir_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) return errno == ENOENT;
  if (!S_ISDIR(st.st_mode)) return ::unlinkat(dir_fd, name.c_str(), 0) == 0 || errno == ENOENT;
  int fd = ::openat(dir_fd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return false;
  DIR* dir = ::fdopendir(fd);
  if (!dir) {
    ::close(fd);
    return false;
  }
  std::vector<std::string> names;
  while (dirent* item = ::readdir(dir)) {
    std::string_view child = item->d_name;
    if (child != "." && child != "..") names.emplace_back(child);
  }
  bool ok = true;
  for (const auto& child : names) ok = remove_at(::dirfd(dir), child) && ok;
  ::closedir(dir);
  return ok && (::unlinkat(dir_fd, name.c_str(), AT_REMOVEDIR) == 0 || errno == ENOENT);
}

std::pair<std::string, std::string> split_parent(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return {"", path};
  return {path.substr(0, slash), path.substr(slash + 1)};
}

bool is_clean_relative(const std::string& path) {
  if (path.empty() || path.front() == '/' || path.find('\0') != std::string::npos) return false;
  size_t start = 0;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    size_t end = slash == std::string::npos ? path.size() : slash;
    std::string_view name(path.data() + start, end - start);
    if (name.empty() || name == "." || name == "..") return false;
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  return true;
}

}  // namespace jailed::snapshot
