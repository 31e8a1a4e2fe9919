// File-system helpers: reading, atomic writing, directory creation.
#pragma once

#include <sys/stat.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "util/result.hpp"

namespace jailed::util {

// Reads the whole file; fails if it is larger than `max_bytes`.
Result<std::string> read_file(const std::string& path, size_t max_bytes = 64 * 1024 * 1024);

// Reads the whole file from an open descriptor; fails past `max_bytes`.
Result<std::string> read_fd(int fd, const std::string& label, size_t max_bytes);

// Writes all of `content` to `fd`; `label` names it in the error.
Status write_all(int fd, std::string_view content, const std::string& label);

// Returns a memory file (close-on-exec, rewound) holding `content`: for a program to read,
// nothing on disk.
Result<int> memory_file(const char* name, std::string_view content);

// Writes `content` to `path` atomically: a temp file in the same directory, fsync, rename.
// Does nothing when the file already holds exactly `content`.
Status write_file_atomic(const std::string& path, const std::string& content, mode_t mode = 0644);

// Creates `path` and its missing parents with `mode`.
Status make_dirs(const std::string& path, mode_t mode = 0755);

// Returns stat() of `path`, or nothing if it does not exist or cannot be read.
std::optional<struct stat> stat_path(const std::string& path);

// Returns lstat() of `path`, or nothing.
std::optional<struct stat> lstat_path(const std::string& path);

// Returns where the symlink `path` points.
Result<std::string> read_link(const std::string& path);

// Returns true if `path` names an existing entry (not following a final symlink).
bool exists_nofollow(const std::string& path);

// Removes a directory tree; ignores a missing path.
Status remove_tree(const std::string& path);

// Returns the realpath of `path`.
Result<std::string> real_path(const std::string& path);

}  // namespace jailed::util

namespace jailed::util {

// Identity of a file's current version: changes whenever the file is edited or replaced.
struct FileStamp {
  uint64_t dev = 0, ino = 0, size = 0;
  int64_t mtime_ns = 0, ctime_ns = 0;
  bool operator==(const FileStamp&) const = default;
};

// Returns the stamp of a stat result.
FileStamp stamp_of(const struct stat& st);

}  // namespace jailed::util
