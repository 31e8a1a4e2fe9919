// Unit tests for sandbox/policy: mount order, protected paths, the environment allowlist, the probes.
#include <catch2/catch.hpp>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>

#include "sandbox/bwrap_args.hpp"
#include "sandbox/landlock.hpp"
#include "sandbox/policy.hpp"
#include "util/files.hpp"
#include "util/paths.hpp"
#include "util/process.hpp"
#include "sandbox_fixtures.hpp"
#include "skip.hpp"
#include "temp_dir.hpp"

using namespace jailed;
using namespace jailed::sandbox;

using jailed::testing::TempDir;
using namespace jailed::testing;

TEST_CASE("policy: mounts in order, protected paths re-bound read-only after the project", "[sandbox]") {
  auto facts = host();
  facts.host_global_proc = {"/proc/sys", "/proc/sysrq-trigger"};
  auto policy = make_policy(crush_agent(), resolution(), facts, project(), {"--yolo"});
  REQUIRE(render(policy.mounts) == std::vector<std::string>{
                                       "proc  /proc",
                                       "ro_bind /proc/sys /proc/sys",
                                       "ro_bind /proc/sysrq-trigger /proc/sysrq-trigger",
                                       "dev  /dev",
                                       "remount_ro  /dev",
                                       "tmpfs 1073741824 /tmp",
                                       "tmpfs 1073741824 /home/u",
                                       "ro_bind /usr /usr",
                                       "symlink usr/bin /bin",
                                       "ro_data DATA /etc/passwd",
                                       "ro_data DATA /etc/group",
                                       "ro_bind /etc/resolv.conf /etc/resolv.conf",
                                       "ro_bind /etc/ssl /etc/ssl",
                                       "copy /etc/localtime /etc/localtime",
                                       "bind /home/u/src/app /home/u/src/app",
                                       "bind /home/u/.config/crush /home/u/.config/crush",
                                       "bind /data/shared /data/shared",
                                       "ro_bind /home/u/.gitconfig /home/u/.gitconfig",
                                       "bind /home/u/src/app/.claude /home/u/src/app/.claude",
                                       "ro_bind /home/u/src/app/.claude/settings.json /home/u/src/app/.claude/settings.json",
                                       "ro_bind /home/u/src/app/.git /home/u/src/app/.git",
                                       "ro_bind /home/u/src/app/.jailed /home/u/src/app/.jailed",
                                       "remount_ro  /",
                                   });
  for (const auto& m : policy.mounts) REQUIRE_FALSE(m.reason.empty());
  REQUIRE(mount_at(policy, "/home/u/src/app").reason == "the project, read-write");
  REQUIRE(mount_at(policy, "/home/u/.config/crush").reason == "agent state (preset crush:4)");
  REQUIRE(mount_at(policy, "/home/u/src/app/.git").reason ==
          "protected: host git runs hooks and config commands from it (commit from the host)");
  REQUIRE(mount_at(policy, "/home/u/src/app/.claude").reason ==
          "pinned: holds protected paths, so it cannot be renamed or replaced");
  REQUIRE(policy.notes == std::vector<std::string>{k_unscoped});
  REQUIRE(policy.agent == "crush");
  REQUIRE(policy.backend == "host");
  REQUIRE(policy.network);
  REQUIRE(policy.chdir == "/home/u/src/app/sub");
  REQUIRE(policy.command == std::vector<std::string>{"/usr/bin/crush", "--yolo"});
}

TEST_CASE("policy: the environment is exactly the allowlist, forwarded names and setenv", "[sandbox]") {
  auto policy = make_policy(crush_agent(), resolution(), host(), project(), {});
  using Env = std::vector<std::pair<std::string, std::string>>;
  REQUIRE(policy.env == Env{
                            {"HOME", "/home/u"},
                            {"USER", "u"},
                            {"LOGNAME", "u"},
                            {"PATH", "/usr/bin:/bin"},
                            {"TERM", "xterm-jailed"},  // setenv replaces it in place
                            {"COLORTERM", "truecolor"},
                            {"LANG", "C.UTF-8"},
                            {"LC_ALL", "C.UTF-8"},
                            {"LC_TIME", "de_DE.UTF-8"},  // locale categories only: not LC_SECRET_TOKEN
                            {"TZ", "UTC"},
                            {"TMPDIR", "/tmp"},
                            {"SHELL", "/bin/sh"},  // no shell probed: the jail's own
                            {"JAILED_AGENT", "crush"},
                            {"JAILED_NETWORK", "on"},
                            {"ANTHROPIC_API_KEY", "sk-ant-1"},  // listed and set; OPENAI_API_KEY is unset
                            {"FOO", "2"},
                        });
}

