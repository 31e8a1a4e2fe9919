// Path arithmetic and the XDG base directories.
#pragma once

#include <string>

namespace jailed::util {

// Returns the directory part of `path` ("/" for "/x", "." for "x").
std::string parent_dir(const std::string& path);

// Returns the last component of `path`.
std::string base_name(const std::string& path);

// Joins two path parts with exactly one slash.
std::string join_path(const std::string& a, const std::string& b);

// Removes "." components, duplicate and trailing slashes (no symlink resolution, keeps "..").
std::string normalize(const std::string& path);

// Returns true if `path` is `dir` or lies beneath it (both normalized, absolute).
bool is_within(const std::string& path, const std::string& dir);

// Returns $HOME, or the passwd entry's home when HOME is unset.
std::string home_dir();

// Returns $XDG_<kind>_HOME or its default under $HOME; kind is CONFIG, DATA, STATE or CACHE.
std::string xdg_dir(const std::string& kind);

// Returns the current working directory.
std::string current_dir();

}  // namespace jailed::util
