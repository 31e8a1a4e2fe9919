// Locating the nearest .jailed and reading it safely.
#pragma once

#include <sys/stat.h>

#include <optional>
#include <string>

#include "util/files.hpp"
#include "util/result.hpp"

namespace jailed::config {

// The file name jailed looks for.
inline constexpr const char* k_file_name = ".jailed";

// A .jailed found by walking up from a directory.
struct Found {
  std::string path;  // dir + "/.jailed"
  util::FileStamp stamp;
};

// Returns the nearest regular file named .jailed in `dir` or an ancestor (stat() calls only).
std::optional<Found> find_nearest(const std::string& dir);

// A .jailed read for use: the bytes read are the bytes hashed and parsed (no second read).
struct LoadedFile {
  std::string path;       // as found
  std::string real_path;  // realpath, the trust key
  std::string content;
  util::FileStamp stamp;
};

// Opens and reads a .jailed: refuses a file owned by another user or writable by group/others,
// or whose path (as given or real) holds a control, bidi or invisible character
// (ExitCode::not_allowed), larger than 1 MiB, or not a regular file.
Result<LoadedFile> read_jailed_file(const std::string& path);

// Reads one of the user's own config files (global config, user preset). Returns nothing if
// it does not exist; refuses one owned by another user (root excepted) or writable by group
// or others (ExitCode::not_allowed). Symlinks are followed: dotfile managers create them.
Result<std::optional<std::string>> read_user_file(const std::string& path);

// Resolves a user argument (a .jailed file or a directory holding one; empty: the nearest
// from the current directory) to a .jailed path.
Result<std::string> locate_jailed_file(const std::string& argument);

}  // namespace jailed::config
