#include "snapshot/restore.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>
#include <set>
#include <unordered_map>

#include "snapshot/beneath.hpp"
#include "snapshot/content.hpp"
#include "snapshot/pack.hpp"
#include "util/files.hpp"
#include "util/strings.hpp"

namespace jailed::snapshot {
namespace {

std::string errno_text() { return std::strerror(errno); }

Failure cannot(const std::string& what, const std::string& path) {
  return fail("cannot " + what + " " + util::printable(path) + ": " + errno_text());
}

// Closes a descriptor at the end of a scope.
struct Fd {
  int fd = -1;
  explicit Fd(int f) : fd(f) {}
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
};

timespec to_timespec(int64_t ns) { return timespec{static_cast<time_t>(ns / 1000000000), static_cast<long>(ns % 1000000000)}; }

// A name for a file being written next to its final place; renamed over it when complete.
std::string temp_name(const std::string& name) {
  static unsigned counter = 0;
  return ".jailed-restore-" + std::to_string(::getpid()) + "-" + std::to_string(++counter) + "-" +
         name.substr(0, std::min<size_t>(name.size(), 32));
}

class Restorer {
 public:
  Restorer(Store& store, int root_fd, const Tree& snapshot) : m_store(store), m_root(root_fd) {
    for (const auto& e : snapshot) m_dirs.emplace(e.path, &e);
  }

