#include "util/files.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <random>

#include "util/paths.hpp"

namespace jailed::util {
namespace {

std::string errno_text() { return std::strerror(errno); }

}  // namespace

Status write_all(int fd, std::string_view content, const std::string& label) {
  size_t done = 0;
  while (done < content.size()) {
    ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail("cannot write " + label + ": " + errno_text());
    }
    done += static_cast<size_t>(n);
  }
  return success();
}

Result<int> memory_file(const char* name, std::string_view content) {
  int fd = ::memfd_create(name, MFD_CLOEXEC);
  if (fd < 0) return fail(std::string("cannot create a memory file for ") + name + ": " + errno_text());
  auto written = write_all(fd, content, name);
  if (written && ::lseek(fd, 0, SEEK_SET) != 0) written = fail(std::string("cannot rewind ") + name + ": " + errno_text());
  if (!written) {
    ::close(fd);
    return written.failure();
  }
  return fd;
}

Result<std::string> read_fd(int fd, const std::string& label, size_t max_bytes) {
  std::string data;
  char buf[65536];
  while (true) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail("cannot read " + label + ": " + errno_text());
    }
    if (n == 0) break;
    if (data.size() + static_cast<size_t>(n) > max_bytes) {
      return fail(label + " is larger than " + std::to_string(max_bytes) + " bytes");
    }
    data.append(buf, static_cast<size_t>(n));
  }
  return data;
}

Result<std::string> read_file(const std::string& path, size_t max_bytes) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return fail("cannot open " + path + ": " + errno_text());
  auto data = read_fd(fd, path, max_bytes);
  ::close(fd);
  return data;
}

Status write_file_atomic(const std::string& path, const std::string& content, mode_t mode) {
  auto current = read_file(path, content.size() + 1);
  if (current.ok() && *current == content) return success();

  std::string temp = path + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(std::random_device{}());
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) return fail("cannot create " + temp + ": " + errno_text());
  auto written = write_all(fd, content, temp);
  // fsync so a crash never leaves an empty file behind the final name.
  if (written.ok() && ::fsync(fd) != 0) written = fail("cannot sync " + temp + ": " + errno_text());
  if (::fchmod(fd, mode) != 0 && written.ok()) written = fail("cannot chmod " + temp + ": " + errno_text());
  ::close(fd);
  if (written.ok() && ::rename(temp.c_str(), path.c_str()) != 0) {
    written = fail("cannot rename " + temp + " to " + path + ": " + errno_text());
  }
  if (!written.ok()) ::unlink(temp.c_str());
  return written;
}

Status make_dirs(const std::string& path, mode_t mode) {
  if (path.empty()) return fail("cannot create a directory with an empty name");
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) return success();
    return fail(path + " exists and is not a directory");
  }
  std::string parent = parent_dir(path);
  if (parent != path) {
    auto made = make_dirs(parent, mode);
    if (!made.ok()) return made;
  }
  if (::mkdir(path.c_str(), mode) != 0 && errno != EEXIST) {
    return fail("cannot create directory " + path + ": " + errno_text());
  }
  return success();
}

std::optional<struct stat> stat_path(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return std::nullopt;
  return st;
}

std::optional<struct stat> lstat_path(const std::string& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) return std::nullopt;
  return st;
}

Result<std::string> read_link(const std::string& path) {
  std::string target(PATH_MAX, '\0');
  ssize_t n = ::readlink(path.c_str(), target.data(), target.size());
  if (n < 0) return fail("cannot read the symlink " + path + ": " + std::strerror(errno));
  if (static_cast<size_t>(n) == target.size()) return fail("cannot read the symlink " + path + ": its target is too long");
  target.resize(static_cast<size_t>(n));
  return target;
}

bool exists_nofollow(const std::string& path) { return lstat_path(path).has_value(); }

Status remove_tree(const std::string& path) {
  auto st = lstat_path(path);
  if (!st) return success();
  if (S_ISDIR(st->st_mode)) {
    DIR* dir = ::opendir(path.c_str());
    if (!dir) return fail("cannot open directory " + path + ": " + errno_text());
    while (dirent* entry = ::readdir(dir)) {
      std::string name = entry->d_name;
      if (name == "." || name == "..") continue;
      auto removed = remove_tree(path + "/" + name);
      if (!removed.ok()) {
        ::closedir(dir);
        return removed;
      }
    }
    ::closedir(dir);
    if (::rmdir(path.c_str()) != 0) return fail("cannot remove " + path + ": " + errno_text());
  } else if (::unlink(path.c_str()) != 0) {
    return fail("cannot remove " + path + ": " + errno_text());
  }
  return success();
}

Result<std::string> real_path(const std::string& path) {
  char* resolved = ::realpath(path.c_str(), nullptr);
  if (!resolved) return fail("cannot resolve " + path + ": " + errno_text());
  std::string out = resolved;
  std::free(resolved);
  return out;
}

}  // namespace jailed::util

namespace jailed::util {

FileStamp stamp_of(const struct stat& st) {
  FileStamp s;
  s.dev = static_cast<uint64_t>(st.st_dev);
  s.ino = static_cast<uint64_t>(st.st_ino);
  s.size = static_cast<uint64_t>(st.st_size);
  s.mtime_ns = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
  s.ctime_ns = static_cast<int64_t>(st.st_ctim.tv_sec) * 1000000000 + st.st_ctim.tv_nsec;
  return s;
}

}  // namespace jailed::util
