// The walk of a project tree: breadth first, raw getdents64, and the record of the last walk.
#include "sandbox/tree_walk.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <deque>
#include <optional>
#include <unordered_map>

#include "sandbox/scan_cache.hpp"
#include "util/files.hpp"

namespace jailed::sandbox {
namespace {

unsigned char type_at(int dir_fd, const char* name, unsigned char type) {
  if (type != DT_UNKNOWN) return type;
  struct stat st {};
  if (::fstatat(dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) != 0) return DT_UNKNOWN;
  if (S_ISDIR(st.st_mode)) return DT_DIR;
  if (S_ISREG(st.st_mode)) return DT_REG;
  if (S_ISLNK(st.st_mode)) return DT_LNK;
  return DT_UNKNOWN;
}

// The record getdents64 fills (not in glibc's headers).
struct LinuxDirent64 {
  uint64_t d_ino;
  int64_t d_off;
  unsigned short d_reclen;
  unsigned char d_type;
  char d_name[1];
};

// One walk, breadth first: past the limit, what is left unscanned is the deepest part of the
// tree. A directory whose record from the last walk still holds (same inode, same settled
// change time: no entry added, removed or renamed since) costs one lstat; another is read with
// raw getdents64 (opendir adds a stat and two fcntl calls).
class Walker {
 public:
  Walker(const std::string& root, size_t dir_limit, std::vector<DirRecord>& previous)
      : m_root(root), m_limit(dir_limit) {
    m_previous_count = previous.size();
    m_previous.reserve(previous.size());
    for (auto& record : previous) m_previous.emplace(record.path, &record);
  }

  Tree run() {
    struct timespec now {};
    ::clock_gettime(CLOCK_REALTIME, &now);
    m_now_ns = static_cast<int64_t>(now.tv_sec) * 1000000000 + now.tv_nsec;
    std::deque<std::string> queue{m_root};
    while (!queue.empty()) {
      if (m_tree.directories >= m_limit) {
        m_tree.truncated = true;
        break;
      }
      std::string dir = std::move(queue.front());
      queue.pop_front();
      auto record = look(dir);
      if (!record) continue;
      ++m_tree.directories;
      if (record->git) m_tree.repos.emplace_back(dir, record->git);
      if (record->envrc && dir != m_root) m_tree.envrcs.push_back(dir + "/.envrc");
      for (const auto& name : record->subdirs) queue.push_back(dir + "/" + name);
      m_records.push_back(std::move(*record));
    }
    m_changed = m_changed || m_records.size() != m_previous_count;
    return std::move(m_tree);
  }

  // Returns the records of this walk, and whether they differ from the last walk's.
  const std::vector<DirRecord>& records() const { return m_records; }
  bool changed() const { return m_changed; }

 private:
  static int64_t ctime_of(const struct stat& st) {
    return static_cast<int64_t>(st.st_ctim.tv_sec) * 1000000000 + st.st_ctim.tv_nsec;
  }

  // Returns the record of `dir`: the last walk's if it still holds, else read now; nothing
  // for a directory that is no directory any more or cannot be opened (which the user's
  // tools cannot read either; root, whom jailed may run as, opens everything).
  std::optional<DirRecord> look(const std::string& dir) {
    struct stat st {};
    if (::lstat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) return std::nullopt;
    if (auto it = m_previous.find(dir); it != m_previous.end()) {
      DirRecord& old = *it->second;
      // Taken, not copied: each directory is walked once.
      if (old.settled && old.dev == st.st_dev && old.ino == st.st_ino && old.ctime_ns == ctime_of(st)) {
        DirRecord taken = std::move(old);
        m_previous.erase(it);
        return taken;
      }
    }
    m_changed = true;
    int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) return std::nullopt;
    // The stamp of what is read, taken before reading: a change while reading shows later.
    DirRecord record;
    if (::fstat(fd, &st) == 0) {
      record = DirRecord{dir, st.st_dev, st.st_ino, ctime_of(st), 0, false, false, {}};
      // A change within the file system's clock tick may leave the change time as it was:
      // only a time over a second old is trusted next time.
      record.settled = ctime_of(st) + 1000000000 < m_now_ns;
    }
    record.path = dir;
    read_dir(fd, record);
    ::close(fd);
    return record;
  }

  void read_dir(int fd, DirRecord& record) {
    const auto& skipped = unscanned_dir_names();
    bool build_tree = false;  // a target/ beside Cargo.toml or pom.xml holds build output only
    bool has_target = false;
    for (;;) {
      long got = ::syscall(SYS_getdents64, fd, m_buffer.data(), m_buffer.size());
      if (got <= 0) break;
      for (long at = 0; at < got;) {
        auto* entry = reinterpret_cast<LinuxDirent64*>(m_buffer.data() + at);
        at += entry->d_reclen;
        const char* name = entry->d_name;
        if (name[0] == '.' && (name[1] == 0 || (name[1] == '.' && name[2] == 0))) continue;
        unsigned char type = type_at(fd, name, entry->d_type);
        if (std::strcmp(name, ".git") == 0) {
          // Not DT_UNKNOWN (0, "none"): a .git of another type is recorded as one, which git
          // and the scan pass over alike.
          record.git = type == DT_UNKNOWN ? static_cast<unsigned char>(DT_FIFO) : type;
        } else if (std::strcmp(name, ".envrc") == 0) {
          record.envrc = true;
        } else if (std::strcmp(name, "Cargo.toml") == 0 || std::strcmp(name, "pom.xml") == 0) {
          build_tree = true;
        } else if (type == DT_DIR && std::strcmp(name, "target") == 0) {
          has_target = true;
        } else if (type == DT_DIR && std::find(skipped.begin(), skipped.end(), name) == skipped.end()) {
          record.subdirs.emplace_back(name);
        }
      }
    }
    if (has_target && !build_tree) record.subdirs.emplace_back("target");
  }

  const std::string& m_root;
  size_t m_limit;
  std::unordered_map<std::string, DirRecord*> m_previous;  // records not yet taken
  size_t m_previous_count = 0;
  int64_t m_now_ns = 0;
  Tree m_tree;
  std::vector<DirRecord> m_records;
  bool m_changed = false;
  std::vector<char> m_buffer = std::vector<char>(32768);
};


}  // namespace

const std::vector<std::string>& unscanned_dir_names() {
  static const std::vector<std::string> names = {"node_modules", ".venv", ".tox", ".nox", "__pycache__"};
  return names;
}

Tree walk_tree(const std::string& root, const std::string& cache_file, size_t dir_limit) {
  std::vector<DirRecord> previous;
  if (!cache_file.empty()) {
    if (auto bytes = util::read_file(cache_file, 256 * 1024 * 1024)) previous = decode_walk(root, *bytes);
  }
  Walker walker(root, dir_limit, previous);
  Tree tree = walker.run();
  // The record only saves time: failing to write it changes nothing.
  if (!cache_file.empty() && walker.changed()) (void)save_walk(cache_file, encode_walk(root, walker.records()));
  return tree;
}

}  // namespace jailed::sandbox
