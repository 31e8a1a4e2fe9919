// Probing a project for what the host runs later: protected names, git hook directories,
// local flakes; any symlink among them refuses the start.
#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <optional>

#include "resolve/host_backend.hpp"
#include "resolve/nix_spec.hpp"
#include "sandbox/grant_paths.hpp"
#include "sandbox/policy.hpp"
#include "sandbox/policy_parts.hpp"
#include "sandbox/repo_scan.hpp"
#include "sandbox/scan_cache.hpp"
#include "util/files.hpp"
#include "util/paths.hpp"
#include "util/process.hpp"
#include "util/strings.hpp"

namespace jailed::sandbox {
namespace {

// Project files the host (git, direnv, editors, agents run outside the jail) reads or runs
// later: an agent that could write them could plant code that runs unsandboxed.
const std::vector<std::pair<std::string, std::string>>& protected_table() {
  static const std::vector<std::pair<std::string, std::string>> table = {
      {".jailed", "the jail's own policy"},
      {".envrc", "direnv runs it on the host"},
      {".direnv", "direnv's state, loaded on the host"},
      // mise trusts a config by its path, not its content: its hooks, env and tasks run on
      // the host when you enter the directory; a path: version in .tool-versions is put on PATH.
      {"mise.toml", "mise runs its hooks and env on the host"},
      {".mise.toml", "mise runs its hooks and env on the host"},
      {"mise.local.toml", "mise runs its hooks and env on the host"},
      {".mise.local.toml", "mise runs its hooks and env on the host"},
      {".mise", "mise runs its hooks and env on the host"},
      {".config/mise.toml", "mise runs its hooks and env on the host"},
      {".config/mise", "mise runs its hooks and env on the host"},
      {".tool-versions", "mise and asdf choose the host's tools by it"},
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
      // Whole directories: besides settings (hooks, MCP servers), they hold commands, agents,
      // skills and hook scripts that the agent, run on the host, loads or runs.
      {".claude", "Claude Code runs its hooks and loads its commands on the host"},
      {".codex", "Codex loads this project config on the host"},
      {".gemini", "Gemini CLI loads these settings and commands on the host"},
  };
  return table;
}

// Protected directories that get an empty read-only placeholder when missing: host tools load
// what they hold without asking once the folder is trusted (nix-direnv sources its cache in
// .direnv), and an empty directory is as none to them and invisible to git. Not .idea: an IDE
// takes an empty one for a project of its own.
const std::vector<std::string> k_placeholder_dirs = {".claude", ".codex", ".gemini", ".vscode", ".direnv"};

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

// Refuses a protected file with another name: a read-only bind covers one name, and the agent
// could rewrite the file through a link it made elsewhere in the project (one moved into
// .git/hooks later keeps its inode). Git objects and packs are not looked at: a local clone
// hard-links them, and git checks what it reads of them.
Status refuse_hard_link(const std::string& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode) || st.st_nlink <= 1) return success();
  return fail("refusing to start: " + path + " has " + std::to_string(st.st_nlink) +
                  " hard links; an agent could rewrite this protected file through another of its names. Give it "
                  "its own copy (cp -p FILE FILE.new && mv FILE.new FILE) or remove the other names",
              ExitCode::not_allowed);
}

