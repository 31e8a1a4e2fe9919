#include "snapshot/tree_walk.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <numeric>

namespace jailed::snapshot {
namespace {

std::string errno_text() { return std::strerror(errno); }

// Returns the names in the directory `fd` (not . and ..), sorted.
Result<std::vector<std::string>> list_names(int fd, const std::string& shown) {
  int copy = ::dup(fd);  // closedir closes what fdopendir took
  if (copy < 0) return fail("cannot list " + shown + ": " + errno_text());
  DIR* dir = ::fdopendir(copy);
  if (!dir) {
    ::close(copy);
    return fail("cannot list " + shown + ": " + errno_text());
  }
  std::vector<std::string> names;
  errno = 0;
  while (dirent* item = ::readdir(dir)) {
    std::string_view name = item->d_name;
    if (name != "." && name != "..") names.emplace_back(name);
    errno = 0;
  }
  int failed = errno;
  ::closedir(dir);
  if (failed) return fail("cannot list " + shown + ": " + std::strerror(failed));
  std::sort(names.begin(), names.end());
  return names;
}

Status walk_dir(int fd, const std::string& prefix, uint64_t root_dev, const Excludes& excludes, Tree& out) {
  auto names = list_names(fd, prefix.empty() ? "the project" : prefix);
  if (!names) return names.failure();
  for (const auto& name : *names) {
    std::string path = prefix.empty() ? name : prefix + "/" + name;
    if (excludes.excluded(path, name)) continue;
    struct stat st;
    // AT_SYMLINK_NOFOLLOW: a link is data here, whatever it points at.
    if (::fstatat(fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
      if (errno == ENOENT) continue;  // removed while we looked
      return fail("cannot read " + path + ": " + errno_text());
    }
    Entry entry = entry_from_stat(path, st);
    if (entry.kind == Kind::link) {
      std::string target(static_cast<size_t>(st.st_size) + 1, '\0');
      ssize_t n = ::readlinkat(fd, name.c_str(), target.data(), target.size());
      if (n < 0) {
        if (errno == ENOENT) continue;
        return fail("cannot read the link " + path + ": " + errno_text());
      }
      target.resize(static_cast<size_t>(n));
      entry.target = std::move(target);
    }
    out.push_back(entry);
    if (entry.kind != Kind::dir || static_cast<uint64_t>(st.st_dev) != root_dev) continue;
    // O_NOFOLLOW: the name was a directory a moment ago; if it has become a link since, stop.
    int child = ::openat(fd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (child < 0) {
      if (errno == ENOENT) continue;
      return fail("cannot open " + path + ": " + errno_text());
    }
    auto walked = walk_dir(child, path, root_dev, excludes, out);
    ::close(child);
    if (!walked) return walked;
  }
  return success();
}

}  // namespace

Result<Tree> walk_tree(int root_fd, const Excludes& excludes) {
  struct stat st;
  if (::fstat(root_fd, &st) != 0) return fail("cannot read the project directory: " + errno_text());
  Tree tree;
  if (auto walked = walk_dir(root_fd, "", static_cast<uint64_t>(st.st_dev), excludes, tree); !walked) {
    return walked.failure();
  }
  // Byte order of whole paths, as the manifest database sorts them ("a.b" before "a/b"). The
  // walk is nearly in that order already; where not, sort positions, then move each entry once.
  auto by_path = [](const Entry& a, const Entry& b) { return a.path < b.path; };
  if (std::is_sorted(tree.begin(), tree.end(), by_path)) return tree;
  std::vector<size_t> order(tree.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return tree[a].path < tree[b].path; });
  Tree sorted;
  sorted.reserve(tree.size());
  for (size_t i : order) sorted.push_back(std::move(tree[i]));
  return sorted;
}

Result<int> open_project(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return fail("cannot open the project " + path + ": " + errno_text());
  return fd;
}

Entry entry_from_stat(std::string path, const struct stat& st) {
  Entry entry;
  entry.path = std::move(path);
  if (S_ISREG(st.st_mode)) {
    entry.kind = Kind::file;
  } else if (S_ISDIR(st.st_mode)) {
    entry.kind = Kind::dir;
  } else if (S_ISLNK(st.st_mode)) {
    entry.kind = Kind::link;
  } else {
    entry.kind = Kind::other;
  }
  entry.mode = st.st_mode & 07777;
  entry.size = entry.kind == Kind::file ? static_cast<int64_t>(st.st_size) : 0;
  entry.mtime_ns = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
  entry.ctime_ns = static_cast<int64_t>(st.st_ctim.tv_sec) * 1000000000 + st.st_ctim.tv_nsec;
  entry.ino = static_cast<uint64_t>(st.st_ino);
  entry.dev = static_cast<uint64_t>(st.st_dev);
  return entry;
}

const char* kind_name(Kind kind) {
  switch (kind) {
    case Kind::file: return "file";
    case Kind::dir: return "dir";
    case Kind::link: return "link";
    case Kind::other: return "other";
  }
  return "other";
}

}  // namespace jailed::snapshot
