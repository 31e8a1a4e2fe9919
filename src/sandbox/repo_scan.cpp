// The scan of a project for host-run files: one walk of the tree (tree_walk.hpp), then each
// repository and .envrc it found.
#include "sandbox/repo_scan.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <optional>

#include "sandbox/envrc_scan.hpp"
#include "sandbox/git_config.hpp"
#include "util/files.hpp"
#include "util/paths.hpp"
#include "util/strings.hpp"

namespace jailed::sandbox {
namespace {

// Configs of hook managers whose installed hooks run what these files say (or the scripts in
// these directories), looked for at the top of every work tree.
const char* const k_hook_manager_files[] = {
    ".husky", ".huskyrc", ".huskyrc.json", ".huskyrc.js", ".huskyrc.cjs", ".huskyrc.yaml", ".huskyrc.yml",
    "husky.config.js", "husky.config.cjs", ".pre-commit-config.yaml", ".pre-commit-config.yml",
    "lefthook.yml", "lefthook.yaml", "lefthook.toml", "lefthook.json", "lefthook.jsonc", ".lefthook.yml",
    ".lefthook.yaml", ".lefthook.toml", ".lefthook.json", ".lefthook.jsonc", "lefthook-local.yml",
    "lefthook-local.yaml", "lefthook-local.toml", "lefthook-local.json", ".lefthook-local.yml",
    ".lefthook-local.yaml", ".lefthook-local.toml", ".lefthook-local.json", ".lefthook", ".lefthook-local",
    ".config/lefthook.yml", ".config/lefthook.yaml", ".config/lefthook.toml", ".config/lefthook.json",
    ".lintstagedrc", ".lintstagedrc.json", ".lintstagedrc.yaml", ".lintstagedrc.yml", ".lintstagedrc.js",
    ".lintstagedrc.cjs", ".lintstagedrc.mjs", ".lintstagedrc.ts", ".lintstagedrc.cts", ".lintstagedrc.mts",
    "lint-staged.config.js", "lint-staged.config.cjs", "lint-staged.config.mjs", "lint-staged.config.ts",
    "lint-staged.config.cts", "lint-staged.config.mts", ".simple-git-hooks.json", ".simple-git-hooks.js",
    ".simple-git-hooks.cjs", ".simple-git-hooks.mjs", "simple-git-hooks.json", "simple-git-hooks.js",
    "simple-git-hooks.cjs", "simple-git-hooks.mjs", ".overcommit.yml", ".git-hooks", ".gitmodules", ".lfsconfig",
};

// Collects the scan's findings for one root.
class Scanner {
 public:
  Scanner(std::string root, bool git_commit) : m_root(std::move(root)), m_commit(git_commit) {
    m_home = util::normalize(util::home_dir());
    // The configs host git reads for every repository (git-config(1) FILES).
    auto env = [](const char* name) -> std::string {
      const char* value = std::getenv(name);
      return value ? value : "";
    };
    std::string system = env("GIT_CONFIG_SYSTEM").empty() ? "/etc/gitconfig" : env("GIT_CONFIG_SYSTEM");
    std::vector<std::string> globals{system};
    if (!env("GIT_CONFIG_GLOBAL").empty()) {
      globals.push_back(env("GIT_CONFIG_GLOBAL"));
    } else {
      globals.push_back(util::xdg_dir("CONFIG") + "/git/config");
      globals.push_back(m_home + "/.gitconfig");
    }
    for (const auto& file : globals) read_config(file, "", m_global_hooks, 0);
  }