TEST_CASE("policy: a secret is forwarded only when env lists it", "[sandbox]") {
  auto agent = crush_agent();
  agent.env.push_back(value("AWS_SECRET_ACCESS_KEY", 12));
  auto policy = make_policy(agent, resolution(), host(), project(), {});
  bool has_aws = false;
  for (const auto& [name, v] : policy.env) {
    REQUIRE(name != "SECRET_TOKEN");
    REQUIRE(name != "SSH_AUTH_SOCK");
    if (name == "AWS_SECRET_ACCESS_KEY") has_aws = v == "aws-secret";
  }
  REQUIRE(has_aws);
}

TEST_CASE("policy: network off binds no DNS files; timezone off no localtime", "[sandbox]") {
  auto agent = crush_agent();
  agent.network = false;
  agent.timezone = false;
  auto policy = make_policy(agent, resolution(), host(), project(), {});
  REQUIRE_FALSE(policy.network);
  for (const auto& m : policy.mounts) {
    REQUIRE(m.target != "/etc/resolv.conf");
    REQUIRE(m.target != "/etc/ssl");
    REQUIRE(m.target != "/etc/localtime");
  }
}

TEST_CASE("policy: on the host's network the Landlock helper scopes abstract sockets (ABI 6+)", "[sandbox]") {
  auto h = host();
  h.landlock_abi = 7;
  h.landlock_helper = "/opt/jailed/libexec/jailed/jailed-landlock";
  auto policy = make_policy(crush_agent(), resolution(), h, project(), {"--yolo"});
  // Run from a descriptor: no mount shows the helper to the agent.
  for (const auto& m : policy.mounts) REQUIRE(m.source != h.landlock_helper);
  REQUIRE(policy.store_view == StoreView::none);  // no store, so explain shows no store line
  REQUIRE(policy.landlock_helper == h.landlock_helper);
  REQUIRE(policy.landlock_abi == 7);
  REQUIRE(describe_helper(policy) == "/opt/jailed/libexec/jailed/jailed-landlock (run from a descriptor) confines "
                                     "reading and writing files to the jail's mounts and scopes abstract Unix sockets "
                                     "and signals and refuses listening on TCP ports, then runs the agent");
  // File reads and writes only: a host file on a standard descriptor cannot be reopened for more.
  REQUIRE(landlock_rules(policy).find(std::string("W") + '\0' + "/home/u/src/app" + '\0') != std::string::npos);
  REQUIRE(policy.command == std::vector<std::string>{"/usr/bin/crush", "--yolo"});
  REQUIRE(std::find(policy.notes.begin(), policy.notes.end(), k_unscoped) == policy.notes.end());

  SECTION("network off: the helper still scopes signals (the caller's process group), no port rules") {
    auto agent = crush_agent();
    agent.network = false;
    auto off = make_policy(agent, resolution(), h, project(), {});
    REQUIRE(off.landlock_helper == h.landlock_helper);
    REQUIRE(describe_helper(off) == "/opt/jailed/libexec/jailed/jailed-landlock (run from a descriptor) confines "
                                    "reading and writing files to the jail's mounts and scopes abstract Unix sockets "
                                    "and signals, then runs the agent");
    REQUIRE(off.notes.empty());
  }
  SECTION("network off before ABI 6: no helper, a note that signals reach the process group") {
    h.landlock_abi = 5;
    auto agent = crush_agent();
    agent.network = false;
    auto off = make_policy(agent, resolution(), h, project(), {});
    REQUIRE(off.landlock_helper.empty());
    REQUIRE(off.notes == std::vector<std::string>{"the agent can signal your shell's process group with kill 0 (no "
                                                  "Landlock scopes on this kernel)"});
    REQUIRE(bwrap_argv("bwrap", 9, off).at(4) == "/usr/bin/crush");
  }
  SECTION("ABI 5 has no scopes: the helper for TCP binding only, a note") {
    h.landlock_abi = 5;
    auto agent = crush_agent();
    agent.bind_ports = {value("8080", 12), value("3000", 12)};
    auto old = make_policy(agent, resolution(), h, project(), {});
    REQUIRE(old.landlock_helper == h.landlock_helper);
    REQUIRE(describe_helper(old) == "/opt/jailed/libexec/jailed/jailed-landlock (run from a descriptor) confines "
                                    "reading and writing files to the jail's mounts and refuses listening on TCP ports "
                                    "but 8080, 3000, then runs the agent");
    REQUIRE(old.notes.at(0) == "abstract Unix sockets of the host are reachable, and the agent can signal your shell's "
                               "process group with kill 0 (network = on and no Landlock scopes on this kernel)");
  }
  SECTION("ABI 3 has no network rules: no helper, a note") {
    h.landlock_abi = 3;
    auto old = make_policy(crush_agent(), resolution(), h, project(), {});
    REQUIRE(old.landlock_helper.empty());
    REQUIRE(old.notes.at(0) == k_unscoped);
  }
  SECTION("no helper installed: a note that says so") {
    h.landlock_helper.clear();
    auto missing = make_policy(crush_agent(), resolution(), h, project(), {});
    REQUIRE(missing.landlock_helper.empty());
    REQUIRE(missing.notes.at(0) == "abstract Unix sockets of the host are reachable, and the agent may listen on any "
                                   "TCP port and signal your shell's process group with kill 0 (network = on and the "
                                   "Landlock helper libexec/jailed/jailed-landlock is not installed)");
  }
}

