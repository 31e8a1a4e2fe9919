// Copying a state directory into an agent's private home, descriptor by descriptor.
#include "sandbox/tree_copy.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace jailed::sandbox {
namespace {

// A state tree deeper than this is not an agent's config: the copy stops with an error.
constexpr int k_max_depth = 32;

class Fd {
 public:
  explicit Fd(int fd) : m_fd(fd) {}
  ~Fd() {
    if (m_fd >= 0) ::close(m_fd);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return m_fd; }

 private:
  int m_fd;
};

std::string why(const std::string& what) { return what + ": " + std::strerror(errno); }

Status copy_file(int from_dir, int to_dir, const char* name, mode_t mode, const std::string& shown) {
  Fd in(::openat(from_dir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK));
  if (in.get() < 0) return fail(why("cannot read " + shown));
  // Owner-only: the state holds credentials; an executable stays executable.
  mode_t kept = (mode & S_IXUSR) ? 0700 : 0600;
  Fd out(::openat(to_dir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, kept));
  if (out.get() < 0) return fail(why("cannot create " + shown));
  char buffer[64 * 1024];
  for (;;) {
    ssize_t got = ::read(in.get(), buffer, sizeof buffer);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return fail(why("cannot read " + shown));
    if (got == 0) return success();
    for (ssize_t done = 0; done < got;) {
      ssize_t wrote = ::write(out.get(), buffer + done, static_cast<size_t>(got - done));
      if (wrote < 0 && errno == EINTR) continue;
      if (wrote < 0) return fail(why("cannot write " + shown));
      done += wrote;
    }
  }
}

Status copy_tree(int from_dir, int to_dir, const std::string& shown, int depth) {
  if (depth > k_max_depth) return fail("cannot copy " + shown + ": deeper than " + std::to_string(k_max_depth) + " levels");
  int listing_fd = ::dup(from_dir);
  if (listing_fd < 0) return fail(why("cannot list " + shown));
  DIR* listing = ::fdopendir(listing_fd);
  if (!listing) {
    ::close(listing_fd);
    return fail(why("cannot list " + shown));
  }
  ::rewinddir(listing);
  Status status = success();
  while (dirent* entry = ::readdir(listing)) {
    const char* name = entry->d_name;
    if (std::strcmp(name, ".") == 0 || std::strcmp(name, "..") == 0) continue;
    std::string path = shown + "/" + name;
    struct stat st {};
    if (::fstatat(from_dir, name, &st, AT_SYMLINK_NOFOLLOW) != 0) continue;  // gone meanwhile
    if (S_ISDIR(st.st_mode)) {
      if (::mkdirat(to_dir, name, 0700) != 0) {
        status = fail(why("cannot create " + path));
        break;
      }
      Fd from(::openat(from_dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
      Fd to(::openat(to_dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
      if (from.get() < 0 || to.get() < 0) {
        status = fail(why("cannot open " + path));
        break;
      }
      status = copy_tree(from.get(), to.get(), path, depth + 1);
    } else if (S_ISREG(st.st_mode)) {
      status = copy_file(from_dir, to_dir, name, st.st_mode, path);
    } else if (S_ISLNK(st.st_mode)) {
      char target[4096];
      ssize_t length = ::readlinkat(from_dir, name, target, sizeof target - 1);
      if (length < 0) continue;
      target[length] = '\0';
      if (::symlinkat(target, to_dir, name) != 0) status = fail(why("cannot create " + path));
    }  // sockets, fifos and devices are not state to copy
    if (!status) break;
  }
  ::closedir(listing);
  return status;
}

// Removes the half-made copy `name` beneath `dir_fd`, never following a symlink.
void remove_at(int dir_fd, const char* name, int depth) {
  if (::unlinkat(dir_fd, name, 0) == 0 || errno != EISDIR || depth > k_max_depth + 1) {
    ::unlinkat(dir_fd, name, AT_REMOVEDIR);
    return;
  }
  int fd = ::openat(dir_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd >= 0) {
    if (DIR* listing = ::fdopendir(fd)) {
      while (dirent* entry = ::readdir(listing)) {
        if (std::strcmp(entry->d_name, ".") != 0 && std::strcmp(entry->d_name, "..") != 0) {
          remove_at(::dirfd(listing), entry->d_name, depth + 1);
        }
      }
      ::closedir(listing);
    } else {
      ::close(fd);
    }
  }
  ::unlinkat(dir_fd, name, AT_REMOVEDIR);
}

}  // namespace

Status seed_private_dir(int parent_fd, const std::string& name, int real_fd, const std::string& shown) {
  std::string temp = "." + name + ".jailed-seed-" + std::to_string(::getpid());
  remove_at(parent_fd, temp.c_str(), 0);  // left by a copy that was interrupted
  if (::mkdirat(parent_fd, temp.c_str(), 0700) != 0) return fail(why("cannot create a copy of " + shown));
  Status copied = success();
  {
    Fd to(::openat(parent_fd, temp.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    copied = to.get() < 0 ? fail(why("cannot open a copy of " + shown)) : copy_tree(real_fd, to.get(), shown, 0);
  }
  if (copied && ::renameat2(parent_fd, temp.c_str(), parent_fd, name.c_str(), RENAME_NOREPLACE) != 0 && errno != EEXIST) {
    copied = fail(why("cannot create " + shown));
  }
  remove_at(parent_fd, temp.c_str(), 0);  // after a rename there is nothing left to remove
  return copied;
}

}  // namespace jailed::sandbox