  Status add_repository(const std::string& top, unsigned char git_type) {
    std::string dot_git = top + "/.git";
    bool is_root = top == m_root;
    std::string gitdir;
    if (git_type == DT_LNK) {
      return fail("refusing to start: " + dot_git +
                      " is a symlink; host git follows it, so it must be a real directory or file (inspect it)",
                  ExitCode::not_allowed);
    }
    if (git_type == DT_REG) {
      // A gitfile: "gitdir: PATH", relative to the file's directory.
      if (!is_root) protect(dot_git, "host git follows this .git file to its git dir");
      auto text = util::read_file(dot_git, 4096);
      if (!text || !util::starts_with(*text, "gitdir:")) return success();
      std::string_view line = std::string_view(*text).substr(7);
      std::string target(util::trim(line.substr(0, line.find('\n'))));
      gitdir = resolve(target, top);
      if (gitdir.empty()) return success();
      if (auto st = util::lstat_path(gitdir); st && S_ISDIR(st->st_mode) && within_writable(gitdir)) {
        protect(gitdir, "the git dir of " + top + " (named by its .git file): host git runs its config and hooks");
      }
    } else if (git_type == DT_DIR) {
      gitdir = dot_git;
      if (!is_root) protect(dot_git, "a nested repository's git dir: host git runs its config and hooks");
    } else {
      return success();
    }
    if (is_root && git_type == DT_DIR && m_commit) protect_commit_pieces(gitdir);
    std::vector<std::string> hooks = m_global_hooks;
    read_gitdir_configs(gitdir, hooks);
    // With extensions.worktreeConfig, git reads config.worktree too: an empty one is valid.
    if (is_root && git_type == DT_DIR && m_commit && m_worktree_config) {
      reference(gitdir + "/config.worktree", false, true, "git config can run commands on the host");
    }
    for (const auto& value : hooks) protect_hooks(value, top);
    // The default hooks directory of a gitfile's git dir elsewhere in the project: covered by
    // that git dir's protection; of .git itself: by .git's.
    for (const char* name : k_hook_manager_files) {
      std::string path = top + "/" + name;
      if (util::exists_nofollow(path)) protect(path, "a hook manager's config: git hooks run what it says");
    }
    return success();
  }

  void add_envrc(const std::string& envrc) {
    std::string dir = util::parent_dir(envrc);
    auto st = util::lstat_path(envrc);
    if (st && S_ISLNK(st->st_mode)) {
      // A link to another .envrc (sub/.envrc -> ../.envrc): direnv runs the target, and asks
      // again before it runs a link the agent replaced (it trusts content, not names).
      auto target = util::real_path(envrc);
      if (target && within_writable(*target)) protect(*target, "direnv runs it on the host (through " + envrc + ")");
    } else if (envrc != m_root + "/.envrc") {
      protect(envrc, "direnv runs it on the host");
    }
    auto text = util::read_file(envrc, 1024 * 1024);
    if (!text) return;
    auto refs = envrc_references(*text);
    for (const auto& word : refs.unresolved) {
      m_scan.unprotected.push_back(envrc + " loads \"" + word + "\", a path jailed cannot work out");
    }
    for (const auto& line : refs.unfollowed) {
      m_scan.unprotected.push_back(envrc + ": \"" + util::printable(line) +
                                   "\" names a direnv command in a way jailed cannot follow; what it loads is not protected");
    }
    for (const auto& ref : refs.paths) {
      std::string why = "the .envrc loads it (" + ref.command + "): direnv runs it on the host without a new allow";
      if (ref.command == "source_up" || ref.command == "source_up_if_exists") {
        // Every directory above, up to the project, may hold the name.
        std::string name = util::base_name(ref.path);
        for (std::string up = util::parent_dir(dir); util::is_within(up, m_root); up = util::parent_dir(up)) {
          reference(up + "/" + name, false, true, why);
          if (up == m_root) break;
        }
        continue;
      }
      std::string path = resolve(ref.path, dir);
      if (path.empty()) {
        // Its directory does not exist: nothing there to load now, but the agent may make it.
        if (ref.path[0] != '/' && ref.path[0] != '~') {
          m_scan.unprotected.push_back(util::normalize(dir + "/" + ref.path) + " (its directory is missing at launch; " +
                                       why + ")");
        }
        continue;
      }
      // A watched file that is missing is only watched: nothing loads it.
      if (util::starts_with(ref.command, "watch_") && !util::exists_nofollow(path)) continue;
      reference(path, ref.directory, ref.placeholder, why);
    }
  }

