// Agent state on the host: config paths created before the jail starts, and the private home
// that keeps an agent's single-file state (~/.claude.json) across sessions.
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>

#include "sandbox/policy.hpp"
#include "sandbox/policy_parts.hpp"
#include "sandbox/tree_copy.hpp"
#include "util/files.hpp"
#include "util/hash.hpp"
#include "util/paths.hpp"
#include "util/strings.hpp"

namespace jailed::sandbox {
namespace {

// Config names ending in these are files (e.g. ~/.claude.json); anything else is a directory.
const char* const k_file_suffixes[] = {".json", ".toml", ".yaml", ".yml", ".conf", ".ini", ".cfg", ".txt"};

// Closes a descriptor when it goes out of scope.
class Fd {
 public:
  explicit Fd(int fd) : m_fd(fd) {}
  ~Fd() {
    if (m_fd >= 0) ::close(m_fd);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return m_fd; }

 private:
  int m_fd;
};

// Opens directory `name` beneath `dir_fd`, creating it 0700 if missing. Never follows a
// symlink: the private home belongs to the agent, which could plant one there to make this
// host-side code write somewhere else.
int open_private_dir(int dir_fd, const std::string& name) {
  if (::mkdirat(dir_fd, name.c_str(), 0700) != 0 && errno != EEXIST) return -1;
  return ::openat(dir_fd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

// Gives the private home a copy of the user's real `real_file` (a file, or a directory tree) at
// `relative` (beneath the home), unless it already has that entry: then the agent's own version
// is kept, whatever it is.
Status seed_private_entry(int home_fd, const std::string& private_dir, const std::string& relative,
                         const std::string& real_file) {
  auto parts = util::split(relative, '/');
  std::string shown = private_dir + "/" + relative;
  int dir_fd = ::dup(home_fd);
  if (dir_fd < 0) return fail("cannot prepare " + shown + ": " + std::strerror(errno));
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    Fd parent(dir_fd);
    dir_fd = open_private_dir(parent.get(), parts[i]);
    if (dir_fd < 0) {
      return fail("cannot prepare " + shown + ": " + parts[i] + ": " + std::strerror(errno) +
                  " (a symlink there is refused; remove it)");
    }
  }
  Fd dir(dir_fd);
  const std::string& name = parts.back();
  struct stat st {};
  if (::fstatat(dir.get(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0) return success();
  if (errno != ENOENT) return fail("cannot inspect " + shown + ": " + std::strerror(errno));

  // The user's own file: a symlink to it (a dotfiles repository) is followed.
  Fd real(::open(real_file.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
  if (real.get() < 0) {
    if (errno != ENOENT) return fail("cannot read " + real_file + " to seed " + shown + ": " + std::strerror(errno));
    // Nothing to seed: a directory is made empty for the agent; a file the agent creates.
    if (is_config_file(real_file)) return success();
    if (::mkdirat(dir.get(), name.c_str(), 0700) != 0 && errno != EEXIST) {
      return fail("cannot create " + shown + ": " + std::strerror(errno));
    }
    return success();
  }
  if (::fstat(real.get(), &st) != 0) return fail("cannot inspect " + real_file + ": " + std::strerror(errno));
  if (S_ISDIR(st.st_mode)) return seed_private_dir(dir.get(), name, real.get(), shown);
  if (!S_ISREG(st.st_mode)) return success();
  auto content = util::read_fd(real.get(), real_file, 64 * 1024 * 1024);
  if (!content) return content.failure();

  // Written aside, then renamed into place without replacing anything: a jail of this agent
  // that is already running never sees half a file, and never loses its own.
  std::string temp = "." + name + ".jailed-seed-" + std::to_string(::getpid());
  Fd out(::openat(dir.get(), temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
  if (out.get() < 0) return fail("cannot create " + private_dir + "/" + temp + ": " + std::strerror(errno));
  if (auto written = util::write_all(out.get(), *content, shown); !written) {
    ::unlinkat(dir.get(), temp.c_str(), 0);
    return written.failure();
  }
  if (::renameat2(dir.get(), temp.c_str(), dir.get(), name.c_str(), RENAME_NOREPLACE) != 0) {
    int error = errno;
    ::unlinkat(dir.get(), temp.c_str(), 0);
    if (error != EEXIST) return fail("cannot create " + shown + ": " + std::strerror(error));
  }
  return success();
}

}  // namespace

bool is_config_file(const std::string& path) {
  std::string name = util::base_name(path);
  return std::any_of(std::begin(k_file_suffixes), std::end(k_file_suffixes), [&](const char* suffix) {
    std::string_view s(suffix);
    return name.size() >= s.size() && name.compare(name.size() - s.size(), s.size(), s) == 0;
  });
}

// Returns true if a config file lies within a directory the jail binds anyway (the work
// directory, a directory config path, an existing grant). That bind shows it; a bind of its
// own would only pin it, so the agent could not replace it by renaming a temp file over it.
bool reached_through_dir(const std::string& path, const config::AgentConfig& agent, const HostFacts& host,
                         const ProjectFacts& project) {
  std::string workdir = agent.workdir == "cwd" ? host.cwd : project.dir;
  if (!workdir.empty() && util::is_within(path, workdir)) return true;
  for (const auto& dir : agent.config) {
    if (!is_config_file(dir.text) && dir.text != path && util::is_within(path, dir.text)) return true;
  }
  for (const auto* grants : {&agent.readwrite, &agent.readonly}) {
    for (const auto& grant : *grants) {
      if (util::is_within(path, grant.text)) return true;
    }
  }
  return false;
}


std::vector<std::string> private_config_paths(const config::AgentConfig& agent, const HostFacts& host,
                                              const ProjectFacts& project) {
  std::vector<std::string> paths;
  std::string home = util::normalize(host.home);
  if (home.size() <= 1 || home[0] != '/') return paths;
  for (const auto& path : agent.config) {
    const std::string& p = path.text;
    // Shared directories are bound as they are; a single file never is (see policy.cpp).
    if (agent.config_share && !is_config_file(p)) continue;
    if (p == home || !util::is_within(p, home)) continue;
    if (!reached_through_dir(p, agent, host, project)) paths.push_back(p);
  }
  return paths;
}

std::string project_home_key(const std::string& project_dir) {
  std::string name;
  for (char c : util::base_name(project_dir)) {
    bool plain = std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
    if (name.size() < 40) name += plain ? c : '_';
  }
  if (name.empty() || name[0] == '.') name = "project" + name;
  return name + "-" + util::xxh64_hex(project_dir).substr(0, 12);
}

std::string private_home(const config::AgentConfig& agent, const HostFacts& host, const ProjectFacts& project) {
  if (host.homes_dir.empty() || project.dir.empty() || private_config_paths(agent, host, project).empty()) return "";
  return util::join_path(util::join_path(host.homes_dir, project_home_key(project.dir)), agent.name);
}

Status ensure_config_paths(const config::AgentConfig& agent, const HostFacts& host, const ProjectFacts& project) {
  std::string private_dir = private_home(agent, host, project);
  std::vector<std::string> kept;
  int home_fd = -1;
  if (!private_dir.empty()) {
    kept = private_config_paths(agent, host, project);
    // Private to the user: it holds the agent's credentials and history.
    if (auto made = util::make_dirs(host.homes_dir, 0700); !made) return made;
    Fd homes(::open(host.homes_dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (homes.get() < 0) return fail("cannot open " + host.homes_dir + ": " + std::strerror(errno));
    // One per project and agent: a home shared across projects would let one project's agent
    // plant ~/.bashrc lines that run in another project's jail, with that jail's grants.
    Fd project_homes(open_private_dir(homes.get(), project_home_key(project.dir)));
    if (project_homes.get() < 0) {
      return fail("cannot create " + util::parent_dir(private_dir) + ": " + std::strerror(errno) +
                  " (a symlink there is refused; remove it)");
    }
    home_fd = open_private_dir(project_homes.get(), agent.name);
    if (home_fd < 0) return fail("cannot create the private home " + private_dir + ": " + std::strerror(errno));
  }
  Fd home(home_fd);
  std::string real_home = util::normalize(host.home);

  for (const auto& path : agent.config) {
    const std::string& p = path.text;
    std::string where = " (" + path.origin.label() + ")";
    if (p.empty() || p[0] != '/') return fail("config path \"" + p + "\"" + where + " must be absolute");
    // Kept in the private home: the real file is only ever read, to seed the first copy.
    if (std::find(kept.begin(), kept.end(), p) != kept.end()) {
      auto seeded = seed_private_entry(home.get(), private_dir, p.substr(real_home.size() + 1), p);
      if (!seeded) return seeded;
      continue;
    }
    if (util::exists_nofollow(p)) {
      if (!util::stat_path(p)) return fail("config path " + p + where + " is a dangling symlink; fix or remove it");
      continue;
    }
    // Agent state may hold credentials: private to the user.
    if (!is_config_file(p)) {
      if (auto made = util::make_dirs(p, 0700); !made) return made;
      continue;
    }
    if (auto made = util::make_dirs(util::parent_dir(p), 0700); !made) return made;
    int fd = ::open(p.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0 && errno != EEXIST) return fail("cannot create " + p + where + ": " + std::strerror(errno));
    if (fd >= 0) ::close(fd);
  }
  return success();
}

}  // namespace jailed::sandbox
