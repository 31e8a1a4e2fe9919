// GC root directories under $XDG_STATE_HOME/jailed/gcroots.
#include "cache/gc_roots.hpp"

#include <dirent.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <random>

#include "util/files.hpp"
#include "util/strings.hpp"

namespace jailed::cache {
namespace {

constexpr time_t k_max_resolution_seconds = 24 * 60 * 60;

std::string nonce() {
  std::random_device random;
  char buf[17];
  std::snprintf(buf, sizeof buf, "%08x%08x", random(), random());
  return buf;
}

// Returns the pid part of "<key>.<pid>.<nonce>", or 0.
pid_t owner_of(const std::string& name) {
  auto parts = util::split(name, '.');
  if (parts.size() != 3 || parts[1].empty() || parts[1].size() > 9) return 0;
  if (!std::all_of(parts[1].begin(), parts[1].end(), [](char c) { return c >= '0' && c <= '9'; })) return 0;
  return static_cast<pid_t>(std::stol(parts[1]));
}

}  // namespace

Result<std::string> create_roots_dir(const std::string& base, const std::string& key) {
  if (auto made = util::make_dirs(base, 0700); !made) return made.failure();
  for (int attempt = 0; attempt < 8; ++attempt) {
    std::string name = key + "." + std::to_string(::getpid()) + "." + nonce();
    std::string path = base + "/" + name;
    if (::mkdir(path.c_str(), 0700) == 0) return name;
    if (errno != EEXIST) return fail("cannot create " + path + ": " + std::strerror(errno));
  }
  return fail("cannot create a unique directory in " + base);
}

bool roots_pin(const std::string& dir, const std::vector<std::string>& outputs) {
  DIR* handle = ::opendir(dir.c_str());
  if (!handle) return false;
  std::vector<std::string> targets;
  while (dirent* entry = ::readdir(handle)) {
    std::string name = entry->d_name;
    if (name == "." || name == "..") continue;
    if (auto target = util::read_link(dir + "/" + name); target && !target->empty()) targets.push_back(*target);
  }
  ::closedir(handle);
  for (const auto& output : outputs) {
    if (std::find(targets.begin(), targets.end(), output) == targets.end()) return false;
    // A root keeps the whole closure alive, so its outputs existing means the closure does.
    if (!util::exists_nofollow(output)) return false;
  }
  return true;
}

std::vector<std::string> list_roots_dirs(const std::string& base) {
  std::vector<std::string> names;
  DIR* handle = ::opendir(base.c_str());
  if (!handle) return names;
  while (dirent* entry = ::readdir(handle)) {
    std::string name = entry->d_name;
    if (name != "." && name != "..") names.push_back(name);
  }
  ::closedir(handle);
  std::sort(names.begin(), names.end());
  return names;
}

bool resolution_running(const std::string& base, const std::string& name) {
  pid_t pid = owner_of(name);
  if (pid <= 0) return false;
  auto st = util::lstat_path(base + "/" + name);
  if (!st || std::time(nullptr) - st->st_mtime > k_max_resolution_seconds) return false;
  // EPERM: the process exists but belongs to someone else; still running.
  return ::kill(pid, 0) == 0 || errno == EPERM;
}

Status remove_roots_dir(const std::string& base, const std::string& name) {
  // Names come from our own database; refuse anything that could step outside `base`.
  if (name.empty() || name.find('/') != std::string::npos || name == "." || name == "..") {
    return fail("refusing to remove roots directory " + util::printable(name));
  }
  return util::remove_tree(base + "/" + name);
}

}  // namespace jailed::cache