// Checks the protected files, and those in protected directories that host tools run or obey:
// a repository's config and hooks, core.hooksPath directories.
Status refuse_hard_links(const ProjectFacts& facts) {
  std::vector<std::string> files;
  auto add_dir_files = [&](const std::string& dir) {
    DIR* listing = ::opendir(dir.c_str());
    if (!listing) return;
    while (dirent* entry = ::readdir(listing)) {
      std::string name = entry->d_name;
      if (name != "." && name != "..") files.push_back(dir + "/" + name);
    }
    ::closedir(listing);
  };
  auto add = [&](const std::string& path, bool hooks_dir) {
    auto st = util::lstat_path(path);
    if (!st) return;
    if (S_ISREG(st->st_mode)) files.push_back(path);
    if (!S_ISDIR(st->st_mode)) return;
    if (util::base_name(path) == ".git") {
      for (const char* name : {"/config", "/config.worktree", "/commondir"}) files.push_back(path + name);
      add_dir_files(path + "/hooks");
    } else if (hooks_dir || util::base_name(path) == "hooks") {
      add_dir_files(path);
    }
  };
  for (const auto& path : facts.protected_paths) add(path, false);
  for (const auto& [path, why] : facts.extra_protected) add(path, why.find("hooks") != std::string::npos);
  for (const auto& path : files) {
    if (auto refused = refuse_hard_link(path); !refused) return refused;
  }
  return success();
}

void add_extra(std::vector<std::pair<std::string, std::string>>& out, const std::string& path, const std::string& why) {
  for (const auto& [known, reason] : out) {
    if (known == path) return;
  }
  out.emplace_back(path, why);
}

