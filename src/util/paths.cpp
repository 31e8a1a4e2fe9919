#include "util/paths.hpp"

#include <unistd.h>

#include <cstdlib>
#include <vector>

#include "util/accounts.hpp"
#include "util/error.hpp"
#include "util/strings.hpp"

namespace jailed::util {

std::string parent_dir(const std::string& path) {
  size_t slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

std::string base_name(const std::string& path) {
  size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::string join_path(const std::string& a, const std::string& b) {
  if (a.empty()) return b;
  if (b.empty()) return a;
  bool a_slash = a.back() == '/';
  bool b_slash = b.front() == '/';
  if (a_slash && b_slash) return a + b.substr(1);
  if (a_slash || b_slash) return a + b;
  return a + "/" + b;
}

std::string normalize(const std::string& path) {
  bool absolute = !path.empty() && path[0] == '/';
  std::vector<std::string> kept;
  for (auto& part : split(path, '/')) {
    if (part.empty() || part == ".") continue;
    kept.push_back(part);
  }
  std::string out = join(kept, "/");
  if (absolute) return "/" + out;
  return out.empty() ? "." : out;
}

bool is_within(const std::string& path, const std::string& dir) {
  if (dir == "/") return !path.empty() && path[0] == '/';
  if (path.size() < dir.size() || path.compare(0, dir.size(), dir) != 0) return false;
  return path.size() == dir.size() || path[dir.size()] == '/';
}

std::string home_dir() {
  const char* home = std::getenv("HOME");
  if (home && *home) return home;
  if (auto entry = passwd_entry(::getuid()); entry && !entry->home.empty()) return entry->home;
  throw Error("cannot find the home directory: set HOME");
}

std::string xdg_dir(const std::string& kind) {
  std::string var = "XDG_" + kind + "_HOME";
  const char* value = std::getenv(var.c_str());
  // The XDG spec says relative values are invalid and must be ignored.
  if (value && value[0] == '/') return value;
  if (kind == "CONFIG") return home_dir() + "/.config";
  if (kind == "DATA") return home_dir() + "/.local/share";
  if (kind == "STATE") return home_dir() + "/.local/state";
  return home_dir() + "/.cache";
}

std::string current_dir() {
  char* cwd = ::getcwd(nullptr, 0);
  if (!cwd) throw Error("cannot read the current directory (was it removed?)");
  std::string out = cwd;
  std::free(cwd);
  return out;
}

}  // namespace jailed::util
