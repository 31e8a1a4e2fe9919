// Component-wise path resolution (see path_walk.hpp).
#include "util/path_walk.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <deque>

#include "util/files.hpp"
#include "util/paths.hpp"
#include "util/strings.hpp"

namespace jailed::util {
namespace {

// The kernel's own limit (MAXSYMLINKS).
constexpr int k_max_links = 40;
const std::string k_root = "/";

void push_front_parts(std::deque<std::string>& rest, const std::string& path) {
  auto parts = split(path, '/');
  for (auto it = parts.rbegin(); it != parts.rend(); ++it) {
    if (!it->empty() && *it != ".") rest.push_front(*it);
  }
}

std::string join_rest(std::string at, const std::deque<std::string>& rest) {
  for (const auto& part : rest) at = join_path(at, part);
  return normalize(at);
}

}  // namespace

Result<WalkedPath> walk_path(const std::string& path) {
  if (path.empty() || path[0] != '/') return fail("cannot resolve " + path + ": not an absolute path");
  WalkedPath out;
  std::deque<std::string> rest;
  push_front_parts(rest, path);
  std::string at = k_root;
  int links = 0;
  while (!rest.empty()) {
    std::string part = rest.front();
    rest.pop_front();
    // `at` holds no symlink, so its lexical parent is its real parent.
    if (part == "..") {
      at = parent_dir(at);
      continue;
    }
    std::string next = join_path(at, part);
    struct stat st {};
    if (::lstat(next.c_str(), &st) != 0) {
      if (errno == ENOENT) {
        out.exists = false;
        rest.push_front(part);
        out.real = join_rest(at, rest);
        return out;
      }
      return fail("cannot resolve " + path + ": " + next + ": " + std::strerror(errno));
    }
    if (S_ISLNK(st.st_mode)) {
      if (++links > k_max_links) return fail("cannot resolve " + path + ": too many levels of symbolic links");
      auto target = read_link(next);
      if (!target) return fail("cannot resolve " + path + ": " + target.error());
      out.links.push_back(next);
      if (!target->empty() && (*target)[0] == '/') at = k_root;
      push_front_parts(rest, *target);
      continue;
    }
    if (!rest.empty() && !S_ISDIR(st.st_mode)) return fail("cannot resolve " + path + ": " + next + " is not a directory");
    at = next;
  }
  out.real = at;
  return out;
}

}  // namespace jailed::util