TEST_CASE("policy: workdir = cwd binds the caller's directory instead of the project", "[sandbox]") {
  auto agent = crush_agent();
  agent.workdir = "cwd";
  auto facts = host();
  facts.cwd = "/home/u/src";
  auto policy = make_policy(agent, resolution(), facts, project(), {});
  REQUIRE(mount_at(policy, "/home/u/src").kind == MountKind::bind);
  REQUIRE(mount_at(policy, "/home/u/src").reason == "the current directory, read-write (workdir = cwd)");
  REQUIRE(policy.chdir == "/home/u/src");
  // The project lies inside the bound directory: still protected, and its directory pinned so
  // it cannot be moved aside and replaced.
  REQUIRE(mount_at(policy, "/home/u/src/app").reason.rfind("pinned", 0) == 0);
  REQUIRE(mount_at(policy, "/home/u/src/app/.jailed").kind == MountKind::ro_bind);
}

TEST_CASE("policy: workdir = cwd elsewhere does not reveal the project's protected files", "[sandbox]") {
  auto agent = crush_agent();
  agent.workdir = "cwd";
  auto facts = host();
  facts.cwd = "/srv/other";
  auto policy = make_policy(agent, resolution(), facts, project(), {});
  for (const auto& m : policy.mounts) REQUIRE_FALSE(m.target.rfind("/home/u/src/app", 0) == 0);
}

TEST_CASE("policy: chdir falls back to the project when cwd is outside it", "[sandbox]") {
  auto facts = host();
  facts.cwd = "/home/u";
  auto policy = make_policy(crush_agent(), resolution(), facts, project(), {});
  REQUIRE(policy.chdir == "/home/u/src/app");
}

TEST_CASE("policy: a work dir holding the home directory is noted", "[sandbox]") {
  auto agent = crush_agent();
  agent.workdir = "cwd";
  auto facts = host();
  facts.cwd = "/home/u";
  auto policy = make_policy(agent, resolution(), facts, project(), {});
  REQUIRE(policy.notes.back() == "/home/u holds your home directory: the agent can read and write all of it");
}

TEST_CASE("policy: the jail's root is sealed unless a grant shows the host's / there", "[sandbox]") {
  auto policy = make_policy(crush_agent(), resolution(), host(), project(), {});
  REQUIRE(render({policy.mounts.back()}) == std::vector<std::string>{"remount_ro  /"});
  auto agent = crush_agent();
  agent.readwrite = {value("/", 10)};
  auto granted = make_policy(agent, resolution(), host(), project(), {});
  for (const auto& m : granted.mounts) REQUIRE_FALSE((m.kind == MountKind::remount_ro && m.target == "/"));
}

