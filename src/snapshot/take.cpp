#include "snapshot/take.hpp"

#include <fcntl.h>
#include <sys/random.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <unordered_map>
#include <unordered_set>

#include "snapshot/beneath.hpp"
#include "snapshot/content.hpp"
#include "snapshot/pack.hpp"
#include "snapshot/tree_walk.hpp"
#include "util/error.hpp"
#include "util/paths.hpp"
#include "util/strings.hpp"

namespace jailed::snapshot {
namespace {

// Returns a name no other pack has: the time, and random bytes (two snapshots can start within
// one tick of the clock, in one process).
std::string unique_name() {
  unsigned char random[8] = {};
  if (::getrandom(random, sizeof random, 0) != sizeof random) {
    throw Error(std::string("cannot name a pack: ") + std::strerror(errno));
  }
  return std::to_string(coarse_now_ns() / 1000000000) + "-" +
         util::to_hex(std::string_view(reinterpret_cast<const char*>(random), sizeof random));
}

bool identical(const Entry& a, const Entry& b) {
  return a.path == b.path && a.same_content(b) && a.size == b.size && a.mtime_ns == b.mtime_ns &&
         a.ctime_ns == b.ctime_ns && a.ino == b.ino && a.dev == b.dev;
}

// The pack of one snapshot, created on its first new content under a name no one else uses.
class PendingPack {
 public:
  explicit PendingPack(Store& store) : m_store(store) {}
  ~PendingPack() {
    if (!m_temp.empty() && !m_done) ::unlink(m_temp.c_str());
  }

  // Stores `content` of the file `path` unless it is stored already.
  Status add(int root_fd, const std::string& path, const Content& content) {
    if (m_added.count(content.hash) || m_store.pack_of(content.hash)) return success();
    if (!m_writer.is_open()) {
      m_store.remove_unfinished();
      m_name = unique_name() + ".tar.zst";
      m_temp = m_store.pack_path(".new-" + m_name);
      if (auto opened = m_writer.open(m_temp); !opened) return opened;
    }
    std::string name = hash_hex(content.hash);
    Status added = success();
    if (content.bytes) {
      added = m_writer.add(name, *content.bytes);
    } else {
      int fd = open_beneath(root_fd, path, O_RDONLY | O_NOCTTY | O_NONBLOCK);
      if (fd < 0) return fail(util::printable(path) + " changed while it was being recorded; try again");
      added = m_writer.add_stream(name, fd, content.size, content.hash);
      ::close(fd);
    }
    if (!added) return fail(util::printable(path) + ": " + added.error());
    m_added.insert(content.hash);
    m_blobs.emplace_back(content.hash, content.size);
    return success();
  }

  // Finishes the pack and moves it to its name; fills in what commit() records of it.
  Status finish(NewSnapshot& snapshot) {
    if (!m_writer.is_open()) return success();
    if (auto done = m_writer.finish(); !done) return done;
    auto size = file_size(m_temp);
    if (::rename(m_temp.c_str(), m_store.pack_path(m_name).c_str()) != 0) {
      return fail("cannot store the pack " + m_store.pack_path(m_name) + ": " + std::strerror(errno));
    }
    // The new name on the disk too, before the database names it.
    int dir = ::open(util::parent_dir(m_store.pack_path(m_name)).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir >= 0) {
      (void)::fsync(dir);
      ::close(dir);
    }
    m_done = true;
    snapshot.pack = m_name;
    snapshot.pack_bytes = size;
    snapshot.blobs = std::move(m_blobs);
    return success();
  }

 private:
  static int64_t file_size(const std::string& path) {
    struct stat st;
    return ::stat(path.c_str(), &st) == 0 ? static_cast<int64_t>(st.st_size) : 0;
  }
  Store& m_store;
  PackWriter m_writer;
  std::string m_name, m_temp;
  bool m_done = false;
  std::unordered_set<std::string> m_added;
  std::vector<std::pair<std::string, int64_t>> m_blobs;
};

}  // namespace

int64_t coarse_now_ns() {
  timespec now{};
  ::clock_gettime(CLOCK_REALTIME_COARSE, &now);
  return static_cast<int64_t>(now.tv_sec) * 1000000000 + now.tv_nsec;
}

int64_t latest_snapshot(Store& store) {
  auto all = store.snapshots();
  return all.empty() ? 0 : all.back().id;
}

Result<Taken> take_snapshot(Store& store, int root_fd, const Settings& settings, const std::string& reason) {
  store.lock();
  // A file changed at or after this moment may change again within the same clock tick without
  // its ctime moving: such entries are marked racy and read again next time.
  const int64_t started = coarse_now_ns();
  auto walked = walk_tree(root_fd, settings.excludes);
  if (!walked) return walked.failure();
  Taken taken;
  for (const auto& e : *walked) taken.project_bytes += e.size;
  if (taken.project_bytes > settings.max_size) return taken;

  int64_t previous_id = latest_snapshot(store);
  Tree previous = previous_id ? store.manifest(previous_id) : Tree();
  std::unordered_map<std::string_view, const Entry*> before;
  for (const auto& e : previous) before.emplace(e.path, &e);

  NewSnapshot snapshot;
  snapshot.reason = reason;
  store.begin_reading();
  snapshot.excludes = settings.patterns;
  PendingPack pack(store);
  std::vector<std::string> settled;
  for (auto& e : *walked) {
    if (e.kind != Kind::file) {
      snapshot.tree.push_back(std::move(e));
      continue;
    }
    auto found = before.find(e.path);
    bool was_racy = found != before.end() && found->second->racy;
    if (found != before.end() && e.same_stat(*found->second)) {
      e.hash = found->second->hash;
    } else {
      auto content = read_content(root_fd, e.path);
      if (!content) return content.failure();
      if (!*content) continue;  // gone meanwhile
      ++taken.files_read;
      e.hash = (*content)->hash;
      e.size = (*content)->size;
      if (auto added = pack.add(root_fd, e.path, **content); !added) return added.failure();
    }
    e.racy = e.ctime_ns >= started || e.mtime_ns >= started;
    if (was_racy && !e.racy && identical(e, *found->second)) settled.push_back(e.path);
    snapshot.bytes += e.size;
    snapshot.tree.push_back(std::move(e));
  }

  store.end_reading();
  // Nothing changed: the last snapshot stands for this one too.
  bool same = previous_id && snapshot.tree.size() == previous.size();
  for (size_t i = 0; same && i < previous.size(); ++i) same = identical(snapshot.tree[i], previous[i]);
  if (same) {
    store.settle(previous_id, settled);
    taken.id = previous_id;
    taken.reused = true;
    return taken;
  }
  if (auto finished = pack.finish(snapshot); !finished) return finished.failure();
  taken.stored = snapshot.pack_bytes;
  taken.id = store.commit(snapshot);
  return taken;
}

}  // namespace jailed::snapshot