  Status finish(HostRunScan& out) {
    if (m_failure) return *m_failure;
    out = std::move(m_scan);
    return success();
  }

  HostRunScan& scan() { return m_scan; }

 private:
  // Returns `value` (a path from a config file or a .git file) resolved like git: ~/ is the
  // home, relative is relative to `base`; the parent resolved to its real path, so the bind
  // lands where the file really is. "" when the parent does not exist.
  std::string resolve(const std::string& value, const std::string& base) {
    if (value.empty()) return "";
    std::string path = value;
    if (util::starts_with(path, "~/")) {
      path = m_home + path.substr(1);
    } else if (path[0] != '/') {
      path = base + "/" + path;
    }
    path = util::normalize(path);
    auto parent = util::real_path(util::parent_dir(path));
    if (!parent) return "";
    return util::join_path(*parent, util::base_name(path));
  }

  // A path named relative to `base` in the project whose directory is missing: nothing there
  // now, but the agent may make it; explain says so.
  void missing_parent(const std::string& value, const std::string& base, const std::string& why) {
    if (value.empty() || value[0] == '/' || util::starts_with(value, "~")) return;
    std::string path = util::normalize(base + "/" + value);
    if (within_writable(path)) m_scan.unprotected.push_back(path + " (its directory is missing at launch; " + why + ")");
  }

  // Returns true if `path` lies in the root: compared as written, so it must hold no "..",
  // which would climb out of the root that it seems to lie in.
  bool within_writable(const std::string& path) const {
    return util::is_within(path, m_root) && path.find("/..") == std::string::npos;
  }

  void protect(const std::string& path, const std::string& why) {
    for (const auto& [known, reason] : m_scan.protect) {
      if (known == path) return;
    }
    if (!within_writable(path)) return;
    auto st = util::lstat_path(path);
    if (!st) return;
    if (S_ISLNK(st->st_mode) && !m_failure) {
      m_failure = fail("refusing to start: " + path + " is a symlink; a protected path (" + why +
                           ") must be a real file or directory (inspect it)",
                       ExitCode::not_allowed);
      return;
    }
    m_scan.protect.emplace_back(path, why);
  }

  void placeholder(const std::string& path, bool directory, const std::string& content, const std::string& why) {
    for (const auto& known : m_scan.placeholders) {
      if (known.path == path) return;
    }
    m_scan.placeholders.push_back({path, directory, content, why});
  }

  // A path something names: protected if it exists, else held by a placeholder when its
  // directory exists (a placeholder never creates directories above it).
  void reference(const std::string& path, bool directory, bool can_hold, const std::string& why) {
    if (!within_writable(path) || path == m_root) return;
    if (util::exists_nofollow(path)) {
      protect(path, why);
    } else if (!can_hold) {
      m_scan.unprotected.push_back(path + " (missing at launch; " + why + ")");
    } else if (auto parent = util::lstat_path(util::parent_dir(path)); parent && S_ISDIR(parent->st_mode)) {
      placeholder(path, directory, "", "placeholder: " + why);
    }
  }

  // Reads the config file `file` and those it includes (depth-limited like git's own limit of
  // 10), protecting the included ones in the project and collecting core.hooksPath values.
  void read_config(const std::string& file, const std::string& included_from, std::vector<std::string>& hooks,
                   int depth) {
    if (depth > 10) return;
    auto text = util::read_file(file, 4 * 1024 * 1024);
    if (!text) return;
    if (!included_from.empty() && within_writable(file)) {
      protect(file, "host git includes it from " + included_from);
    }
    auto facts = git_config_facts(parse_git_config(*text));
    if (!facts.hooks_path.empty()) hooks.push_back(facts.hooks_path);
    for (const auto& include : facts.includes) {
      std::string path = resolve(include, util::parent_dir(file));
      if (!path.empty() && !util::exists_nofollow(path)) {
        // Missing, git includes nothing; an empty file held in its place is as good.
        reference(path, false, true, "host git includes it from " + file + " (include.path)");
      } else if (!path.empty()) {
        read_config(path, file, hooks, depth + 1);
      } else {
        missing_parent(include, util::parent_dir(file), "host git would include it from " + file);
      }
    }
    m_worktree_config = m_worktree_config || facts.worktree_config;
  }