TEST_CASE("policy: protected paths win over a read-write grant above the project", "[sandbox]") {
  auto agent = crush_agent();
  agent.readwrite = {value("/home/u/src", 10)};
  auto policy = make_policy(agent, resolution(), host(), project(), {});
  auto lines = render(policy.mounts);
  std::vector<std::string> tail(lines.end() - 7, lines.end());
  REQUIRE(tail == std::vector<std::string>{
                      "bind /home/u/src /home/u/src",
                      "ro_bind /home/u/.gitconfig /home/u/.gitconfig",
                      "bind /home/u/src/app/.claude /home/u/src/app/.claude",
                      "ro_bind /home/u/src/app/.claude/settings.json /home/u/src/app/.claude/settings.json",
                      "ro_bind /home/u/src/app/.git /home/u/src/app/.git",
                      "ro_bind /home/u/src/app/.jailed /home/u/src/app/.jailed",
                      "remount_ro  /",
                  });
}

TEST_CASE("policy: passwd and group hold root and the user", "[sandbox]") {
  auto normal = make_policy(crush_agent(), resolution(), host(), project(), {});
  REQUIRE(mount_at(normal, "/etc/passwd").source ==
          "root:x:0:0:root:/root:/bin/sh\nu:x:1000:1000:u:/home/u:/bin/sh\n");
  REQUIRE(mount_at(normal, "/etc/group").source == "root:x:0:\nstaff:x:1000:\n");

  auto facts = host();
  facts.user = "root";
  facts.group = "root";
  facts.uid = 0;
  facts.gid = 0;
  facts.home = "/root";
  facts.cwd = "/root";
  auto root = make_policy(crush_agent(), resolution(), facts, project(), {});
  REQUIRE(mount_at(root, "/etc/passwd").source == "root:x:0:0:root:/root:/bin/sh\n");
  REQUIRE(mount_at(root, "/etc/group").source == "root:x:0:\n");
}

TEST_CASE("probe_project lists existing protected paths and the grants' real paths", "[sandbox]") {
  TempDir tmp;
  std::string dir = tmp.path + "/app";
  REQUIRE(util::make_dirs(dir + "/.git/hooks").ok());
  REQUIRE(util::make_dirs(dir + "/.claude").ok());
  REQUIRE(util::write_file_atomic(dir + "/.jailed", "[agent x]\n").ok());
  REQUIRE(util::write_file_atomic(dir + "/.git/config", "").ok());
  REQUIRE(util::write_file_atomic(dir + "/.claude/settings.json", "{}").ok());
  config::AgentConfig agent;
  REQUIRE(util::make_dirs(tmp.path + "/real").ok());
  REQUIRE(::symlink("real", (tmp.path + "/mine").c_str()) == 0);  // the user's own link, outside the project
  agent.readonly = {value(tmp.path + "/mine", 3), value(dir, 4)};
  auto facts = probe_project(dir, agent);
  REQUIRE(facts.ok());
  REQUIRE(facts->dir == dir);
  REQUIRE(facts->protected_paths == std::vector<std::string>{dir + "/.jailed", dir + "/.git", dir + "/.git/hooks",
                                                             dir + "/.git/config", dir + "/.claude"});
  REQUIRE(facts->grant_sources == std::map<std::string, std::string>{{tmp.path + "/mine", tmp.path + "/real"}, {dir, dir}});
}

TEST_CASE("probe_project refuses a missing grant, naming the file and line", "[sandbox]") {
  TempDir tmp;
  config::AgentConfig agent;
  agent.readwrite = {value(tmp.path + "/data", 7)};
  auto facts = probe_project(tmp.path, agent);
  REQUIRE_FALSE(facts.ok());
  REQUIRE(facts.failure().code == ExitCode::bad_config);
  REQUIRE(facts.error() == "/home/u/src/app/.jailed:7: readwrite path \"" + tmp.path +
                               "/data\" does not exist; create it, or remove it from the file");
}

