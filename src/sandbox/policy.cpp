// The pure policy: from an agent's config and the probed facts to the jail's mounts and environment.
#include "sandbox/policy.hpp"

#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>

#include "config/schema.hpp"
#include "sandbox/landlock.hpp"
#include "sandbox/policy_parts.hpp"
#include "sandbox/store_view.hpp"
#include "util/files.hpp"
#include "util/paths.hpp"
#include "util/strings.hpp"

namespace jailed::sandbox {
namespace {

// Returns `path` as the user writes it: ~/x for a path in the home.
std::string tilde(const std::string& path, const std::string& home) {
  return util::is_within(path, home) && path != home ? "~" + path.substr(home.size()) : path;
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

// Returns where a grant or config path really is (probe_project resolved it), or the path itself.
std::string source_of(const std::string& path, const ProjectFacts& project) {
  auto it = project.grant_sources.find(path);
  return it == project.grant_sources.end() ? path : it->second;
}

// Returns the agent's limits: its keys, else the defaults key_specs() documents.
Limits make_limits(const config::AgentConfig& agent) {
  Limits limits;
  auto pick = [](const std::optional<config::Value>& value, const char* key, bool size, uint64_t& out, std::string& from) {
    const std::string& text = value ? value->text : config::find_key(key)->default_text;
    from = value ? value->origin.label() : "default";
    if (!(size ? config::parse_size(text, out) : config::parse_count(text, out))) out = 0;  // validated before
  };
  pick(agent.tmpfs_size, "tmpfs-size", true, limits.tmpfs_bytes, limits.tmpfs_from);
  pick(agent.processes, "processes", false, limits.processes, limits.processes_from);
  pick(agent.memory, "memory", true, limits.memory_bytes, limits.memory_from);
  for (const auto& port : agent.bind_ports) {
    uint64_t number = 0;
    if (config::parse_count(port.text, number) && number <= 65535) limits.bind_ports.push_back(static_cast<uint16_t>(number));
  }
  return limits;
}

// A passwd/group field must not carry the separators of those files.
std::string field(std::string text) {
  std::replace_if(text.begin(), text.end(), [](char c) { return c == ':' || c == '\n'; }, '_');
  return text;
}

// The shell the jail's passwd gives the caller: agents run commands with it (probe_shell).
std::string jail_shell(const HostFacts& host) { return host.shell.empty() ? "/bin/sh" : host.shell; }

std::string passwd_text(const HostFacts& host) {
  std::string out;
  if (host.uid != 0) out += "root:x:0:0:root:/root:/bin/sh\n";
  out += field(host.user) + ":x:" + std::to_string(host.uid) + ":" + std::to_string(host.gid) + ":" + field(host.user) +
         ":" + field(host.home) + ":" + field(jail_shell(host)) + "\n";
  return out;
}

std::string group_text(const HostFacts& host) {
  std::string out;
  if (host.gid != 0) out += "root:x:0:\n";
  std::string name = host.group.empty() ? host.user : host.group;
  out += field(name) + ":x:" + std::to_string(host.gid) + ":\n";
  return out;
}

// Adds to `pins` the directories between `path` and `top` (the writable mount it lies in).
void pin_parents(const std::string& path, const std::string& top, const MountList& mounts, std::vector<std::string>& pins) {
  for (std::string dir = util::parent_dir(path); dir != top && util::is_within(dir, top); dir = util::parent_dir(dir)) {
    if (!mounts.has_target(dir) && std::find(pins.begin(), pins.end(), dir) == pins.end()) pins.push_back(dir);
  }
}

// Binds the certificate files the CA variables name where nothing shows them yet (a corporate
// CA in the home), so that the forwarded variable resolves inside. Never a directory holding
// the home or the root: that would show far more than certificates.
void add_ca_paths(MountList& mounts, const HostFacts& host, const std::string& home, Policy& policy) {
  for (const auto& [name, path] : host.ca_paths) {
    const Mount* cover = mounts.covering(path);
    if (cover && (cover->kind == MountKind::ro_bind || cover->kind == MountKind::bind)) continue;
    if (path == "/" || (home.size() > 1 && util::is_within(home, path))) {
      policy.notes.push_back("$" + name + " names " + path + ", which holds your home: not shown in the jail");
      continue;
    }
    mounts.add(MountKind::ro_bind, path, path, "network: certificates $" + name + " names");
  }
}

// Re-binds the protected paths read-only. Their parent directories inside a writable mount are
// first bound onto themselves: a mount point cannot be renamed or removed, so the agent cannot
// move `.git` aside and put an unprotected copy (with its own hooks) in its place.
void protect(MountList& mounts, const ProjectFacts& project) {
  std::vector<std::string> paths = project.protected_paths;
  for (const auto& [path, why] : project.extra_protected) paths.push_back(path);
  std::sort(paths.begin(), paths.end());  // a parent sorts before what lies beneath it
  std::vector<std::string> visible;
  std::vector<std::string> pins;
  for (const auto& path : paths) {
    // Beneath a path already protected (.git/hooks under .git): one read-only bind covers both.
    if (!visible.empty() && util::is_within(path, visible.back())) continue;
    const Mount* cover = mounts.covering(path);
    // Only what a bind shows needs protecting; binding anything else would reveal it.
    if (!cover || (cover->kind != MountKind::bind && cover->kind != MountKind::ro_bind)) continue;
    visible.push_back(path);
    if (cover->kind != MountKind::bind) continue;
    pin_parents(path, cover->target, mounts, pins);
  }
  // Only in a writable place, and not beneath a protected path, whose read-only bind keeps the
  // name from being created anyway. Their parents are pinned too: renamed away, they would take
  // the placeholder along.
  std::vector<const Placeholder*> holders;
  for (const auto& holder : project.more_placeholders) {
    const Mount* cover = mounts.covering(holder.path);
    if (!cover || cover->kind != MountKind::bind) continue;
    if (std::any_of(visible.begin(), visible.end(), [&](const std::string& p) { return util::is_within(holder.path, p); })) {
      continue;
    }
    holders.push_back(&holder);
    pin_parents(holder.path, cover->target, mounts, pins);
  }
  // Outer directories first: bwrap binds from the host's tree, so a later bind of a parent
  // would hide the pin of a directory beneath it.
  std::sort(pins.begin(), pins.end());
  for (const auto& dir : pins) {
    mounts.add(MountKind::bind, dir, dir, "pinned: holds protected paths, so it cannot be renamed or replaced");
  }
  for (const auto& path : project.placeholders) {
    const Mount* cover = mounts.covering(path);
    if (!cover || cover->kind != MountKind::bind) continue;
    mounts.add(MountKind::empty_ro, "", path, "placeholder: keeps the agent from creating it (git ignores an empty .git)");
  }
  for (const auto* holder : holders) {
    if (holder->directory) {
      mounts.add(MountKind::empty_ro, "", holder->path, holder->reason);
    } else {
      // A file jailed wrote beforehand (ensure_placeholders), or an empty one: /dev/null.
      mounts.add(MountKind::ro_bind, holder->content.empty() ? "/dev/null" : holder->path, holder->path, holder->reason);
    }
  }
  for (const auto& path : visible) {
    mounts.add(MountKind::ro_bind, path, path, "protected: " + protected_reason(path, project));
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
                                                          const HostFacts& host, const ProjectFacts& project) {
  EnvList env(host.env);
  env.set("HOME", host.home);
  env.set("USER", host.user);
  env.set("LOGNAME", host.user);
  env.set("PATH", util::join(resolution.path_dirs, ":"));
  for (const char* name : {"TERM", "COLORTERM"}) env.forward(name);
  // The locale categories only, by name: an LC_ prefix alone would let any variable through
  // (LC_SECRET_TOKEN); ssh's SendEnv LC_* shows people do name variables so.
  for (const char* name : {"LANG", "LANGUAGE", "LC_ALL", "LC_CTYPE", "LC_NUMERIC", "LC_TIME", "LC_COLLATE",
                           "LC_MONETARY", "LC_MESSAGES", "LC_PAPER", "LC_NAME", "LC_ADDRESS", "LC_TELEPHONE",
                           "LC_MEASUREMENT", "LC_IDENTIFICATION"}) {
    env.forward(name);
  }
  env.forward("TZ");
  env.set("TMPDIR", "/tmp");
  env.set("SHELL", jail_shell(host));
  env.set("JAILED_AGENT", agent.name);
  // git = commit: the caller's git identity, as ~/.gitconfig is not in the jail.
  for (const auto& [name, value] : project.git_env) env.set(name, value);
  // Said plainly, so an agent (or the user's prompt) can tell a missing network from a broken one.
  env.set("JAILED_NETWORK", agent.network ? "on" : "off");
  if (agent.network) {
    for (const auto& name : network_variables()) env.forward(name);
  }
  for (const auto& name : agent.env) env.forward(name.text);
  for (const auto& assignment : agent.setenv) {
    size_t eq = assignment.text.find('=');
    if (eq != std::string::npos) env.set(assignment.text.substr(0, eq), assignment.text.substr(eq + 1));
  }
  return env.take();
}

}  // namespace

Policy make_policy(const config::AgentConfig& agent, const resolve::Resolution& resolution, const HostFacts& host,
                   const ProjectFacts& project, const std::vector<std::string>& agent_args) {
  Policy policy;
  policy.agent = agent.name;
  policy.backend = resolution.backend;
  policy.network = agent.network;
  MountList mounts;

  // 1. Fresh kernel views and empty scratch space; the real home is replaced by an empty one (or
  // the agent's private one) so ~/.ssh, ~/.aws, shell rc files and the like are not there at all.
  mounts.add(MountKind::proc, "", "/proc", "fresh /proc: only the jail's processes");
  for (const auto& entry : host.host_global_proc) {
    mounts.add(MountKind::ro_bind, entry, entry, "read-only: it acts on the whole host, not the jail");
  }
  mounts.add(MountKind::dev, "", "/dev", "minimal /dev: null, zero, random, tty, a private pty");
  // bwrap's /dev is a tmpfs without a size, which the agent owns: it could fill the host's memory.
  // Its devices and ptys are mounts of their own and stay usable.
  mounts.add(MountKind::remount_ro, "", "/dev", "read-only: no files beside the devices");
  policy.limits = make_limits(agent);
  policy.limits.root_caller = host.uid == 0;
  // Bounded: a tmpfs lives in the host's memory.
  std::string tmpfs_size = std::to_string(policy.limits.tmpfs_bytes);
  mounts.add(MountKind::tmpfs, tmpfs_size, "/tmp", "empty /tmp");
  // An agent whose state includes files in the home (~/.claude.json) gets a private home kept
  // across sessions instead: a file bound on its own cannot be replaced by renaming a temp file
  // over it, and siblings such as ~/.claude.json.lock would vanish with a tmpfs.
  std::string home = util::normalize(host.home);
  std::string private_dir = private_home(agent, host, project);
  std::vector<std::string> kept;
  if (!private_dir.empty()) {  // implies an absolute home (private_config_paths)
    kept = private_config_paths(agent, host, project);
    std::vector<std::string> shown;
    for (const auto& path : kept) shown.push_back(tilde(path, home));
    // The copies keep the agent from rewriting the config its unjailed self obeys (MCP
    // servers, hooks); config-share = on binds the real directories instead.
    mounts.add(MountKind::bind, private_dir, home,
               "private home of agent " + agent.name + " (kept across sessions): holds " + util::join(shown, ", ") +
                   ", private copies seeded once from yours; nothing written here reaches them" +
                   (agent.config_share ? "" : " (config-share = on shares directories)"));
  } else if (home.size() > 1 && home[0] == '/') {
    mounts.add(MountKind::tmpfs, tmpfs_size, home, "empty home: none of your files");
  } else {
    policy.notes.push_back("home \"" + host.home + "\" is not an absolute directory; no empty home is made");
  }

  // 2. Programs and libraries, read-only: the host's system directories, or the Nix store.
  for (const auto& path : resolution.readonly) mounts.add(MountKind::ro_bind, path.path, path.path, path.reason);
  for (const auto& mount : store_mounts(resolution, host, policy)) mounts.add(mount);
  // On the host's network, the helper runs in front of the command for its Landlock scopes.
  plan_scopes(host, policy);
  for (const auto& link : resolution.symlinks) {
    mounts.add(MountKind::symlink, link.target, link.path, link.reason.empty() ? "system symlink" : link.reason);
  }
  if (!resolution.shell.empty() && resolution.shell != "/bin/sh") {
    mounts.add(MountKind::symlink, resolution.shell, "/bin/sh", "a POSIX shell for scripts");
  }

  // 3. Only root and the caller exist, so the host's account list stays private.
  mounts.add(MountKind::ro_data, passwd_text(host), "/etc/passwd", "users: root and you");
  mounts.add(MountKind::ro_data, group_text(host), "/etc/group", "groups: root and yours");

  // 4. Name resolution and TLS only when the agent may use the network; the clock's zone always.
  if (agent.network) {
    for (const auto& file : host.network_files) mounts.add(MountKind::ro_bind, file, file, "network: DNS and TLS");
    add_ca_paths(mounts, host, home, policy);
  }
  if (agent.timezone && host.localtime) {
    mounts.add(MountKind::copy, "/etc/localtime", "/etc/localtime", "the time zone");
  }

  // 5. The work directory, read-write.
  bool in_cwd = agent.workdir == "cwd";
  std::string workdir = in_cwd ? host.cwd : project.dir;
  mounts.add(MountKind::bind, workdir, workdir,
             in_cwd ? "the current directory, read-write (workdir = cwd)" : "the project, read-write");

  // 6. Agent state (created beforehand by ensure_config_paths). A file in the private home, or
  // within a directory bound anyway, gets no bind of its own, so renames over it work.
  for (const auto& path : agent.config) {
    if (std::find(kept.begin(), kept.end(), path.text) != kept.end()) continue;
    if (is_config_file(path.text) && reached_through_dir(path.text, agent, host, project)) continue;
    std::string how = agent.config_share ? "agent state, shared with the agent outside the jail (config-share = on, " +
                                               agent.config_share_origin.label() + ")"
                                         : "agent state (" + path.origin.label() + ")";
    mounts.add(MountKind::bind, source_of(path.text, project), path.text, how);
  }

  // 7. Grants; read-only ones last so they win over a read-write grant above them. Each is bound
  // from the real path probe_project resolved (and checked) once.
  auto grant = [&](const std::vector<config::Value>& paths, MountKind kind, const std::string& reason) {
    for (const auto& path : paths) mounts.add(kind, source_of(path.text, project), path.text, reason + " (" + path.origin.label() + ")");
  };
  grant(agent.readwrite, MountKind::bind, "granted read-write");
  grant(agent.readonly, MountKind::ro_bind, "granted read-only");

  // 8. Last, so no read-write bind above can uncover them.
  protect(mounts, project);
  // 9. Per-path store binds, last: see late_store_mounts.
  for (const auto& mount : late_store_mounts(policy)) mounts.add(mount);
  // 10. The jail's own root holds the generated files, symlinks and mount points: sealed, so the
  // agent can neither change them nor leave files beside them. Not when a grant shows the
  // host's / there: it is then as the grant says.
  if (!mounts.covering("/")) {
    mounts.add(MountKind::remount_ro, "", "/", "sealed: the jail's root (generated files, symlinks) is read-only");
  }

  policy.mounts = mounts.take();
  for (const auto& mount : policy.mounts) {
    // The private home is bound at the home's path but holds none of your files.
    if (mount.kind == MountKind::bind && !home.empty() && util::is_within(home, mount.target) &&
        mount.source != private_dir) {
      policy.notes.push_back(mount.target + " holds your home directory: the agent can read and write all of it");
    }
  }

  policy.env = make_env(agent, resolution, host, project);
  policy.unprotected = project.unprotected;
  for (const auto& note : project.scan_notes) policy.notes.push_back(note);
  policy.chdir = util::is_within(host.cwd, workdir) ? host.cwd : project.dir;
  policy.command.push_back(resolution.program);
  for (const auto& arg : agent.args) policy.command.push_back(arg.text);
  policy.command.insert(policy.command.end(), agent_args.begin(), agent_args.end());
  if (!agent.network && agent.preset_network) {
    policy.notes.push_back("network is off for " + agent.name + " (" + agent.network_origin.text() +
                           "), which needs one to reach its model: it will wait or fail unless it runs one "
                           "inside the jail");
  }
  return policy;
}

}  // namespace jailed::sandbox
