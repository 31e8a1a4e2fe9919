// Decides what an agent's jail contains: the probes of host and project, then the pure policy.
#include "sandbox/policy.hpp"

#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>

#include "resolve/nix_spec.hpp"
#include "sandbox/landlock.hpp"
#include "sandbox/store_view.hpp"
#include "util/files.hpp"
#include "util/paths.hpp"
#include "util/strings.hpp"

extern char** environ;

namespace jailed::sandbox {
namespace {

// Project files the host (git, direnv, editors, agents run outside the jail) reads or runs
// later: an agent that could write them could plant code that runs unsandboxed.
const std::vector<std::pair<std::string, std::string>>& protected_table() {
  static const std::vector<std::pair<std::string, std::string>> table = {
      {".jailed", "the jail's own policy"},
      {".envrc", "direnv runs it on the host"},
      {".direnv", "direnv's state, loaded on the host"},
      // All of .git, not just hooks and config: commondir, info/, modules/ and the worktree
      // pointer file each let a writer redirect host git to code it planted.
      {".git", "host git runs hooks and config commands from it (commit from the host)"},
      // Already inside .git; listed so that a symlink here (pointing into the writable
      // project) is refused rather than followed by host git.
      {".git/hooks", "git runs hooks on the host"},
      {".git/config", "git config can run commands on the host"},
      {".gitmodules", "git follows submodule URLs and paths on the host"},
      {".vscode", "the editor runs its tasks on the host"},
      {".idea", "the IDE runs its configurations on the host"},
      {".mcp.json", "agents on the host start these MCP servers"},
      {".claude/settings.json", "Claude Code runs its hooks on the host"},
      {".claude/settings.local.json", "Claude Code runs its hooks on the host"},
      {".claude/commands", "Claude Code loads these commands on the host"},
      {".claude/agents", "Claude Code loads these agents on the host"},
      {".codex", "Codex loads this project config on the host"},
      {".gemini/settings.json", "Gemini CLI loads these settings on the host"},
  };
  return table;
}

// Network files bound when network = on: name resolution and TLS trust anchors.
// Only the public certificates of /etc/ssl: /etc/ssl/private holds the host's TLS keys.
const char* const k_network_files[] = {"/etc/resolv.conf",    "/etc/hosts",          "/etc/nsswitch.conf",
                                       "/etc/host.conf",      "/etc/ssl/certs",      "/etc/ssl/openssl.cnf",
                                       "/etc/ca-certificates"};

// Config names ending in these are files (e.g. ~/.claude.json); anything else is a directory.
const char* const k_file_suffixes[] = {".json", ".toml", ".yaml", ".yml", ".conf", ".ini", ".cfg", ".txt"};

bool ends_with(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string origin_label(const config::Origin& origin) {
  if (origin.file.empty()) return "built in";
  return origin.line > 0 ? origin.text() : origin.file;
}

// Adds each existing protected path beneath `root`; refuses a symlink anywhere on the way.
Status probe_protected(const std::string& root, std::vector<std::string>& out) {
  auto add = [&](const std::string& path) {
    if (std::find(out.begin(), out.end(), path) == out.end()) out.push_back(path);
  };
  for (const auto& name : protected_names()) {
    std::string path = root;
    auto parts = util::split(name, '/');
    for (size_t i = 0; i < parts.size(); ++i) {
      path += "/" + parts[i];
      struct stat st {};
      if (::lstat(path.c_str(), &st) != 0) {
        if (errno == ENOENT || errno == ENOTDIR) break;
        // What cannot be inspected cannot be shown to be safe.
        return fail("refusing to start: cannot inspect " + path + ": " + std::strerror(errno), ExitCode::not_allowed);
      }
      // A symlink would make bwrap bind its target read-only and leave the real path writable.
      if (S_ISLNK(st.st_mode)) {
        return fail("refusing to start: " + path +
                        " is a symlink; a protected path must be a real file or directory (inspect it)",
                    ExitCode::not_allowed);
      }
      if (i + 1 == parts.size()) add(path);
    }
  }
  return success();
}

void add_extra(std::vector<std::pair<std::string, std::string>>& out, const std::string& path, const std::string& why) {
  for (const auto& [known, reason] : out) {
    if (known == path) return;
  }
  out.emplace_back(path, why);
}

// Returns the core.hooksPath values of a repository config (git config syntax, simplified:
// any `hookspath = VALUE` line; git matches names case-insensitively).
std::vector<std::string> hooks_paths_in(const std::string& config_text) {
  std::vector<std::string> out;
  for (const auto& raw : util::split(config_text, '\n')) {
    std::string line(util::trim(raw));
    auto equals = line.find('=');
    if (equals == std::string::npos) continue;
    std::string name(util::trim(std::string_view(line).substr(0, equals)));
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (name != "hookspath") continue;
    std::string value(util::trim(std::string_view(line).substr(equals + 1)));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
    if (!value.empty()) out.push_back(value);
  }
  return out;
}

// Adds the hook directories a repository's core.hooksPath puts inside `root` (husky and
// similar keep hooks in the work tree, where the agent could write them).
Status probe_hooks_path(const std::string& root, std::vector<std::pair<std::string, std::string>>& out) {
  auto config = util::read_file(root + "/.git/config", 1024 * 1024);
  if (!config) return success();  // no repository here, or a worktree whose config is elsewhere
  for (const auto& value : hooks_paths_in(*config)) {
    // git resolves a relative hooksPath against the top of the work tree.
    std::string path = util::normalize(value[0] == '/' ? value : root + "/" + value);
    if (!util::is_within(path, root) || path == root) continue;
    auto st = util::lstat_path(path);
    if (!st) continue;
    if (S_ISLNK(st->st_mode)) {
      return fail("refusing to start: " + path + " (core.hooksPath) is a symlink; a protected path must be a real directory (inspect it)",
                  ExitCode::not_allowed);
    }
    add_extra(out, path, "core.hooksPath: host git runs the hooks in it");
  }
  return success();
}

// Adds the local flakes of `agent` inside `root`: Nix builds them on the host, outside any
// jail, so an agent that could edit one could run code there at its next start.
Status probe_local_flakes(const std::string& root, const config::AgentConfig& agent,
                          std::vector<std::pair<std::string, std::string>>& out) {
  auto specs = resolve::agent_specs(agent);
  if (!specs) return success();  // a host agent, or a bad spec that resolution reports
  for (const auto& spec : specs->all()) {
    const std::string& dir = spec.local_dir;
    if (dir.empty() || !util::is_within(dir, root)) continue;
    auto st = util::lstat_path(dir);
    if (!st) continue;
    if (S_ISLNK(st->st_mode)) {
      return fail("refusing to start: " + dir + " (a local flake) is a symlink; a protected path must be a real directory (inspect it)",
                  ExitCode::not_allowed);
    }
    // The project itself as a flake (.#x): its flake.nix and flake.lock are what Nix reads first.
    if (dir == root) {
      for (const char* name : {"/flake.nix", "/flake.lock"}) {
        if (util::exists_nofollow(dir + name)) add_extra(out, dir + name, "the project's flake: Nix builds it on the host");
      }
      continue;
    }
    add_extra(out, dir, "a local flake: Nix builds it on the host");
  }
  return success();
}

// The mounts being built, with the question "which mount shows this path inside?".
class MountList {
 public:
  void add(MountKind kind, const std::string& source, const std::string& target, const std::string& reason) {
    m_mounts.push_back({kind, source, target, reason});
  }
  void add(const Mount& mount) { m_mounts.push_back(mount); }

  // Returns the mount that shows `path` inside: the last one at or above it (a later mount
  // covers everything an earlier one put beneath its target), or nullptr if none does.
  const Mount* covering(const std::string& path) const {
    for (auto it = m_mounts.rbegin(); it != m_mounts.rend(); ++it) {
      if (it->kind != MountKind::symlink && util::is_within(path, it->target)) return &*it;
    }
    return nullptr;
  }

  bool has_target(const std::string& target) const {
    return std::any_of(m_mounts.begin(), m_mounts.end(), [&](const Mount& m) { return m.target == target; });
  }

  std::vector<Mount> take() { return std::move(m_mounts); }

 private:
  std::vector<Mount> m_mounts;
};

// A passwd/group field must not carry the separators of those files.
std::string field(std::string text) {
  std::replace_if(text.begin(), text.end(), [](char c) { return c == ':' || c == '\n'; }, '_');
  return text;
}

std::string passwd_text(const HostFacts& host) {
  std::string out;
  if (host.uid != 0) out += "root:x:0:0:root:/root:/bin/sh\n";
  out += field(host.user) + ":x:" + std::to_string(host.uid) + ":" + std::to_string(host.gid) + ":" + field(host.user) +
         ":" + field(host.home) + ":/bin/sh\n";
  return out;
}

std::string group_text(const HostFacts& host) {
  std::string out;
  if (host.gid != 0) out += "root:x:0:\n";
  std::string name = host.group.empty() ? host.user : host.group;
  out += field(name) + ":x:" + std::to_string(host.gid) + ":\n";
  return out;
}

// Re-binds the protected paths read-only. Their parent directories inside a writable mount are
// first bound onto themselves: a mount point cannot be renamed or removed, so the agent cannot
// move `.git` aside and put an unprotected copy (with its own hooks) in its place.
void protect(MountList& mounts, const ProjectFacts& project) {
  std::vector<std::string> paths = project.protected_paths;
  for (const auto& [path, why] : project.extra_protected) paths.push_back(path);
  std::sort(paths.begin(), paths.end());  // a parent sorts before what lies beneath it
  std::vector<std::string> visible;
  for (const auto& path : paths) {
    // Beneath a path already protected (.git/hooks under .git): one read-only bind covers both.
    if (!visible.empty() && util::is_within(path, visible.back())) continue;
    const Mount* cover = mounts.covering(path);
    // Only what a bind shows needs protecting; binding anything else would reveal it.
    if (!cover || (cover->kind != MountKind::bind && cover->kind != MountKind::ro_bind)) continue;
    visible.push_back(path);
    if (cover->kind != MountKind::bind) continue;
    std::string top = cover->target;
    for (std::string dir = util::parent_dir(path); dir != top && util::is_within(dir, top); dir = util::parent_dir(dir)) {
      if (!mounts.has_target(dir)) {
        mounts.add(MountKind::bind, dir, dir, "pinned: holds protected paths, so it cannot be renamed or replaced");
      }
    }
  }
  for (const auto& path : project.placeholders) {
    const Mount* cover = mounts.covering(path);
    if (!cover || cover->kind != MountKind::bind) continue;
    mounts.add(MountKind::empty_ro, "", path, "placeholder: keeps the agent from creating it (git ignores an empty .git)");
  }
  for (const auto& path : visible) {
    std::string reason;
    for (const auto& [name, why] : protected_table()) {
      if (ends_with(path, "/" + name)) reason = why;
    }
    for (const auto& [extra, why] : project.extra_protected) {
      if (extra == path) reason = why;
    }
    mounts.add(MountKind::ro_bind, path, path, "protected: " + reason);
  }
}

// The environment: a fixed allowlist, then what the agent's config forwards or sets.
class EnvList {
 public:
  explicit EnvList(const std::map<std::string, std::string>& caller) : m_caller(caller) {}

  // Sets `name`; a later value replaces an earlier one in place, so no name appears twice.
  void set(const std::string& name, const std::string& value) {
    for (auto& [n, v] : m_env) {
      if (n == name) {
        v = value;
        return;
      }
    }
    m_env.emplace_back(name, value);
  }

  // Forwards `name` from the caller's environment if it is set there.
  void forward(const std::string& name) {
    if (auto it = m_caller.find(name); it != m_caller.end()) set(name, it->second);
  }

  std::vector<std::pair<std::string, std::string>> take() { return std::move(m_env); }

 private:
  const std::map<std::string, std::string>& m_caller;
  std::vector<std::pair<std::string, std::string>> m_env;
};

std::vector<std::pair<std::string, std::string>> make_env(const config::AgentConfig& agent,
                                                          const resolve::Resolution& resolution,
                                                          const HostFacts& host) {
  EnvList env(host.env);
  env.set("HOME", host.home);
  env.set("USER", host.user);
  env.set("LOGNAME", host.user);
  env.set("PATH", util::join(resolution.path_dirs, ":"));
  for (const char* name : {"TERM", "COLORTERM", "LANG"}) env.forward(name);
  for (const auto& [name, value] : host.env) {  // std::map: already sorted
    if (util::starts_with(name, "LC_")) env.set(name, value);
  }
  env.forward("TZ");
  env.set("TMPDIR", "/tmp");
  env.set("JAILED_AGENT", agent.name);
  for (const auto& name : agent.env) env.forward(name.text);
  for (const auto& assignment : agent.setenv) {
    size_t eq = assignment.text.find('=');
    if (eq != std::string::npos) env.set(assignment.text.substr(0, eq), assignment.text.substr(eq + 1));
  }
  return env.take();
}

}  // namespace

const std::vector<std::string>& protected_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const auto& entry : protected_table()) out.push_back(entry.first);
    return out;
  }();
  return names;
}

