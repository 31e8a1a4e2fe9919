// One path of a project as a snapshot records it, and a whole tree of them.
#pragma once

#include <sys/stat.h>

#include <cstdint>
#include <string>
#include <vector>

namespace jailed::snapshot {

// What a path is. Values are stored in the manifest database: never renumber.
enum class Kind : int { file = 1, dir = 2, link = 3, other = 4 };

// One path of a project: its metadata, and the identity of its content.
struct Entry {
  std::string path;    // relative to the project, '/'-separated, any bytes but NUL
  Kind kind = Kind::file;
  uint32_t mode = 0;   // permission bits (07777)
  int64_t size = 0;
  int64_t mtime_ns = 0;
  int64_t ctime_ns = 0;
  uint64_t ino = 0;
  uint64_t dev = 0;
  std::string hash;    // files: the SHA-256 of the content (32 raw bytes)
  std::string target;  // links: where the link points, as stored
  bool racy = false;   // changed too close to its snapshot for size and times to vouch for it

  // Returns true if size, times and inode say the content is the one `before` recorded, so that
  // it need not be read again. ctime cannot be set by a program, unlike mtime.
  bool same_stat(const Entry& before) const {
    return !before.racy && kind == before.kind && size == before.size && mtime_ns == before.mtime_ns &&
           ctime_ns == before.ctime_ns && ino == before.ino && dev == before.dev;
  }
  // Returns true if the path is the same thing: kind, mode, content and link target.
  bool same_content(const Entry& other) const {
    return kind == other.kind && mode == other.mode && hash == other.hash && target == other.target;
  }
  bool executable() const { return kind == Kind::file && (mode & 0111) != 0; }
};

using Tree = std::vector<Entry>;

// Returns an entry for `path` with the metadata of `st` (no content yet).
Entry entry_from_stat(std::string path, const struct stat& st);

// Returns "file", "dir", "link" or "other".
const char* kind_name(Kind kind);

}  // namespace jailed::snapshot
