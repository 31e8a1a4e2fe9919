// The record of a project walk kept between launches: a directory whose inode and change time
// are as recorded is not read again (one stat instead of an open and two getdents64).
#pragma once

#include <cstdint>
#include <string_view>
#include <string>
#include <vector>

namespace jailed::sandbox {

// One directory as the walk saw it.
struct DirRecord {
  std::string path;
  uint64_t dev = 0;
  uint64_t ino = 0;
  int64_t ctime_ns = 0;
  unsigned char git = 0;  // DT_* type of its .git entry; 0 for none
  bool envrc = false;     // it holds an .envrc
  // Its ctime was over a second old when it was read: a change since then gives a later ctime
  // even where file systems keep coarse (clock tick) timestamps.
  bool settled = false;
  std::vector<std::string> subdirs;  // names of the subdirectories the walk enters
  bool operator==(const DirRecord&) const = default;
};

// Returns the records of a walk of `root` as the bytes of its cache file, and back; nothing
// (an empty list) for bytes that are not a whole record of `root` in this format.
std::string encode_walk(const std::string& root, const std::vector<DirRecord>& records);
std::vector<DirRecord> decode_walk(const std::string& root, const std::string& bytes);

// Writes `bytes` to `file` through a temporary file and a rename, without fsync: a record lost
// in a crash costs one full walk. Creates the directory 0700.
bool save_walk(const std::string& file, const std::string& bytes);

// Returns the cache file of the walk of `root`: $XDG_CACHE_HOME/jailed/scan/<hash> (safe to
// delete).
std::string walk_cache_file(const std::string& root);

}  // namespace jailed::sandbox