TEST_CASE("probe_project refuses a grant through a symlink inside the project, followed or not", "[sandbox]") {
  TempDir tmp;
  std::string dir = tmp.path + "/app";
  REQUIRE(util::make_dirs(dir + "/sub").ok());
  REQUIRE(::symlink("..", (dir + "/data").c_str()) == 0);  // `ln -s .. data` by an agent
  REQUIRE(::symlink(tmp.path.c_str(), (dir + "/sub/up").c_str()) == 0);
  for (const auto& grant : {dir + "/data", dir + "/data/app", dir + "/sub/up/app/sub"}) {
    config::AgentConfig agent;
    agent.readwrite = {value(grant, 5)};
    auto facts = probe_project(dir, agent);
    REQUIRE_FALSE(facts.ok());
    REQUIRE(facts.failure().code == ExitCode::not_allowed);
    REQUIRE(facts.error().find(".jailed:5: readwrite path \"" + grant + "\" goes through the symlink ") != std::string::npos);
  }
  // Inside a config path (read-write) alike; a readonly grant through the same link too.
  config::AgentConfig agent;
  agent.config = {value(tmp.path + "/state", 2)};
  REQUIRE(util::make_dirs(tmp.path + "/state").ok());
  REQUIRE(::symlink(dir.c_str(), (tmp.path + "/state/link").c_str()) == 0);
  agent.readonly = {value(tmp.path + "/state/link/sub", 3)};
  REQUIRE(util::make_dirs(tmp.path + "/other").ok());
  auto facts = probe_project(tmp.path + "/other", agent);
  REQUIRE_FALSE(facts.ok());
  REQUIRE(facts.error().find("goes through the symlink \"" + tmp.path + "/state/link\", which lies in \"" + tmp.path +
                             "/state\"") != std::string::npos);
}

TEST_CASE("probe_project asks for a placeholder only where .git is missing", "[sandbox]") {
  TempDir tmp;
  auto bare = probe_project(tmp.path, config::AgentConfig{});
  REQUIRE(bare.ok());
  REQUIRE(bare->placeholders == std::vector<std::string>{tmp.path + "/.git"});
  REQUIRE(util::make_dirs(tmp.path + "/.git").ok());
  auto repo = probe_project(tmp.path, config::AgentConfig{});
  REQUIRE(repo.ok());
  REQUIRE(repo->placeholders.empty());
}

TEST_CASE("policy: a missing .git becomes an empty read-only directory over the project", "[sandbox]") {
  auto facts = project();
  facts.protected_paths = {"/home/u/src/app/.jailed"};
  facts.placeholders = {"/home/u/src/app/.git", "/elsewhere/.git"};
  auto policy = make_policy(crush_agent(), resolution(), host(), facts, {});
  auto mounts = render(policy.mounts);
  auto project_bind = std::find(mounts.begin(), mounts.end(), "bind /home/u/src/app /home/u/src/app");
  auto placeholder = std::find(mounts.begin(), mounts.end(), "empty_ro  /home/u/src/app/.git");
  REQUIRE(project_bind != mounts.end());
  REQUIRE(placeholder != mounts.end());
  REQUIRE(placeholder > project_bind);
  // Only what a writable bind shows needs a placeholder: /elsewhere is not in the jail.
  REQUIRE(std::count(mounts.begin(), mounts.end(), "empty_ro  /elsewhere/.git") == 0);
}

TEST_CASE("probe_project refuses a symlinked .git/hooks inside a real .git", "[sandbox]") {
  TempDir tmp;
  std::string dir = tmp.path + "/app";
  REQUIRE(util::make_dirs(dir + "/.git").ok());
  REQUIRE(util::make_dirs(dir + "/hooks-dir").ok());
  REQUIRE(::symlink("../hooks-dir", (dir + "/.git/hooks").c_str()) == 0);
  auto facts = probe_project(dir, config::AgentConfig{});
  REQUIRE_FALSE(facts.ok());
  REQUIRE(facts.failure().code == ExitCode::not_allowed);
  REQUIRE(facts.error().find(dir + "/.git/hooks is a symlink") != std::string::npos);
}

// Runs git with `args` in `dir`; returns its exit status.
int git(const std::string& dir, std::vector<std::string> args) {
  auto program = util::find_in_path("git");
  if (!program) return -1;
  args.insert(args.begin(), {*program, "-C", dir});
  util::SystemRunner runner;
  auto done = runner.run(args);
  return done ? done->status : -1;
}

