// Unit tests for sandbox/git_config, sandbox/envrc_scan and sandbox/repo_scan: what host git,
// hook managers and direnv would run from a project, found by one scan of its tree.
#include <catch2/catch.hpp>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "sandbox/envrc_scan.hpp"
#include "sandbox/git_config.hpp"
#include "sandbox/repo_scan.hpp"
#include "sandbox/scan_cache.hpp"
#include "util/files.hpp"
#include "temp_dir.hpp"

using namespace jailed;
using namespace jailed::sandbox;
using jailed::testing::TempDir;

namespace {

std::vector<std::string> paths_of(const HostRunScan& scan) {
  std::vector<std::string> out;
  for (const auto& [path, why] : scan.protect) out.push_back(path);
  std::sort(out.begin(), out.end());
  return out;
}

bool has(const std::vector<std::string>& list, const std::string& item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

void write(const std::string& path, const std::string& text) {
  REQUIRE(util::make_dirs(path.substr(0, path.rfind('/'))).ok());
  REQUIRE(util::write_file_atomic(path, text).ok());
}

}  // namespace

TEST_CASE("git config: sections, subsections, quotes, comments and continuations", "[sandbox]") {
  auto entries = parse_git_config(
      "# comment\n[Core]\n\tHooksPath = \"tools/my hooks\" ; why\n[includeIf \"gitdir:~/w/\"]\npath = a\\\n.cfg\n"
      "[include] path = b.cfg\n[core.x]\nfsmonitor\n[bad\nkey = lost\n");
  REQUIRE(entries.size() == 4);
  REQUIRE(entries[0].section == "core");
  REQUIRE(entries[0].key == "hookspath");
  REQUIRE(entries[0].value == "tools/my hooks");
  REQUIRE(entries[1].section == "includeif");
  REQUIRE(entries[1].subsection == "gitdir:~/w/");
  REQUIRE(entries[1].value == "a.cfg");
  REQUIRE(entries[2].section == "include");  // a key on the header's line
  REQUIRE(entries[2].value == "b.cfg");
  REQUIRE(entries[3].subsection == "x");
  REQUIRE(entries[3].value.empty());
  auto facts = git_config_facts(entries);
  REQUIRE(facts.includes == std::vector<std::string>{"a.cfg", "b.cfg"});
  REQUIRE(facts.hooks_path == "tools/my hooks");
  REQUIRE(git_config_facts(parse_git_config("[extensions]\n\tworktreeConfig = true\n")).worktree_config);
}

TEST_CASE("envrc: the files and directories direnv loads with it", "[sandbox]") {
  auto refs = envrc_references(
      "source_env_if_exists .envrc.local\nPATH_add bin \"$PWD/tools\"  # comment\ndotenv\n"
      "use flake . --impure\nuse nix -p hello\nwatch_file conf/*.toml\nexport X=1; source ./lib.sh\n");
  std::vector<std::string> paths;
  for (const auto& ref : refs.paths) paths.push_back(ref.command + " " + ref.path + (ref.placeholder ? " +" : ""));
  REQUIRE(paths == std::vector<std::string>{"source_env_if_exists .envrc.local +", "PATH_add bin +",
                                            "PATH_add ./tools +", "dotenv .env +", "use flake ./flake.nix",
                                            "use flake ./flake.lock", "source ./lib.sh +"});
  REQUIRE(refs.unresolved == std::vector<std::string>{"watch_file conf/*.toml"});
  auto nix = envrc_references("use nix\n");
  REQUIRE(nix.paths.size() == 2);
  REQUIRE(nix.paths[0].path == "shell.nix");
}

TEST_CASE("envrc: layouts, use vim and commands after shell keywords", "[sandbox]") {
  auto refs = envrc_references(
      "layout node\nlayout php\nlayout python3\nlayout pipenv\nuse vim\n"
      "if [ -f .envrc.local ]; then source_env .envrc.local; fi\n! { PATH_add tools; }\nlayout weird\n"
      "eval \"source_env hidden\"\n");
  std::vector<std::string> paths;
  for (const auto& ref : refs.paths) paths.push_back(ref.command + " " + ref.path + (ref.directory ? "/" : ""));
  REQUIRE(paths == std::vector<std::string>{"layout node node_modules/.bin/", "layout php vendor/bin/",
                                            "layout python3 .direnv/", "layout pipenv Pipfile",
                                            "layout pipenv Pipfile.lock", "layout pipenv .venv/",
                                            "use vim .vimrc.local", "source_env .envrc.local", "PATH_add tools/"});
  for (const auto& ref : refs.paths) REQUIRE(ref.placeholder);
  REQUIRE(refs.unresolved == std::vector<std::string>{"layout weird"});
  REQUIRE(refs.unfollowed == std::vector<std::string>{"eval \"source_env hidden\""});
}

TEST_CASE("scan: nested repositories, gitfiles, included configs and hook managers", "[sandbox]") {
  TempDir tmp;
  std::string dir = tmp.path + "/app";
  write(dir + "/.git/config", "[include]\n\tpath = ../team.gitconfig\n");
  write(dir + "/team.gitconfig", "[core]\n\thooksPath = .husky/_\n");
  REQUIRE(util::make_dirs(dir + "/.husky/_").ok());
  write(dir + "/lefthook.yml", "pre-commit: {}\n");
  write(dir + "/vendor/lib/.git/config", "[core]\n\tbare = false\n");
  write(dir + "/deep/a/b/c/nested/.git/HEAD", "ref: refs/heads/main\n");
  write(dir + "/gitdirs/sub.git/config", "[core]\n");
  write(dir + "/work/sub/.git", "gitdir: ../../gitdirs/sub.git\n");
  write(dir + "/node_modules/pkg/.git/config", "[core]\n");
  write(dir + "/rust/Cargo.toml", "[package]\n");
  write(dir + "/rust/target/debug/dep/.git/config", "[core]\n");
  write(dir + "/other/target/lib/.git/config", "[core]\n");  // not beside a Cargo.toml: scanned
  auto scan = scan_host_run(dir, false);
  REQUIRE(scan.ok());
  auto paths = paths_of(*scan);
  for (const char* expected : {"/team.gitconfig", "/.husky/_", "/.husky", "/lefthook.yml", "/vendor/lib/.git",
                               "/deep/a/b/c/nested/.git", "/work/sub/.git", "/gitdirs/sub.git"}) {
    INFO(expected);
    REQUIRE(has(paths, dir + expected));
  }
  // node_modules is not scanned; what the agent could do there it can do anywhere (git init).
  REQUIRE_FALSE(has(paths, dir + "/node_modules/pkg/.git"));
  REQUIRE_FALSE(has(paths, dir + "/rust/target/debug/dep/.git"));
  REQUIRE(has(paths, dir + "/other/target/lib/.git"));
  REQUIRE(scan->placeholders.empty());
  REQUIRE_FALSE(scan->truncated);

  auto bounded = scan_host_run(dir, false, "", 2);
  REQUIRE(bounded.ok());
  REQUIRE(bounded->truncated);
  REQUIRE(bounded->directories == 2);
}

TEST_CASE("scan: a submodule in an unscanned directory is found through .gitmodules", "[sandbox]") {
  TempDir tmp;
  std::string dir = tmp.path + "/app";
  REQUIRE(util::make_dirs(dir + "/.git").ok());
  write(dir + "/.gitmodules", "[submodule \"m\"]\n\tpath = node_modules/m\n\turl = ../m\n");
  write(dir + "/node_modules/m/.git", "gitdir: ../../.git/modules/m\n");
  // A path that climbs out of the project names nothing of it: not shown to the agent.
  write(tmp.path + "/other/.git/HEAD", "ref: refs/heads/main\n");
  write(dir + "/.gitmodules", "[submodule \"m\"]\n\tpath = node_modules/m\n[submodule \"o\"]\n\tpath = ../other\n");
  write(dir + "/.envrc", "source_env ../other/.envrc\nPATH_add ../other/bin\n");
  auto scan = scan_host_run(dir, false);
  REQUIRE(scan.ok());
  REQUIRE(has(paths_of(*scan), dir + "/node_modules/m/.git"));
  REQUIRE(has(paths_of(*scan), dir + "/.gitmodules"));
  for (const auto& path : paths_of(*scan)) REQUIRE(path.rfind(dir + "/", 0) == 0);
  REQUIRE(scan->placeholders.empty());
}

TEST_CASE("scan: git = commit protects what host git executes and holds commondir", "[sandbox]") {
  TempDir tmp;
  std::string dir = tmp.path + "/app";
  write(dir + "/.git/config", "[core]\n");
  REQUIRE(util::make_dirs(dir + "/.git/hooks").ok());
  REQUIRE(util::make_dirs(dir + "/.git/modules/m").ok());
  auto scan = scan_host_run(dir, true);
  REQUIRE(scan.ok());
  auto paths = paths_of(*scan);
  REQUIRE(has(paths, dir + "/.git/config"));
  REQUIRE(has(paths, dir + "/.git/hooks"));
  REQUIRE(has(paths, dir + "/.git/modules"));
  REQUIRE_FALSE(has(paths, dir + "/.git"));
  std::vector<std::string> held;
  for (const auto& holder : scan->placeholders) held.push_back(holder.path + (holder.directory ? "/" : "=" + holder.content));
  REQUIRE(held == std::vector<std::string>{dir + "/.git/info/", dir + "/.git/worktrees/", dir + "/.git/commondir=.\n"});

  ProjectFacts facts;
  facts.more_placeholders = scan->placeholders;
  REQUIRE(ensure_placeholders(facts).ok());
  REQUIRE(util::read_file(dir + "/.git/commondir").take() == ".\n");
  REQUIRE(ensure_placeholders(facts).ok());  // an existing one is left alone
}

TEST_CASE("scan: the files an .envrc loads, held by placeholders when missing", "[sandbox]") {
  TempDir tmp;
  std::string dir = tmp.path + "/app";
  write(dir + "/.envrc", "source_env_if_exists .envrc.local\nPATH_add bin\ndotenv_if_exists\nuse flake\n");
  write(dir + "/flake.nix", "{}\n");
  write(dir + "/sub/.envrc", "source_up\n");
  REQUIRE(util::make_dirs(dir + "/linked").ok());
  REQUIRE(::symlink("../sub/.envrc", (dir + "/linked/.envrc").c_str()) == 0);  // protected through its target
  auto scan = scan_host_run(dir, false);
  REQUIRE(scan.ok());
  auto paths = paths_of(*scan);
  REQUIRE(has(paths, dir + "/flake.nix"));
  REQUIRE(has(paths, dir + "/sub/.envrc"));
  std::vector<std::string> held;
  for (const auto& holder : scan->placeholders) held.push_back(holder.path + (holder.directory ? "/" : ""));
  REQUIRE(held == std::vector<std::string>{dir + "/.envrc.local", dir + "/bin/", dir + "/.env"});
  // An empty flake.lock would break `use flake`: said, not held.
  REQUIRE(std::any_of(scan->unprotected.begin(), scan->unprotected.end(),
                      [&](const std::string& line) { return line.find(dir + "/flake.lock (missing at launch") == 0; }));
}

TEST_CASE("scan: a nested .git or protected config that is a symlink refuses the start", "[sandbox]") {
  TempDir tmp;
  std::string dir = tmp.path + "/app";
  REQUIRE(util::make_dirs(dir + "/sub").ok());
  REQUIRE(::symlink("/tmp", (dir + "/sub/.git").c_str()) == 0);
  auto scan = scan_host_run(dir, false);
  REQUIRE_FALSE(scan.ok());
  REQUIRE(scan.error().find(dir + "/sub/.git is a symlink") != std::string::npos);
}

TEST_CASE("policy: placeholders, pins outermost first, and the git identity", "[sandbox]") {
  config::AgentConfig agent;
  agent.name = "a";
  resolve::Resolution resolution;
  resolution.backend = "host";
  resolution.program = "/usr/bin/bash";
  HostFacts host;
  host.home = "/home/u";
  host.user = "u";
  host.cwd = "/home/u/app";
  ProjectFacts facts;
  facts.dir = "/home/u/app";
  facts.extra_protected = {{"/home/u/app/a/b/.git", "nested"}, {"/home/u/app/.husky", "husky"}};
  facts.more_placeholders = {{"/home/u/app/.envrc.local", false, "", "placeholder: sourced"},
                             {"/home/u/app/bin", true, "", "placeholder: on PATH"},
                             {"/home/u/app/.git/commondir", false, ".\n", "placeholder: commondir"},
                             {"/home/u/app/.husky/pre-commit", false, "", "placeholder: beneath a protected path"}};
  facts.git_env = {{"GIT_AUTHOR_NAME", "Ann"}, {"GIT_AUTHOR_EMAIL", "ann@x"}};
  facts.unprotected = {"something"};
  auto policy = make_policy(agent, resolution, host, facts, {});
  std::vector<std::string> mounts;
  for (const auto& m : policy.mounts) {
    if (m.target.rfind("/home/u/app/", 0) == 0) mounts.push_back(std::to_string(static_cast<int>(m.kind)) + " " + m.source + " " + m.target);
  }
  auto kind = [](MountKind k) { return std::to_string(static_cast<int>(k)) + " "; };
  REQUIRE(mounts == std::vector<std::string>{
                        kind(MountKind::bind) + "/home/u/app/.git /home/u/app/.git",
                        kind(MountKind::bind) + "/home/u/app/a /home/u/app/a",
                        kind(MountKind::bind) + "/home/u/app/a/b /home/u/app/a/b",
                        kind(MountKind::ro_bind) + "/dev/null /home/u/app/.envrc.local",
                        kind(MountKind::empty_ro) + " /home/u/app/bin",
                        kind(MountKind::ro_bind) + "/home/u/app/.git/commondir /home/u/app/.git/commondir",
                        kind(MountKind::ro_bind) + "/home/u/app/.husky /home/u/app/.husky",
                        kind(MountKind::ro_bind) + "/home/u/app/a/b/.git /home/u/app/a/b/.git",
                    });
  REQUIRE(policy.unprotected == std::vector<std::string>{"something"});
  auto has_env = [&](const std::string& name, const std::string& value) {
    return std::find(policy.env.begin(), policy.env.end(), std::make_pair(name, value)) != policy.env.end();
  };
  REQUIRE(has_env("GIT_AUTHOR_NAME", "Ann"));
  REQUIRE(has_env("GIT_AUTHOR_EMAIL", "ann@x"));
}

TEST_CASE("scan: the walk's record is reused while directories are unchanged", "[sandbox]") {
  TempDir tmp;
  std::string dir = tmp.path + "/app";
  std::string cache = tmp.path + "/cache/walk";
  write(dir + "/src/a/file.txt", "x\n");
  write(dir + "/lib/.git/HEAD", "ref: refs/heads/main\n");
  auto first = scan_host_run(dir, false, cache);
  REQUIRE(first.ok());
  REQUIRE(has(paths_of(*first), dir + "/lib/.git"));
  auto records = decode_walk(dir, util::read_file(cache).take());
  REQUIRE(records.size() == 4);  // app, src, lib, src/a: lib's .git is not entered
  // Change times under a second old are not trusted: a change within the same clock tick
  // could leave them as they were. Forged names show whether a record is reused.
  auto forge = [&] {
    auto forged = decode_walk(dir, util::read_file(cache).take());
    for (auto& record : forged) {
      if (record.path == dir + "/src") record.subdirs.push_back("ghost");
    }
    REQUIRE(save_walk(cache, encode_walk(dir, forged)));
  };
  auto reused = [&] {
    auto now = decode_walk(dir, util::read_file(cache).take());
    return std::any_of(now.begin(), now.end(), [](const DirRecord& r) {
      return std::find(r.subdirs.begin(), r.subdirs.end(), "ghost") != r.subdirs.end();
    });
  };
  bool fresh = std::none_of(records.begin(), records.end(), [](const DirRecord& r) { return r.settled; });
  if (fresh) {
    forge();
    REQUIRE(scan_host_run(dir, false, cache).ok());
    REQUIRE_FALSE(reused());
  }
  // Once settled, an unchanged directory's record is reused as it is.
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  REQUIRE(scan_host_run(dir, false, cache).ok());  // reads them again, now settled
  forge();
  REQUIRE(scan_host_run(dir, false, cache).ok());
  REQUIRE(reused());
  // A new repository changes its parent's change time: found whatever the record says.
  write(dir + "/src/a/nested/.git/HEAD", "ref: refs/heads/main\n");
  auto third = scan_host_run(dir, false, cache);
  REQUIRE(third.ok());
  REQUIRE(has(paths_of(*third), dir + "/src/a/nested/.git"));
  REQUIRE(decode_walk(dir, "garbage").empty());
  REQUIRE(decode_walk(dir + "/other", util::read_file(cache).take()).empty());
}

TEST_CASE("scan: a project inside a repository protects what that repository's config names in it", "[sandbox]") {
  TempDir tmp;
  std::string repo = tmp.path + "/repo";
  std::string dir = repo + "/app";
  write(repo + "/.git/config", "[core]\n\thooksPath = app/hooks\n[include]\n\tpath = ../app/team.gitconfig\n");
  REQUIRE(util::make_dirs(dir + "/hooks").ok());
  write(dir + "/team.gitconfig", "[user]\n\tname = Team\n");
  auto scan = scan_host_run(dir, false);
  REQUIRE(scan.ok());
  REQUIRE(paths_of(*scan) == std::vector<std::string>{dir + "/hooks", dir + "/team.gitconfig"});
}
