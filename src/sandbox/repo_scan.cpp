// The scan of a project for host-run files: one walk of the tree (readdir, no stat where the
// file system gives entry types), then each repository and .envrc it found.
#include "sandbox/repo_scan.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <time.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <optional>
#include <unordered_map>

#include "sandbox/envrc_scan.hpp"
#include "sandbox/git_config.hpp"
#include "sandbox/scan_cache.hpp"
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

// What a walk of the tree found.
struct Tree {
  std::vector<std::pair<std::string, unsigned char>> repos;  // work tree top, type of its .git
  std::vector<std::string> envrcs;
  size_t directories = 0;
  bool truncated = false;
};

unsigned char type_at(int dir_fd, const char* name, unsigned char type) {
  if (type != DT_UNKNOWN) return type;
  struct stat st {};
  if (::fstatat(dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) != 0) return DT_UNKNOWN;
  if (S_ISDIR(st.st_mode)) return DT_DIR;
  if (S_ISREG(st.st_mode)) return DT_REG;
  if (S_ISLNK(st.st_mode)) return DT_LNK;
  return DT_UNKNOWN;
}

// The record getdents64 fills (not in glibc's headers).
struct LinuxDirent64 {
  uint64_t d_ino;
  int64_t d_off;
  unsigned short d_reclen;
  unsigned char d_type;
  char d_name[1];
};

// One walk, breadth first: past the limit, what is left unscanned is the deepest part of the
// tree. A directory whose record from the last walk still holds (same inode, same settled
// change time: no entry added, removed or renamed since) costs one lstat; another is read with
// raw getdents64 (opendir adds a stat and two fcntl calls).
class Walker {
 public:
  Walker(const std::string& root, size_t dir_limit, const std::vector<DirRecord>& previous)
      : m_root(root), m_limit(dir_limit) {
    for (const auto& record : previous) m_previous.emplace(record.path, &record);
  }

  Tree run() {
    struct timespec now {};
    ::clock_gettime(CLOCK_REALTIME, &now);
    m_now_ns = static_cast<int64_t>(now.tv_sec) * 1000000000 + now.tv_nsec;
    std::deque<std::string> queue{m_root};
    while (!queue.empty()) {
      if (m_tree.directories >= m_limit) {
        m_tree.truncated = true;
        break;
      }
      std::string dir = std::move(queue.front());
      queue.pop_front();
      auto record = look(dir);
      if (!record) continue;
      ++m_tree.directories;
      if (record->git) m_tree.repos.emplace_back(dir, record->git);
      if (record->envrc && dir != m_root) m_tree.envrcs.push_back(dir + "/.envrc");
      for (const auto& name : record->subdirs) queue.push_back(dir + "/" + name);
      m_records.push_back(std::move(*record));
    }
    m_changed = m_changed || m_records.size() != m_previous.size();
    return std::move(m_tree);
  }

  // Returns the records of this walk, and whether they differ from the last walk's.
  const std::vector<DirRecord>& records() const { return m_records; }
  bool changed() const { return m_changed; }

 private:
  static int64_t ctime_of(const struct stat& st) {
    return static_cast<int64_t>(st.st_ctim.tv_sec) * 1000000000 + st.st_ctim.tv_nsec;
  }

  // Returns the record of `dir`: the last walk's if it still holds, else read now; nothing
  // for a directory that is no directory any more or cannot be opened (which the user's
  // tools cannot read either; root, whom jailed may run as, opens everything).
  std::optional<DirRecord> look(const std::string& dir) {
    struct stat st {};
    if (::lstat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) return std::nullopt;
    if (auto it = m_previous.find(dir); it != m_previous.end()) {
      const DirRecord& old = *it->second;
      if (old.settled && old.dev == st.st_dev && old.ino == st.st_ino && old.ctime_ns == ctime_of(st)) return old;
    }
    m_changed = true;
    int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) return std::nullopt;
    // The stamp of what is read, taken before reading: a change while reading shows later.
    DirRecord record;
    if (::fstat(fd, &st) == 0) {
      record = DirRecord{dir, st.st_dev, st.st_ino, ctime_of(st), 0, false, false, {}};
      // A change within the file system's clock tick may leave the change time as it was:
      // only a time over a second old is trusted next time.
      record.settled = ctime_of(st) + 1000000000 < m_now_ns;
    }
    record.path = dir;
    read_dir(fd, record);
    ::close(fd);
    return record;
  }

  void read_dir(int fd, DirRecord& record) {
    const auto& skipped = unscanned_dir_names();
    for (;;) {
      long got = ::syscall(SYS_getdents64, fd, m_buffer.data(), m_buffer.size());
      if (got <= 0) return;
      for (long at = 0; at < got;) {
        auto* entry = reinterpret_cast<LinuxDirent64*>(m_buffer.data() + at);
        at += entry->d_reclen;
        const char* name = entry->d_name;
        if (name[0] == '.' && (name[1] == 0 || (name[1] == '.' && name[2] == 0))) continue;
        unsigned char type = type_at(fd, name, entry->d_type);
        if (std::strcmp(name, ".git") == 0) {
          // Not DT_UNKNOWN (0, "none"): a .git of another type is recorded as one, which git
          // and the scan pass over alike.
          record.git = type == DT_UNKNOWN ? static_cast<unsigned char>(DT_FIFO) : type;
        } else if (std::strcmp(name, ".envrc") == 0) {
          record.envrc = true;
        } else if (type == DT_DIR && std::find(skipped.begin(), skipped.end(), name) == skipped.end()) {
          record.subdirs.emplace_back(name);
        }
      }
    }
  }

  const std::string& m_root;
  size_t m_limit;
  std::unordered_map<std::string, const DirRecord*> m_previous;
  int64_t m_now_ns = 0;
  Tree m_tree;
  std::vector<DirRecord> m_records;
  bool m_changed = false;
  std::vector<char> m_buffer = std::vector<char>(32768);
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
      std::string path = ref.path[0] == '/' ? util::normalize(ref.path) : util::normalize(dir + "/" + ref.path);
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

  bool within_writable(const std::string& path) const { return util::is_within(path, m_root); }

  void protect(const std::string& path, const std::string& why) {
    for (const auto& [known, reason] : m_scan.protect) {
      if (known == path) return;
    }
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
      if (!path.empty()) read_config(path, file, hooks, depth + 1);
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
    if (path.empty() || !within_writable(path) || path == m_root) return;
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

const std::vector<std::string>& unscanned_dir_names() {
  static const std::vector<std::string> names = {"node_modules"};
  return names;
}

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
  std::vector<DirRecord> previous;
  if (!cache_file.empty()) {
    if (auto bytes = util::read_file(cache_file, 256 * 1024 * 1024)) previous = decode_walk(root, *bytes);
  }
  Walker walker(root, dir_limit, previous);
  Tree tree = walker.run();
  // The record only saves time: failing to write it changes nothing.
  if (!cache_file.empty() && walker.changed()) (void)save_walk(cache_file, encode_walk(root, walker.records()));
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
      std::string sub = util::normalize(top + "/" + entry.value);
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
