// Shim directories: jailed-<agent> symlinks to jailed plus a .project file naming the project.
#include "shim/shim_dir.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>
#include <set>

#include "util/error.hpp"
#include "util/files.hpp"
#include "util/hash.hpp"
#include "util/paths.hpp"

namespace jailed::shim {
namespace {

constexpr const char* k_project_file = ".project";

std::string errno_text() { return std::strerror(errno); }

// Returns true if `name` is a temp file of a process that is still running (a shell syncing the
// same project right now): removing it would make that shell's rename fail.
bool is_live_temp(const std::string& name) {
  size_t at = name.find(".tmp.");
  if (name[0] != '.' || at == std::string::npos) return false;
  size_t start = at + 5;
  size_t end = name.find_first_not_of("0123456789", start);
  if (end == start || end - start > 9) return false;
  if (end != std::string::npos && name[end] != '.') return false;
  pid_t pid = static_cast<pid_t>(std::stol(name.substr(start, end - start)));
  return pid > 0 && (::kill(pid, 0) == 0 || errno == EPERM);
}

// Points `dir/name` at `target` by renaming a fresh symlink over it, so a shell running the
// shim meanwhile finds either the old entry or the new one, never nothing.
Status place_link(const std::string& dir, const std::string& name, const std::string& target) {
  std::string path = dir + "/" + name;
  std::string temp = dir + "/." + name + ".tmp." + std::to_string(::getpid());
  // The temp name carries our pid, so a leftover under it is ours from an earlier failed try.
  if (::unlink(temp.c_str()) != 0 && errno != ENOENT) return fail("cannot remove " + temp + ": " + errno_text());
  if (::symlink(target.c_str(), temp.c_str()) != 0) return fail("cannot create " + temp + ": " + errno_text());
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    std::string message = "cannot rename " + temp + " to " + path + ": " + errno_text();
    ::unlink(temp.c_str());
    return fail(message);
  }
  return success();
}

// Removes every entry of `dir` that is not `.project`, a wanted shim, or another shell's temp file.
Status remove_others(const std::string& dir, const std::set<std::string>& keep) {
  DIR* handle = ::opendir(dir.c_str());
  if (!handle) return fail("cannot open directory " + dir + ": " + errno_text());
  std::vector<std::string> extra;
  while (dirent* entry = ::readdir(handle)) {
    std::string name = entry->d_name;
    if (name == "." || name == ".." || name == k_project_file || keep.count(name)) continue;
    extra.push_back(name);
  }
  ::closedir(handle);
  for (const auto& name : extra) {
    if (is_live_temp(name)) continue;
    auto removed = util::remove_tree(dir + "/" + name);
    if (!removed) return removed;
  }
  return success();
}

}  // namespace

std::string shim_dir_for(const std::string& jailed_real_path) {
  return util::xdg_dir("STATE") + "/jailed/shims/" + util::xxh64_hex(jailed_real_path);
}

bool looks_like_shim_dir(std::string_view dir) {
  constexpr std::string_view k_marker = "/jailed/shims/";
  constexpr size_t k_hash_digits = 16;
  if (dir.size() < k_marker.size() + k_hash_digits) return false;
  std::string_view tail = dir.substr(dir.size() - k_hash_digits);
  if (dir.substr(dir.size() - k_hash_digits - k_marker.size(), k_marker.size()) != k_marker) return false;
  for (char c : tail) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

Status sync(const std::string& dir, const std::string& jailed_real_path, const std::vector<std::string>& shim_names,
            const std::string& jailed_binary) {
  std::set<std::string> names;
  for (const auto& name : shim_names) {
    // Names become file names next to .project and temp files: no paths, no hidden entries.
    if (name.empty() || name.find('/') != std::string::npos || name[0] == '.') {
      return fail("refusing shim name \"" + name + "\" (it must not be empty, contain '/' or start with '.')");
    }
    names.insert(name);
  }
  // 0700: whoever can write here decides what runs when the user types jailed-<agent>.
  auto made = util::make_dirs(dir, 0700);
  if (!made) return made;
  // Written before the shims, so identify() never meets a shim without its project.
  auto project = util::write_file_atomic(dir + "/" + k_project_file, jailed_real_path, 0600);
  if (!project) return project;
  for (const auto& name : names) {
    if (auto target = util::read_link(dir + "/" + name); target && *target == jailed_binary) continue;
    auto placed = place_link(dir, name, jailed_binary);
    if (!placed) return placed;
  }
  return remove_others(dir, names);
}

std::optional<ShimCall> identify(const std::string& exec_path) {
  if (exec_path.empty()) return std::nullopt;
  std::string path = exec_path;
  if (path[0] != '/') {
    try {
      path = util::join_path(util::current_dir(), path);
    } catch (const Error&) {
      return std::nullopt;
    }
  }
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0 || !S_ISLNK(st.st_mode)) return std::nullopt;
  std::string project_file = util::parent_dir(path) + "/" + k_project_file;
  // O_NOFOLLOW and the S_ISREG check on the open descriptor: only a regular file counts, checked
  // without a race. O_NONBLOCK: a FIFO planted there must not hang the shim.
  int fd = ::open(project_file.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  std::optional<ShimCall> call;
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
    auto content = util::read_fd(fd, project_file, PATH_MAX);
    if (content) call = ShimCall{std::move(*content), util::base_name(path)};
  }
  ::close(fd);
  return call;
}

}  // namespace jailed::shim