  // The configs host git reads from a git dir: config (of the common dir, when commondir
  // names another) and config.worktree.
  void read_gitdir_configs(const std::string& gitdir, std::vector<std::string>& hooks) {
    std::string common = gitdir;
    if (auto text = util::read_file(gitdir + "/commondir", 4096)) {
      std::string_view line = *text;
      std::string named = resolve(std::string(util::trim(line.substr(0, line.find('\n')))), gitdir);
      if (!named.empty()) common = named;
      if (common != gitdir && within_writable(common)) {
        protect(common, "the common git dir of " + gitdir + ": host git runs its config and hooks");
      }
    }
    m_worktree_config = false;
    read_config(common + "/config", "", hooks, 0);
    if (m_worktree_config) read_config(gitdir + "/config.worktree", "", hooks, 0);
  }

  // core.hooksPath: relative to the work tree top, where git runs hooks.
  void protect_hooks(const std::string& value, const std::string& top) {
    std::string path = resolve(value, top);
    if (path.empty()) missing_parent(value, top, "host git would run the hooks in it (core.hooksPath)");
    if (path.empty() || !within_writable(path) || path == m_root) return;
    if (!util::exists_nofollow(path)) {
      // Missing, git runs no hooks; an empty directory held in its place runs none either.
      reference(path, true, true, "host git runs the hooks in it (core.hooksPath)");
      return;
    }
    protect(path, "host git runs the hooks in it (core.hooksPath)");
    // husky 9: core.hooksPath = .husky/_, whose trampolines run .husky/<hook>.
    if (util::base_name(path) == "_" && util::parent_dir(path) != m_root) {
      protect(util::parent_dir(path), "the hooks in " + path + " run the scripts in it (husky)");
    }
  }

  // git = commit: the project's .git stays writable for objects, refs, the index and logs;
  // what host git executes or obeys is protected, and what must not appear gets a placeholder.
  void protect_commit_pieces(const std::string& gitdir) {
    const std::pair<const char*, const char*> pieces[] = {
        {"config", "git config can run commands on the host"},
        {"config.worktree", "git config can run commands on the host"},
        {"hooks", "git runs hooks on the host"},
        {"info", "host git obeys its attributes and excludes"},
        {"modules", "submodules' git dirs: host git runs their config and hooks"},
        {"worktrees", "linked worktrees' git dirs: host git follows their commondir and gitdir"},
        {"commondir", "host git reads its config from the directory this names"},
    };
    for (const auto& [name, why] : pieces) protect(gitdir + "/" + name, why);
    // Empty where missing, as git itself leaves them: hooks and info as git init makes them;
    // modules and worktrees, where host git would take a git dir the agent made for a
    // submodule it checks out or a worktree it lists.
    for (const char* name : {"hooks", "info", "modules", "worktrees"}) {
      if (!util::exists_nofollow(gitdir + "/" + name)) {
        placeholder(gitdir + "/" + name, true, "", std::string("placeholder: an empty ") + name + " directory, as git leaves it");
      }
    }
    // A commondir naming the git dir itself: git works as without one, and the agent cannot
    // write one naming a directory whose config it planted.
    if (!util::exists_nofollow(gitdir + "/commondir")) {
      placeholder(gitdir + "/commondir", false, ".\n",
                  "placeholder: names .git itself, so the agent cannot point host git at another config");
    }
  }

