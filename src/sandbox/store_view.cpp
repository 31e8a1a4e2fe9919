// Chooses how a Nix jail shows the store. One bind per closure path is the obvious way, but bwrap
// re-reads /proc/self/mountinfo after every bind, so N binds cost O(N^2): 60-200 ms at 300 paths.
// With Landlock the store is bound once and a ruleset confines reading to the closure instead.
#include "sandbox/store_view.hpp"

#include "sandbox/landlock.hpp"
#include "util/files.hpp"

namespace jailed::sandbox {
namespace {

// Returns why Landlock cannot confine this jail, or "" if it can.
std::string landlock_unusable(const HostFacts& host) {
  if (std::string off = landlock_turned_off(host.env); !off.empty()) {
    return "Landlock is turned off (JAILED_NO_LANDLOCK=" + off + ")";
  }
  if (host.landlock_abi < 1) return "Landlock is not available";
  if (host.landlock_helper.empty()) return "the Landlock helper (libexec/jailed/jailed-landlock) is not installed";
  return "";
}

std::string paths_word(size_t n) { return std::to_string(n) + (n == 1 ? " path" : " paths"); }

}  // namespace

std::vector<Mount> store_mounts(const resolve::Resolution& resolution, const HostFacts& host, Policy& policy) {
  std::vector<Mount> mounts;
  if (resolution.backend != "nix") return mounts;
  const auto& closure = resolution.closure;
  std::string count = std::to_string(closure.size());
  if (resolution.full_store) {
    policy.store_view = StoreView::full;
    mounts.push_back({MountKind::ro_bind, k_store_dir, k_store_dir, "store = full: all of /nix/store, unconfined"});
  } else if (std::string why_not = landlock_unusable(host); why_not.empty()) {
    policy.store_view = StoreView::landlock;
    policy.store_paths = closure;
    policy.landlock_abi = host.landlock_abi;
    policy.landlock_helper = host.landlock_helper;
    mounts.push_back({MountKind::ro_bind, k_store_dir, k_store_dir,
                      "the store, read-only; Landlock lets the agent read only the " + count + " closure paths"});
  } else {
    policy.store_view = StoreView::per_path;
    policy.store_paths = closure;
    policy.store_links = host.store_links;
    policy.notes.push_back(why_not + "; binding each of the " + count + " store paths (slower start)");
    // The store directory itself holds only mount points; mode 0111 keeps even those unlisted.
    // The binds come last (late_store_mounts).
    mounts.push_back({MountKind::unlisted_dir, "", k_store_dir, "the store directory: unlisted"});
  }
  // The host's env would not even run in a Nix jail (no /lib); scripts starting
  // #!/usr/bin/env get the closure's.
  if (!host.store_env.empty()) {
    mounts.push_back({MountKind::symlink, host.store_env, "/usr/bin/env", "env from the closure, for #!/usr/bin/env"});
  }
  return mounts;
}

std::vector<Mount> late_store_mounts(const Policy& policy) {
  if (policy.store_view != StoreView::per_path) return {};
  std::vector<Mount> mounts;
  for (const auto& path : policy.store_paths) {
    auto link = policy.store_links.find(path);
    if (link == policy.store_links.end()) {
      mounts.push_back({MountKind::ro_bind, path, path, "closure"});
    } else {
      mounts.push_back({MountKind::symlink, link->second, path, "closure (a symlink)"});
    }
  }
  // The agent owns the tmpfs: without this it could chmod the store directory listable again.
  mounts.push_back({MountKind::remount_ro, "", k_store_dir, "sealed: the store directory stays unlisted"});
  return mounts;
}

const char* store_view_name(StoreView view) {
  switch (view) {
    case StoreView::none: return "none";
    case StoreView::landlock: return "landlock";
    case StoreView::per_path: return "per_path";
    case StoreView::full: return "full";
  }
  return "none";
}

std::string describe_store(const Policy& policy) {
  switch (policy.store_view) {
    case StoreView::none: return "";
    case StoreView::landlock:
      return paths_word(policy.store_paths.size()) + ", confined by Landlock ABI " +
             std::to_string(policy.landlock_abi);
    case StoreView::per_path: return paths_word(policy.store_paths.size()) + ", bound one by one";
    case StoreView::full: return "all of /nix/store";
  }
  return "";
}

std::string store_name(const std::string& path) {
  std::string prefix = std::string(k_store_dir) + "/";
  if (path.compare(0, prefix.size(), prefix) != 0) return "";
  std::string name = path.substr(prefix.size());
  if (name.empty() || name == "." || name == ".." || name.find_first_of(std::string("/\0", 2)) != std::string::npos) {
    return "";
  }
  return name;
}

namespace {

// Returns the env of a package's bin directory: coreutils' if a package has it, else any
// (busybox, toybox). Only the packages' bin directories (PATH inside), not every closure path:
// a launch should not stat hundreds of paths.
std::string find_store_env(const resolve::Resolution& resolution) {
  std::string fallback;
  for (const auto& dir : resolution.path_dirs) {
    std::string env = dir + "/env";
    if (!util::stat_path(env)) continue;
    if (dir.find("-coreutils-") != std::string::npos) return env;
    if (fallback.empty()) fallback = env;
  }
  return fallback;
}

}  // namespace

void probe_store(const resolve::Resolution& resolution, HostFacts& host) {
  host.store_env.clear();
  host.store_links.clear();
  if (resolution.backend != "nix") return;
  host.store_env = find_store_env(resolution);
  // The per-path view binds each closure path, and a bind follows a symlink: only that slow view
  // pays for looking at every path.
  if (resolution.full_store || landlock_unusable(host).empty()) return;
  for (const auto& path : resolution.closure) {
    auto st = util::lstat_path(path);
    if (!st || !S_ISLNK(st->st_mode)) continue;
    if (auto target = util::read_link(path)) host.store_links[path] = *target;
  }
}

}  // namespace jailed::sandbox