// Adds the local flakes of `agents` inside `root`: Nix builds them on the host, outside any
// jail, so an agent that could edit one could run code there at its next start. Every agent's
// flakes count in every agent's launch: one agent must not edit what Nix builds for another.
Status probe_local_flakes(const std::string& root, const std::vector<const config::AgentConfig*>& agents,
                          std::vector<std::pair<std::string, std::string>>& out) {
  std::vector<std::string> dirs;
  for (const auto* agent : agents) {
    auto specs = resolve::agent_specs(*agent);
    if (!specs) continue;  // a host agent, or a bad spec that resolution reports
    for (const auto& spec : specs->all()) {
      if (!spec.local_dir.empty()) dirs.push_back(spec.local_dir);
    }
  }
  for (const auto& named : dirs) {
    // The spec names the flake by the path the .jailed was found at, the jail binds real paths:
    // resolve the parent only, so that a flake directory that is itself a symlink shows.
    auto parent = util::real_path(util::parent_dir(named));
    if (!parent) continue;
    std::string dir = util::join_path(*parent, util::base_name(named));
    if (!util::is_within(dir, root)) continue;
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

// Returns host git: the first on PATH outside the places an agent of `agent` can write (an
// agent could plant a `git` in the project's bin/ or .venv/bin), else /usr/bin/git.
std::optional<std::string> trusted_git(const config::AgentConfig& agent, const std::string& root) {
  auto areas = resolve::agent_writable_areas(agent, root);
  const char* path = std::getenv("PATH");
  std::string trusted = util::path_without(path ? path : "/usr/local/bin:/usr/bin:/bin", areas);
  for (const auto& candidate : {util::find_program("git", trusted), util::find_program("git", "/usr/bin:/bin")}) {
    if (!candidate) continue;
    auto real = util::real_path(*candidate);
    bool planted = !real || std::any_of(areas.begin(), areas.end(),
                                        [&](const std::string& area) { return util::is_within(*real, area); });
    if (!planted) return candidate;
  }
  return std::nullopt;
}

// The environment host git runs in here: the caller's home, locale and config locations, and
// nothing that points git elsewhere (GIT_DIR, GIT_CONFIG_*, GIT_EXEC_PATH) or runs something.
std::vector<std::string> git_env(const std::string& git) {
  std::vector<std::string> env{"PATH=" + util::parent_dir(git) + ":/usr/bin:/bin"};
  for (const char* name : {"HOME", "USER", "LANG", "LC_ALL", "LC_CTYPE", "XDG_CONFIG_HOME"}) {
    if (const char* value = std::getenv(name)) env.push_back(std::string(name) + "=" + value);
  }
  return env;
}

// Returns the identity host git would commit under in `root`, as the variables that give it to
// git inside (where ~/.gitconfig is not): GIT_AUTHOR_* and GIT_COMMITTER_* set on the host win,
// the rest comes from `git config` (the repository's own user.* included), asked only if needed.
std::vector<std::pair<std::string, std::string>> git_identity(const config::AgentConfig& agent, const std::string& root) {
  std::vector<std::pair<std::string, std::string>> env;
  std::string name, email;
  auto get = [](const char* variable) -> std::string {
    const char* value = std::getenv(variable);
    return value ? value : "";
  };
  bool all_set = true;
  for (const char* variable : {"GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL"}) {
    all_set = all_set && !get(variable).empty();
  }
  if (!all_set) {
    if (auto git = trusted_git(agent, root)) {
      util::SystemRunner runner(git_env(*git));
      auto answer = runner.run({*git, "-C", root, "config", "--get-regexp", "^user\\.(name|email)$"});
      if (answer && answer->status == 0) {
        for (const auto& line : util::split(answer->out, '\n')) {
          size_t space = line.find(' ');
          if (space == std::string::npos) continue;
          std::string key = line.substr(0, space), value = line.substr(space + 1);
          if (key == "user.name") name = value;
          if (key == "user.email") email = value;
        }
      }
    }
  }
  for (const auto& [variable, fallback] : {std::pair<const char*, std::string>{"GIT_AUTHOR_NAME", name},
                                           {"GIT_AUTHOR_EMAIL", email},
                                           {"GIT_COMMITTER_NAME", name},
                                           {"GIT_COMMITTER_EMAIL", email}}) {
    std::string value = get(variable).empty() ? fallback : get(variable);
    if (!value.empty()) env.emplace_back(variable, value);
  }
  return env;
}

// What protection by path leaves open in a launch of `agent` on `facts`, in words for explain.
void describe_unprotected(const config::AgentConfig& agent, const std::string& root, ProjectFacts& facts) {
  std::vector<std::string> missing;
  for (const auto& name : protected_names()) {
    if (name == ".git" || util::starts_with(name, ".git/")) continue;
    if (std::find(k_placeholder_dirs.begin(), k_placeholder_dirs.end(), name) != k_placeholder_dirs.end()) continue;
    if (!util::exists_nofollow(root + "/" + name)) missing.push_back(name);
  }
  auto& out = facts.unprotected;
  if (!missing.empty()) {
    out.push_back("names missing at launch, which the agent may create: " + util::join(missing, ", ") +
                  " (direnv asks before a new .envrc runs, Claude Code before it starts a new project MCP "
                  "server; the others are loaded by their tools as they are)");
  }
  out.push_back("repositories the agent makes (git init DIR): host git runs their config when you work in them");
  out.push_back("scripts and configs the project's own tooling runs or obeys: package.json scripts, Makefiles, "
                "build.rs, .cargo/config.toml, .npmrc, .yarnrc.yml, conftest.py, node_modules/.bin, what a "
                "protected hook or hook manager config calls (pre-commit 'repo: local', lint-staged commands and "
                "the lint-staged configs of subdirectories), the files a protected flake.nix or shell.nix imports");
  std::vector<std::string> skipped;
  for (const auto& name : unscanned_dir_names()) skipped.push_back(name + "/");
  out.push_back("repositories inside " + util::join(skipped, ", ") +
                " and target/ beside Cargo.toml or pom.xml (not scanned; submodules there are)");
  if (!agent.readwrite.empty()) {
    out.push_back("repositories and host-run files inside readwrite grants: only the project is scanned");
  }
  if (agent.git == "commit") {
    out.push_back("git = commit: a repository the agent stages as a gitlink (git add DIR) is entered by host "
                  "'git status', which runs its config; the agent can also rewrite or drop history, hide changes "
                  "from 'git status' (assume-unchanged bits in the index), or leave a rebase in progress whose "
                  "todo list runs commands on 'git rebase --continue'");
  }
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

std::string protected_reason(const std::string& path, const ProjectFacts& project) {
  for (const auto& [extra, why] : project.extra_protected) {
    if (extra == path) return why;
  }
  for (const auto& [name, why] : protected_table()) {
    std::string suffix = "/" + name;
    if (path.size() > suffix.size() && path.compare(path.size() - suffix.size(), suffix.size(), suffix) == 0) return why;
  }
  return "";
}

Result<ProjectFacts> probe_project(const std::string& project_dir, const config::AgentConfig& agent,
                                   const std::vector<config::AgentConfig>& others) {
  std::vector<const config::AgentConfig*> all_agents{&agent};
  for (const auto& other : others) {
    if (other.name != agent.name) all_agents.push_back(&other);
  }
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
  bool commit = agent.git == "commit";
  // The walk's record saves reading unchanged directories; not where the agent could write it.
  std::string cache_dir = util::parent_dir(walk_cache_file(facts.dir));
  bool use_cache = true;
  for (const auto* writable : {&agent.readwrite, &agent.config}) {
    for (const auto& path : *writable) use_cache = use_cache && !util::is_within(cache_dir, path.text);
  }
  for (const auto& root : roots) use_cache = use_cache && !util::is_within(cache_dir, root);
  for (const auto& root : roots) {
    if (auto probed = probe_protected(root, facts.protected_paths); !probed) return probed.failure();
    // git = commit: the project's .git directory stays writable but for what the scan protects.
    auto git_dir = util::lstat_path(root + "/.git");
    if (commit && git_dir && S_ISDIR(git_dir->st_mode)) {
      std::erase(facts.protected_paths, root + "/.git");
    }
    auto scan = scan_host_run(root, commit, use_cache ? walk_cache_file(root) : "");
    if (!scan) return scan.failure();
    for (const auto& [path, why] : scan->protect) add_extra(facts.extra_protected, path, why);
    for (auto& placeholder : scan->placeholders) facts.more_placeholders.push_back(std::move(placeholder));
    for (auto& line : scan->unprotected) facts.unprotected.push_back(std::move(line));
    // Said at every launch: the agent could make directories to push a repository out of reach.
    if (scan->truncated) {
      std::string text = "the scan for repositories and .envrc files stopped after " + std::to_string(scan->directories) +
                         " directories of " + root + "; those deeper are not protected";
      facts.unprotected.push_back(text);
      facts.scan_notes.push_back(text + " (an agent may have made many directories: look)");
    }
    if (auto flakes = probe_local_flakes(root, all_agents, facts.extra_protected); !flakes) return flakes.failure();
    // Without this, `git init` inside would make a repository whose config host git obeys,
    // and shell prompts run `git status` on every cd. An empty .git is ignored by git.
    std::string git = root + "/.git";
    if (!util::exists_nofollow(git)) facts.placeholders.push_back(git);
    // Directories whose files host tools load without asking once the folder is trusted: an
    // empty one is as good as none to them, and git does not see an empty directory.
    for (const auto& name : k_placeholder_dirs) {
      std::string path = root + "/" + name;
      if (util::exists_nofollow(path)) continue;
      facts.more_placeholders.push_back({path, true, "",
                                         "placeholder: keeps the agent from creating it (" +
                                             protected_reason(path, facts) + "); an empty directory is as none"});
    }
  }
  if (auto linked = refuse_hard_links(facts); !linked) return linked.failure();
  auto grants = resolve_grants(agent, roots);
  if (!grants) return grants.failure();
  facts.grant_sources = std::move(*grants);
  describe_unprotected(agent, facts.dir, facts);
  if (commit && util::exists_nofollow(facts.dir + "/.git")) {
    facts.git_env = git_identity(agent, facts.dir);
    auto has = [&](const char* name) {
      return std::any_of(facts.git_env.begin(), facts.git_env.end(), [&](const auto& entry) { return entry.first == name; });
    };
    if (!has("GIT_AUTHOR_NAME") || !has("GIT_AUTHOR_EMAIL")) {
      facts.scan_notes.push_back("git = commit, but git has no user.name and user.email here: commits inside will fail "
                                 "(set them with 'git config --global')");
    }
  }
  return facts;
}

}  // namespace jailed::sandbox