  std::string m_root;
  bool m_commit;
  std::string m_home;
  std::vector<std::string> m_global_hooks;
  bool m_worktree_config = false;
  HostRunScan m_scan;
  std::optional<Failure> m_failure;
};

}  // namespace

Status ensure_placeholders(const ProjectFacts& project) {
  for (const auto& holder : project.more_placeholders) {
    if (holder.directory || holder.content.empty()) continue;
    // O_EXCL | O_NOFOLLOW: a name that appeared meanwhile (a symlink included) is left alone,
    // and the bind then shows whatever it is read-only.
    int fd = ::open(holder.path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0) {
      if (errno == EEXIST) continue;
      return fail("cannot create " + holder.path + ": " + std::strerror(errno));
    }
    auto written = util::write_all(fd, holder.content, holder.path);
    ::close(fd);
    if (!written) return written;
  }
  return success();
}

Result<HostRunScan> scan_host_run(const std::string& root, bool git_commit, const std::string& cache_file,
                                  size_t dir_limit) {
  Tree tree = walk_tree(root, cache_file, dir_limit);
  Scanner scanner(root, git_commit);
  // Submodules named in .gitmodules, wherever they are (an unscanned directory too).
  std::vector<std::string> tops;
  for (const auto& [top, type] : tree.repos) tops.push_back(top);
  std::vector<std::pair<std::string, unsigned char>> submodules;
  for (const auto& top : tops) {
    auto text = util::read_file(top + "/.gitmodules", 1024 * 1024);
    if (!text) continue;
    for (const auto& entry : parse_git_config(*text)) {
      if (entry.section != "submodule" || entry.key != "path" || entry.value.empty()) continue;
      // Its real path: a path climbing out of the project (..) is not the project's to protect.
      auto real = util::real_path(top + "/" + entry.value);
      if (!real) continue;
      std::string sub = *real;
      if (!util::is_within(sub, root) || std::find(tops.begin(), tops.end(), sub) != tops.end()) continue;
      auto st = util::lstat_path(sub + "/.git");
      if (!st) continue;
      unsigned char git_type = S_ISDIR(st->st_mode)   ? DT_DIR
                               : S_ISREG(st->st_mode) ? DT_REG
                               : S_ISLNK(st->st_mode) ? DT_LNK
                                                      : DT_UNKNOWN;
      submodules.emplace_back(sub, git_type);
    }
  }
  for (auto& submodule : submodules) {
    if (std::find(tops.begin(), tops.end(), submodule.first) != tops.end()) continue;
    tops.push_back(submodule.first);
    tree.repos.push_back(std::move(submodule));
  }
  // A project inside a repository: that repository's config may include files, or name a hooks
  // directory (relative to its top), inside the project.
  if (std::none_of(tree.repos.begin(), tree.repos.end(), [&](const auto& repo) { return repo.first == root; })) {
    for (std::string at = util::parent_dir(root); !at.empty(); at = util::parent_dir(at)) {
      if (auto st = util::lstat_path(at + "/.git")) {
        unsigned char git_type = S_ISDIR(st->st_mode) ? DT_DIR : S_ISREG(st->st_mode) ? DT_REG : DT_UNKNOWN;
        tree.repos.emplace_back(at, git_type);
        break;
      }
      if (at == "/") break;
    }
  }
  for (const auto& [top, type] : tree.repos) {
    if (auto added = scanner.add_repository(top, type); !added) return added.failure();
  }
  if (util::exists_nofollow(root + "/.envrc")) scanner.add_envrc(root + "/.envrc");
  for (const auto& envrc : tree.envrcs) scanner.add_envrc(envrc);
  HostRunScan scan;
  if (auto done = scanner.finish(scan); !done) return done.failure();
  scan.directories = tree.directories;
  scan.truncated = tree.truncated;
  return scan;
}

}  // namespace jailed::sandbox