HostFacts probe_host() {
  HostFacts host;
  host.uid = ::getuid();
  host.gid = ::getgid();
  host.home = util::normalize(util::home_dir());
  host.cwd = util::current_dir();
  for (char** entry = environ; entry && *entry; ++entry) {
    std::string text = *entry;
    size_t eq = text.find('=');
    if (eq != std::string::npos) host.env.emplace(text.substr(0, eq), text.substr(eq + 1));
  }
  if (passwd* pw = ::getpwuid(host.uid); pw && pw->pw_name) {
    host.user = pw->pw_name;
  } else if (auto it = host.env.find("USER"); it != host.env.end()) {
    host.user = it->second;
  } else {
    host.user = "user";
  }
  if (group* gr = ::getgrgid(host.gid); gr && gr->gr_name) host.group = gr->gr_name;
  for (const char* file : k_network_files) {
    if (util::stat_path(file)) host.network_files.push_back(file);
  }
  host.localtime = util::stat_path("/etc/localtime").has_value();
  // Probed at run time: the headers jailed was built with may predate the kernel it runs on.
  host.landlock_abi = probe_landlock_abi();
  host.landlock_helper = find_landlock_helper();
  return host;
}

Result<ProjectFacts> probe_project(const std::string& project_dir, const config::AgentConfig& agent) {
  ProjectFacts facts;
  auto dir = util::real_path(project_dir);
  if (!dir) return dir.failure();
  facts.dir = *dir;
  std::vector<std::string> roots{facts.dir};
  // With workdir = cwd the current directory is what the agent may write, so protect it too.
  if (agent.workdir == "cwd") {
    auto cwd = util::real_path(util::current_dir());
    if (!cwd) return cwd.failure();
    if (*cwd != facts.dir) roots.push_back(*cwd);
  }
  for (const auto& root : roots) {
    if (auto probed = probe_protected(root, facts.protected_paths); !probed) return probed.failure();
    if (auto hooks = probe_hooks_path(root, facts.extra_protected); !hooks) return hooks.failure();
    if (auto flakes = probe_local_flakes(root, agent, facts.extra_protected); !flakes) return flakes.failure();
    // Without this, `git init` inside would make a repository whose config host git obeys,
    // and shell prompts run `git status` on every cd. An empty .git is ignored by git.
    std::string git = root + "/.git";
    if (!util::exists_nofollow(git)) facts.placeholders.push_back(git);
  }
  for (const auto* grants : {&agent.readwrite, &agent.readonly}) {
    for (const auto& grant : *grants) {
      if (!util::stat_path(grant.text)) facts.missing_grants.push_back(grant.text);
    }
  }
  return facts;
}