  // Opens the parent directory of `path`, making each missing or replaced directory on the way
  // again (a link or file where the snapshot had a directory is removed, not followed).
  Result<int> parent_of(const std::string& path) {
    auto [parent, name] = split_parent(path);
    int fd = ::fcntl(m_root, F_DUPFD_CLOEXEC, 0);
    if (parent.empty()) return fd;
    std::string so_far;
    for (const auto& part : util::split(parent, '/')) {
      so_far = so_far.empty() ? part : so_far + "/" + part;
      int next = ::openat(fd, part.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (next < 0 && (errno == ENOENT || errno == ELOOP || errno == ENOTDIR)) {
        if (errno != ENOENT && !remove_at(fd, part)) {
          ::close(fd);
          return cannot("remove", so_far);
        }
        auto known = m_dirs.find(so_far);
        mode_t mode = known != m_dirs.end() ? known->second->mode : 0755;
        if (::mkdirat(fd, part.c_str(), 0700) != 0 && errno != EEXIST) {
          ::close(fd);
          return cannot("make the directory", so_far);
        }
        next = ::openat(fd, part.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (next >= 0) (void)::fchmod(next, mode);
      }
      ::close(fd);
      if (next < 0) return cannot("open", so_far);
      fd = next;
    }
    return fd;
  }

  // Makes `e` (a directory, link or special file) what the snapshot says.
  Status restore_node(const Entry& e) {
    auto parent = parent_of(e.path);
    if (!parent) return parent.failure();
    Fd dir(*parent);
    std::string name = split_parent(e.path).second;
    struct stat st;
    bool present = ::fstatat(dir.fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0;
    if (e.kind == Kind::dir) {
      if (present && !S_ISDIR(st.st_mode) && !remove_at(dir.fd, name)) return cannot("remove", e.path);
      if ((!present || !S_ISDIR(st.st_mode)) && ::mkdirat(dir.fd, name.c_str(), 0700) != 0) {
        return cannot("make the directory", e.path);
      }
      Fd self(::openat(dir.fd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
      if (self.fd < 0 || ::fchmod(self.fd, e.mode) != 0) return cannot("set the mode of", e.path);
      return success();
    }
    if (e.kind == Kind::link) {
      std::string temp = temp_name(name);
      if (::symlinkat(e.target.c_str(), dir.fd, temp.c_str()) != 0) return cannot("make the link", e.path);
      timespec times[2] = {to_timespec(e.mtime_ns), to_timespec(e.mtime_ns)};
      (void)::utimensat(dir.fd, temp.c_str(), times, AT_SYMLINK_NOFOLLOW);
      return put_in_place(dir.fd, temp, name, e.path);
    }
    return success();  // sockets, devices, FIFOs: recorded, not made again
  }

  // Queues the file `e` to be written when its pack is read.
  void want_file(const Entry& e) { m_files[hash_hex(e.hash)].push_back(&e); }

  // Reads each pack holding queued content once, writing every file that has it.
  Status write_files() {
    std::map<std::string, std::set<std::string>> by_pack;
    for (const auto& [hex, entries] : m_files) {
      auto pack = m_store.pack_of(entries.front()->hash);
      if (!pack) return fail("the content of " + util::printable(entries.front()->path) + " is missing from the store");
      by_pack[*pack].insert(hex);
    }
    for (const auto& entry : by_pack) {
      const auto& pack = entry.first;
      const auto& hashes = entry.second;  // a plain reference: lambdas may not capture bindings before C++20
      auto read = read_pack(
          m_store.pack_path(pack),
          [&](const std::string& name) { return hashes.count(name) > 0; },
          [&](const std::string& name, std::string_view chunk, bool done) { return receive(name, chunk, done); });
      if (!read) return read;
    }
    for (const auto& [hex, entries] : m_files) {
      if (!m_written.count(hex)) return fail("the content of " + util::printable(entries.front()->path) + " is missing from its pack");
    }
    return success();
  }

 private:
  struct Open {
    const Entry* entry;
    int dir;
    int fd;
    std::string temp;
  };

  Status receive(const std::string& hex, std::string_view chunk, bool done) {
    if (m_open.empty()) {
      for (const Entry* e : m_files[hex]) {
        auto parent = parent_of(e->path);
        if (!parent) return parent.failure();
        std::string temp = temp_name(split_parent(e->path).second);
        // O_EXCL | O_NOFOLLOW: a fresh file of our own, never something planted under that name.
        int fd = ::openat(*parent, temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd < 0) {
          ::close(*parent);
          return cannot("write", e->path);
        }
        m_open.push_back(Open{e, *parent, fd, temp});
      }
    }
    for (auto& out : m_open) {
      if (auto written = util::write_all(out.fd, chunk, out.entry->path); !written) return written;
    }
    if (!done) return success();
    for (auto& out : m_open) {
      timespec times[2] = {to_timespec(out.entry->mtime_ns), to_timespec(out.entry->mtime_ns)};
      bool ok = ::fchmod(out.fd, out.entry->mode) == 0 && ::futimens(out.fd, times) == 0;
      ::close(out.fd);
      Status placed = ok ? put_in_place(out.dir, out.temp, split_parent(out.entry->path).second, out.entry->path)
                         : Status(cannot("set the mode and times of", out.entry->path));
      ::close(out.dir);
      if (!placed) return placed;
    }
    m_open.clear();
    m_written.insert(hex);
    return success();
  }

  // Renames `temp` over `name` in `dir`; a directory in the way goes first (rename cannot).
  Status put_in_place(int dir, const std::string& temp, const std::string& name, const std::string& shown) {
    struct stat st;
    if (::fstatat(dir, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode) && !remove_at(dir, name)) {
      (void)::unlinkat(dir, temp.c_str(), 0);
      return cannot("remove", shown);
    }
    if (::renameat(dir, temp.c_str(), dir, name.c_str()) != 0) {
      (void)::unlinkat(dir, temp.c_str(), 0);
      return cannot("restore", shown);
    }
    return success();
  }

  Store& m_store;
  int m_root;
  std::unordered_map<std::string, const Entry*> m_dirs;
  std::map<std::string, std::vector<const Entry*>> m_files;
  std::vector<Open> m_open;
  std::set<std::string> m_written;
};

}  // namespace

std::vector<Change> restore_plan(std::vector<Change> changes, bool remove_added) {
  if (!remove_added) {
    std::erase_if(changes, [](const Change& c) { return c.what == ChangeKind::added; });
  }
  return changes;
}

Status apply_restore(Store& store, int root_fd, const Tree& snapshot, const std::vector<Change>& plan) {
  // Additions go first, deepest first, so that nothing new stands where the snapshot had something.
  for (auto it = plan.rbegin(); it != plan.rend(); ++it) {
    if (it->what != ChangeKind::added) continue;
    auto [parent, name] = split_parent(it->path);
    Fd dir(open_dir_beneath(root_fd, parent));
    if (dir.fd < 0) {
      if (errno == ENOENT) continue;  // went with its directory
      return cannot("open", parent);
    }
    if (!remove_at(dir.fd, name)) return cannot("remove", it->path);
  }
  Restorer restorer(store, root_fd, snapshot);
  for (const auto& change : plan) {
    if (change.what == ChangeKind::added) continue;
    const Entry& e = *change.before;
    if (e.kind == Kind::file) {
      restorer.want_file(e);
    } else if (auto made = restorer.restore_node(e); !made) {
      return made;
    }
  }
  if (auto written = restorer.write_files(); !written) return written;
  // Directory times last, deepest first: writing inside a directory moves its mtime.
  for (auto it = snapshot.rbegin(); it != snapshot.rend(); ++it) {
    if (it->kind != Kind::dir) continue;
    bool touched = std::any_of(plan.begin(), plan.end(), [&](const Change& c) { return at_or_beneath(c.path, it->path) ||
                                                                                        at_or_beneath(it->path, c.path); });
    if (!touched) continue;
    Fd dir(open_dir_beneath(root_fd, it->path));
    if (dir.fd < 0) continue;
    timespec times[2] = {to_timespec(it->mtime_ns), to_timespec(it->mtime_ns)};
    (void)::fchmod(dir.fd, it->mode);
    (void)::futimens(dir.fd, times);
  }
  return success();
}

}  // namespace jailed::snapshot