TEST_CASE("probe_project protects the hooks directory git uses inside the work tree", "[sandbox]") {
  if (!util::find_in_path("git")) JAILED_SKIP("git is not installed; nothing on this host would run hooks");
  TempDir tmp;
  std::string dir = tmp.path + "/app";
  REQUIRE(util::make_dirs(dir + "/.husky/_").ok());
  REQUIRE(git(dir, {"init", "-q"}) == 0);
  // A trailing comment, as husky writes none but people do: git still reads ".husky/_".
  REQUIRE(util::write_file_atomic(dir + "/.git/config", "[core] hooksPath = .husky/_ ; husky\n").ok());
  auto facts = probe_project(dir, config::AgentConfig{});
  REQUIRE(facts.ok());
  REQUIRE(facts->extra_protected.size() == 2);
  REQUIRE(facts->extra_protected[0].first == dir + "/.husky/_");
  // husky 9's trampolines in .husky/_ run .husky/<hook>: the whole directory is protected.
  REQUIRE(facts->extra_protected[1].first == dir + "/.husky");

  ProjectFacts only_hooks;
  only_hooks.dir = dir;
  only_hooks.extra_protected = {facts->extra_protected[0]};
  auto policy = make_policy(crush_agent(), resolution(), host(), only_hooks, {});
  REQUIRE(mount_at(policy, dir + "/.husky/_").kind == MountKind::ro_bind);
  REQUIRE(mount_at(policy, dir + "/.husky/_").reason == "protected: host git runs the hooks in it (core.hooksPath)");
  // The parent is pinned, so the hooks cannot be swapped by renaming .husky.
  REQUIRE(mount_at(policy, dir + "/.husky").kind == MountKind::bind);
  auto whole = make_policy(crush_agent(), resolution(), host(), *facts, {});
  REQUIRE(mount_at(whole, dir + "/.husky").kind == MountKind::ro_bind);

  // Through an include, as git resolves it.
  REQUIRE(util::make_dirs(dir + "/tools/hooks").ok());
  REQUIRE(util::write_file_atomic(tmp.path + "/extra.gitconfig", "[core]\n\thooksPath = tools/hooks\n").ok());
  REQUIRE(util::write_file_atomic(dir + "/.git/config", "[include]\n\tpath = " + tmp.path + "/extra.gitconfig\n").ok());
  auto included = probe_project(dir, config::AgentConfig{});
  REQUIRE(included.ok());
  REQUIRE(included->extra_protected[0].first == dir + "/tools/hooks");

  REQUIRE(util::remove_tree(dir + "/tools/hooks").ok());
  REQUIRE(::symlink("/tmp", (dir + "/tools/hooks").c_str()) == 0);
  auto linked = probe_project(dir, config::AgentConfig{});
  REQUIRE_FALSE(linked.ok());
  INFO(linked.error());
  REQUIRE(linked.error().find(dir + "/tools/hooks is a symlink") != std::string::npos);
}

TEST_CASE("policy: paths beneath a protected directory get no second bind", "[sandbox]") {
  auto facts = project();
  facts.protected_paths = {"/home/u/src/app/.git", "/home/u/src/app/.git/hooks", "/home/u/src/app/.git/config"};
  auto mounts = render(make_policy(crush_agent(), resolution(), host(), facts, {}).mounts);
  REQUIRE(std::count(mounts.begin(), mounts.end(), "ro_bind /home/u/src/app/.git /home/u/src/app/.git") == 1);
  REQUIRE(std::count(mounts.begin(), mounts.end(), "ro_bind /home/u/src/app/.git/hooks /home/u/src/app/.git/hooks") == 0);
}

TEST_CASE("probe_project protects a worktree's .git pointer file", "[sandbox]") {
  TempDir tmp;
  REQUIRE(util::write_file_atomic(tmp.path + "/.git", "gitdir: /elsewhere\n").ok());
  auto facts = probe_project(tmp.path, config::AgentConfig{});
  REQUIRE(facts.ok());
  REQUIRE(facts->protected_paths == std::vector<std::string>{tmp.path + "/.git"});
}

TEST_CASE("probe_project refuses a symlinked protected path or parent", "[sandbox]") {
  TempDir tmp;
  std::string dir = tmp.path + "/app";
  REQUIRE(util::make_dirs(dir).ok());
  REQUIRE(util::make_dirs(tmp.path + "/decoy").ok());
  REQUIRE(::symlink("../decoy", (dir + "/.git").c_str()) == 0);
  auto git = probe_project(dir, config::AgentConfig{});
  REQUIRE_FALSE(git.ok());
  REQUIRE(git.failure().code == ExitCode::not_allowed);
  REQUIRE(git.error() == "refusing to start: " + dir +
                             "/.git is a symlink; a protected path must be a real file or directory (inspect it)");

  std::string other = tmp.path + "/other";
  REQUIRE(util::make_dirs(other).ok());
  REQUIRE(::symlink(dir.c_str(), (other + "/.claude").c_str()) == 0);
  auto parent = probe_project(other, config::AgentConfig{});
  REQUIRE_FALSE(parent.ok());
  REQUIRE(parent.error().find(other + "/.claude is a symlink") != std::string::npos);
}