Status ensure_config_paths(const config::AgentConfig& agent) {
  for (const auto& path : agent.config) {
    const std::string& p = path.text;
    std::string where = " (" + origin_label(path.origin) + ")";
    if (p.empty() || p[0] != '/') return fail("config path \"" + p + "\"" + where + " must be absolute");
    if (util::exists_nofollow(p)) {
      if (!util::stat_path(p)) return fail("config path " + p + where + " is a dangling symlink; fix or remove it");
      continue;
    }
    std::string name = util::base_name(p);
    bool is_file = std::any_of(std::begin(k_file_suffixes), std::end(k_file_suffixes),
                               [&](const char* suffix) { return ends_with(name, suffix); });
    // Agent state may hold credentials: private to the user.
    if (!is_file) {
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

Policy make_policy(const config::AgentConfig& agent, const resolve::Resolution& resolution, const HostFacts& host,
                   const ProjectFacts& project, const std::vector<std::string>& agent_args) {
  Policy policy;
  policy.agent = agent.name;
  policy.backend = resolution.backend;
  policy.network = agent.network;
  MountList mounts;

  // 1. Fresh kernel views and empty scratch space; the real home is replaced by an empty one so
  // ~/.ssh, ~/.aws, shell rc files and the like are not there at all.
  mounts.add(MountKind::proc, "", "/proc", "fresh /proc: only the jail's processes");
  mounts.add(MountKind::dev, "", "/dev", "minimal /dev: null, zero, random, tty, a private pty");
  mounts.add(MountKind::tmpfs, "", "/tmp", "empty /tmp");
  std::string home = util::normalize(host.home);
  if (home.size() > 1 && home[0] == '/') {
    mounts.add(MountKind::tmpfs, "", home, "empty home: none of your files");
  } else {
    policy.notes.push_back("home \"" + host.home + "\" is not an absolute directory; no empty home is made");
  }

  // 2. Programs and libraries, read-only: the host's system directories, or the Nix store.
  for (const auto& path : resolution.readonly) mounts.add(MountKind::ro_bind, path.path, path.path, path.reason);
  for (const auto& mount : store_mounts(resolution, host, policy)) mounts.add(mount);
  for (const auto& link : resolution.symlinks) mounts.add(MountKind::symlink, link.target, link.path, "system symlink");
  if (!resolution.shell.empty() && resolution.shell != "/bin/sh") {
    mounts.add(MountKind::ro_bind, resolution.shell, "/bin/sh", "a POSIX shell for scripts");
  }

  // 3. Only root and the caller exist, so the host's account list stays private.
  mounts.add(MountKind::ro_data, passwd_text(host), "/etc/passwd", "users: root and you");
  mounts.add(MountKind::ro_data, group_text(host), "/etc/group", "groups: root and yours");

  // 4. Name resolution and TLS only when the agent may use the network; the clock's zone always.
  if (agent.network) {
    for (const auto& file : host.network_files) mounts.add(MountKind::ro_bind, file, file, "network: DNS and TLS");
  }
  if (agent.timezone && host.localtime) {
    mounts.add(MountKind::ro_bind, "/etc/localtime", "/etc/localtime", "the time zone");
  }

  // 5. The work directory, read-write.
  bool in_cwd = agent.workdir == "cwd";
  std::string workdir = in_cwd ? host.cwd : project.dir;
  mounts.add(MountKind::bind, workdir, workdir,
             in_cwd ? "the current directory, read-write (workdir = cwd)" : "the project, read-write");

  // 6. Agent state (created beforehand by ensure_config_paths).
  for (const auto& path : agent.config) {
    mounts.add(MountKind::bind, path.text, path.text, "agent state (" + origin_label(path.origin) + ")");
  }

  // 7. Grants; read-only ones last so they win over a read-write grant above them.
  auto grant = [&](const std::vector<config::Value>& paths, MountKind kind, const std::string& key,
                   const std::string& reason) {
    for (const auto& path : paths) {
      std::string origin = origin_label(path.origin);
      if (std::find(project.missing_grants.begin(), project.missing_grants.end(), path.text) !=
          project.missing_grants.end()) {
        policy.notes.push_back(key + " path " + path.text + " does not exist (" + origin + "); skipped");
      } else {
        mounts.add(kind, path.text, path.text, reason + " (" + origin + ")");
      }
    }
  };
  grant(agent.readwrite, MountKind::bind, "readwrite", "granted read-write");
  grant(agent.readonly, MountKind::ro_bind, "readonly", "granted read-only");

  // 8. Last, so no read-write bind above can uncover them.
  protect(mounts, project);
  // 9. Per-path store binds, last: see late_store_mounts.
  for (const auto& mount : late_store_mounts(policy)) mounts.add(mount);

  policy.mounts = mounts.take();
  for (const auto& mount : policy.mounts) {
    if (mount.kind == MountKind::bind && !home.empty() && util::is_within(home, mount.target)) {
      policy.notes.push_back(mount.target + " holds your home directory: the agent can read and write all of it");
    }
  }

  policy.env = make_env(agent, resolution, host);
  policy.chdir = util::is_within(host.cwd, workdir) ? host.cwd : project.dir;
  policy.command.push_back(resolution.program);
  policy.command.insert(policy.command.end(), agent_args.begin(), agent_args.end());
  return policy;
}

}  // namespace jailed::sandbox
