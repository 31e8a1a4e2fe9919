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
#include "skip.hpp"
#include "temp_dir.hpp"

using namespace jailed;
using namespace jailed::sandbox;

namespace {

using jailed::testing::TempDir;

// The test host has no Landlock, so a jail on the host's network gets this note.
const std::string k_unscoped =
    "abstract Unix sockets of the host are reachable, and the agent may listen on any TCP port and signal your "
    "shell's process group with kill 0 (network = on and no Landlock network rules or scopes on this kernel)";

config::Value value(const std::string& text, int line) { return {text, {"/home/u/src/app/.jailed", line}}; }

config::AgentConfig crush_agent() {
  config::AgentConfig agent;
  agent.name = "crush";
  agent.from_preset = true;
  agent.network = true;
  agent.config = {{"/home/u/.config/crush", {"preset crush", 4}}};
  agent.env = {value("ANTHROPIC_API_KEY", 6), value("OPENAI_API_KEY", 6)};
  agent.setenv = {value("FOO=1", 7), value("TERM=xterm-jailed", 8), value("FOO=2", 9)};
  agent.readwrite = {value("/data/shared", 10)};
  agent.readonly = {value("/home/u/.gitconfig", 11)};
  return agent;
}

resolve::Resolution resolution() {
  resolve::Resolution r;
  r.backend = "host";
  r.program = "/usr/bin/crush";
  r.path_dirs = {"/usr/bin", "/bin"};
  r.readonly = {{"/usr", "host system directory"}};
  r.symlinks = {{"usr/bin", "/bin", ""}};
  r.shell = "/bin/sh";
  return r;
}

HostFacts host() {
  HostFacts h;
  h.home = "/home/u";
  h.user = "u";
  h.group = "staff";
  h.uid = 1000;
  h.gid = 1000;
  h.cwd = "/home/u/src/app/sub";
  h.env = {{"HOME", "/home/u"},          {"PATH", "/home/u/bin:/usr/bin"},   {"TERM", "xterm-256color"},
           {"LANG", "C.UTF-8"},          {"LC_TIME", "de_DE.UTF-8"},         {"LC_ALL", "C.UTF-8"},
           {"LC_SECRET_TOKEN", "lc-secret"},
           {"TZ", "UTC"},                {"SECRET_TOKEN", "hunter2"},        {"AWS_SECRET_ACCESS_KEY", "aws-secret"},
           {"SSH_AUTH_SOCK", "/run/ssh"}, {"ANTHROPIC_API_KEY", "sk-ant-1"}, {"COLORTERM", "truecolor"}};
  h.network_files = {"/etc/resolv.conf", "/etc/ssl"};
  h.localtime = true;
  return h;
}

ProjectFacts project() {
  ProjectFacts p;
  p.dir = "/home/u/src/app";
  p.protected_paths = {"/home/u/src/app/.jailed", "/home/u/src/app/.git", "/home/u/src/app/.claude/settings.json"};
  return p;
}

const char* kind_name(MountKind kind) {
  switch (kind) {
    case MountKind::proc: return "proc";
    case MountKind::dev: return "dev";
    case MountKind::tmpfs: return "tmpfs";
    case MountKind::dir: return "dir";
    case MountKind::ro_bind: return "ro_bind";
    case MountKind::bind: return "bind";
    case MountKind::symlink: return "symlink";
    case MountKind::ro_data: return "ro_data";
    case MountKind::copy: return "copy";
    case MountKind::empty_ro: return "empty_ro";
    case MountKind::unlisted_dir: return "unlisted_dir";
    case MountKind::remount_ro: return "remount_ro";
  }
  return "?";
}

// Renders mounts as "kind source target" lines (ro_data without its content) for exact comparison.
std::vector<std::string> render(const std::vector<Mount>& mounts) {
  std::vector<std::string> out;
  for (const auto& m : mounts) {
    std::string source = m.kind == MountKind::ro_data ? "DATA" : m.source;
    out.push_back(std::string(kind_name(m.kind)) + " " + source + " " + m.target);
  }
  return out;
}

const Mount& mount_at(const Policy& policy, const std::string& target) {
  for (const auto& m : policy.mounts) {
    if (m.target == target) return m;
  }
  FAIL("no mount at " << target);
  throw;
}

}  // namespace

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

TEST_CASE("ensure_config_paths creates private directories and files", "[sandbox]") {
  TempDir tmp;
  config::AgentConfig agent;
  agent.config = {value(tmp.path + "/.config/bot", 2), value(tmp.path + "/.bot.json", 3)};
  // No private home here: the paths are not beneath the (unset) home.
  REQUIRE(ensure_config_paths(agent, HostFacts{}, ProjectFacts{}).ok());
  auto dir = util::stat_path(tmp.path + "/.config/bot");
  auto file = util::stat_path(tmp.path + "/.bot.json");
  REQUIRE(dir);
  REQUIRE(S_ISDIR(dir->st_mode));
  REQUIRE((dir->st_mode & 077) == 0);
  REQUIRE(file);
  REQUIRE(S_ISREG(file->st_mode));
  REQUIRE(file->st_size == 0);
  REQUIRE((file->st_mode & 077) == 0);
  REQUIRE(ensure_config_paths(agent, HostFacts{}, ProjectFacts{}).ok());  // existing paths are left alone

  config::AgentConfig dangling;
  REQUIRE(::symlink("/nonexistent/x", (tmp.path + "/dangling").c_str()) == 0);
  dangling.config = {value(tmp.path + "/dangling", 5)};
  REQUIRE_FALSE(ensure_config_paths(dangling, HostFacts{}, ProjectFacts{}).ok());
}

namespace {

config::AgentConfig claude_agent() {
  config::AgentConfig agent;
  agent.name = "claude-code";
  agent.from_preset = true;
  agent.network = true;
  agent.config = {{"/home/u/.claude", {"preset claude-code", 5}}, {"/home/u/.claude.json", {"preset claude-code", 5}}};
  return agent;
}

HostFacts host_with_homes() {
  HostFacts h = host();
  h.homes_dir = "/home/u/.local/state/jailed/homes";
  return h;
}

// Reads a whole file, or "<missing>".
std::string content_of(const std::string& path) {
  auto text = util::read_file(path);
  return text ? *text : "<missing>";
}

}  // namespace

TEST_CASE("policy: config paths in the home are private copies in the agent's private home", "[sandbox]") {
  auto policy = make_policy(claude_agent(), resolution(), host_with_homes(), project(), {});
  REQUIRE(render(policy.mounts) == std::vector<std::string>{
                                       "proc  /proc",
                                       "dev  /dev",
                                       "remount_ro  /dev",
                                       "tmpfs 1073741824 /tmp",
                                       "bind /home/u/.local/state/jailed/homes/" + project_home_key("/home/u/src/app") + "/claude-code /home/u",
                                       "ro_bind /usr /usr",
                                       "symlink usr/bin /bin",
                                       "ro_data DATA /etc/passwd",
                                       "ro_data DATA /etc/group",
                                       "ro_bind /etc/resolv.conf /etc/resolv.conf",
                                       "ro_bind /etc/ssl /etc/ssl",
                                       "copy /etc/localtime /etc/localtime",
                                       "bind /home/u/src/app /home/u/src/app",
                                       // ~/.claude and ~/.claude.json have no bind: they live in the private home
                                       "bind /home/u/src/app/.claude /home/u/src/app/.claude",
                                       "ro_bind /home/u/src/app/.claude/settings.json /home/u/src/app/.claude/settings.json",
                                       "ro_bind /home/u/src/app/.git /home/u/src/app/.git",
                                       "ro_bind /home/u/src/app/.jailed /home/u/src/app/.jailed",
                                       "remount_ro  /",
                                   });
  REQUIRE(mount_at(policy, "/home/u").reason ==
          "private home of agent claude-code (kept across sessions): holds ~/.claude, ~/.claude.json, private copies "
          "seeded once from yours; nothing written here reaches them (config-share = on shares directories)");
  // It is not your home, so no warning that the agent can write all of it.
  REQUIRE(policy.notes == std::vector<std::string>{k_unscoped});
  REQUIRE(private_home(claude_agent(), host_with_homes(), project()) ==
          "/home/u/.local/state/jailed/homes/" + project_home_key("/home/u/src/app") + "/claude-code");
  // Keyed by project: the same agent elsewhere has another home.
  REQUIRE(project_home_key("/home/u/src/app") != project_home_key("/home/u/other/app"));
  REQUIRE(project_home_key("/home/u/src/my app") .substr(0, 7) == "my_app-");
}

TEST_CASE("policy: config-share binds the real directories and keeps the empty tmpfs home", "[sandbox]") {
  auto agent = claude_agent();
  agent.config.pop_back();  // only ~/.claude
  agent.config_share = true;
  agent.config_share_origin = {"/home/u/src/app/.jailed", 4};
  auto policy = make_policy(agent, resolution(), host_with_homes(), project(), {});
  const Mount& home = mount_at(policy, "/home/u");
  REQUIRE(home.kind == MountKind::tmpfs);
  REQUIRE(home.reason == "empty home: none of your files");
  REQUIRE(private_home(agent, host_with_homes(), project()).empty());
  REQUIRE(mount_at(policy, "/home/u/.claude").kind == MountKind::bind);
  REQUIRE(mount_at(policy, "/home/u/.claude").reason ==
          "agent state, shared with the agent outside the jail (config-share = on, /home/u/src/app/.jailed:4)");
  auto shared = crush_agent();
  shared.config_share = true;
  REQUIRE(mount_at(make_policy(shared, resolution(), host_with_homes(), project(), {}), "/home/u").kind ==
          MountKind::tmpfs);
  // Without it, the same directories are private copies.
  REQUIRE(mount_at(make_policy(crush_agent(), resolution(), host_with_homes(), project(), {}), "/home/u").kind ==
          MountKind::bind);
}

TEST_CASE("policy: config files reached through a bound directory need no private home", "[sandbox]") {
  auto agent = claude_agent();
  agent.config_share = true;
  agent.config = {{"/home/u/.claude", {"preset claude-code", 5}},
                  {"/home/u/.claude/settings.json", {"preset claude-code", 5}},
                  {"/home/u/src/app/.tool.json", {"/home/u/src/app/.jailed", 3}},
                  {"/etc/tool.conf", {"/home/u/src/app/.jailed", 4}}};
  auto facts = host_with_homes();
  REQUIRE(private_config_paths(agent, facts, project()).empty());
  auto policy = make_policy(agent, resolution(), facts, project(), {});
  REQUIRE(mount_at(policy, "/home/u").kind == MountKind::tmpfs);
  auto mounts = render(policy.mounts);
  // Inside ~/.claude and the project: shown by those binds, renames over them work.
  REQUIRE(std::count(mounts.begin(), mounts.end(), "bind /home/u/.claude/settings.json /home/u/.claude/settings.json") == 0);
  REQUIRE(std::count(mounts.begin(), mounts.end(), "bind /home/u/src/app/.tool.json /home/u/src/app/.tool.json") == 0);
  // Outside the home: bound on its own, as before.
  REQUIRE(std::count(mounts.begin(), mounts.end(), "bind /etc/tool.conf /etc/tool.conf") == 1);

  // A file deeper in the home, outside every bound directory, lives in the private home.
  agent.config.push_back({"/home/u/.config/bot/bot.yaml", {"/home/u/src/app/.jailed", 5}});
  REQUIRE(private_config_paths(agent, facts, project()) == std::vector<std::string>{"/home/u/.config/bot/bot.yaml"});
  REQUIRE(mount_at(make_policy(agent, resolution(), facts, project(), {}), "/home/u").reason ==
          "private home of agent claude-code (kept across sessions): holds ~/.config/bot/bot.yaml, private copies "
          "seeded once from yours; nothing written here reaches them");
}

TEST_CASE("ensure_config_paths seeds the private home from the real file, once", "[sandbox]") {
  TempDir tmp;
  HostFacts facts;
  facts.home = tmp.path + "/home";
  facts.homes_dir = tmp.path + "/state/jailed/homes";
  REQUIRE(util::make_dirs(facts.home).ok());
  REQUIRE(util::write_file_atomic(facts.home + "/.tool.json", "{\"real\":1}", 0644).ok());
  config::AgentConfig agent;
  agent.name = "bot";
  agent.config = {value(facts.home + "/.tool.json", 2), value(facts.home + "/.config/bot/state.yaml", 3),
                  value(facts.home + "/.bot", 4)};
  ProjectFacts project_facts;
  project_facts.dir = tmp.path + "/work";
  std::string mine = facts.homes_dir + "/" + project_home_key(project_facts.dir) + "/bot";

  REQUIRE(ensure_config_paths(agent, facts, project_facts).ok());
  auto home = util::stat_path(mine);
  REQUIRE(home);
  REQUIRE((home->st_mode & 0777) == 0700);
  REQUIRE(content_of(mine + "/.tool.json") == "{\"real\":1}");
  REQUIRE((util::stat_path(mine + "/.tool.json")->st_mode & 077) == 0);
  // No real file to copy: the directory is ready, the agent creates the file itself.
  REQUIRE(util::stat_path(mine + "/.config/bot"));
  REQUIRE_FALSE(util::exists_nofollow(mine + "/.config/bot/state.yaml"));
  REQUIRE_FALSE(util::exists_nofollow(facts.home + "/.config/bot/state.yaml"));
  // A directory config path is made in the private home, not in the real one.
  REQUIRE(S_ISDIR(util::stat_path(mine + "/.bot")->st_mode));
  REQUIRE_FALSE(util::exists_nofollow(facts.home + "/.bot"));

  // The agent's own version is never overwritten, and the real file never touched.
  REQUIRE(util::write_file_atomic(mine + "/.tool.json", "{\"agent\":2}", 0600).ok());
  REQUIRE(util::write_file_atomic(facts.home + "/.tool.json", "{\"real\":3}", 0644).ok());
  REQUIRE(ensure_config_paths(agent, facts, project_facts).ok());
  REQUIRE(content_of(mine + "/.tool.json") == "{\"agent\":2}");
  REQUIRE(content_of(facts.home + "/.tool.json") == "{\"real\":3}");
}

TEST_CASE("ensure_config_paths follows no symlink the agent planted in its private home", "[sandbox]") {
  TempDir tmp;
  HostFacts facts;
  facts.home = tmp.path + "/home";
  facts.homes_dir = tmp.path + "/homes";
  std::string outside = tmp.path + "/outside";
  REQUIRE(util::make_dirs(facts.home + "/.config/bot").ok());
  REQUIRE(util::make_dirs(outside).ok());
  ProjectFacts project_facts;
  project_facts.dir = tmp.path + "/work";
  std::string mine = facts.homes_dir + "/" + project_home_key(project_facts.dir) + "/bot";
  REQUIRE(util::make_dirs(mine).ok());
  REQUIRE(util::write_file_atomic(facts.home + "/.config/bot/state.yaml", "real", 0600).ok());
  REQUIRE(util::write_file_atomic(facts.home + "/.tool.json", "real", 0600).ok());
  config::AgentConfig agent;
  agent.name = "bot";
  agent.config = {value(facts.home + "/.config/bot/state.yaml", 2)};

  // A symlinked directory on the way is refused, and nothing is written where it points.
  REQUIRE(::symlink(outside.c_str(), (mine + "/.config").c_str()) == 0);
  auto refused = ensure_config_paths(agent, facts, project_facts);
  REQUIRE_FALSE(refused.ok());
  REQUIRE(refused.error().find("a symlink there is refused") != std::string::npos);
  REQUIRE_FALSE(util::exists_nofollow(outside + "/bot"));

  // A symlink in place of the file counts as the agent's own version: left as it is.
  agent.config = {value(facts.home + "/.tool.json", 3)};
  REQUIRE(::symlink((outside + "/target").c_str(), (mine + "/.tool.json").c_str()) == 0);
  REQUIRE(ensure_config_paths(agent, facts, project_facts).ok());
  REQUIRE_FALSE(util::exists_nofollow(outside + "/target"));

  // The private home itself must not be a symlink either.
  REQUIRE(util::remove_tree(mine).ok());
  REQUIRE(::symlink(outside.c_str(), mine.c_str()) == 0);
  REQUIRE_FALSE(ensure_config_paths(agent, facts, project_facts).ok());
  REQUIRE_FALSE(util::exists_nofollow(outside + "/.tool.json"));
}

TEST_CASE("ensure_config_paths seeds a private copy of a config directory, once", "[sandbox]") {
  TempDir tmp;
  HostFacts facts;
  facts.home = tmp.path + "/home";
  facts.homes_dir = tmp.path + "/homes";
  std::string real = facts.home + "/.codex";
  REQUIRE(util::make_dirs(real + "/sessions").ok());
  REQUIRE(util::write_file_atomic(real + "/config.toml", "model = \"m\"\n", 0644).ok());
  REQUIRE(util::write_file_atomic(real + "/sessions/a.jsonl", "{}", 0600).ok());
  REQUIRE(::symlink("config.toml", (real + "/link.toml").c_str()) == 0);
  config::AgentConfig agent;
  agent.name = "codex";
  agent.config = {value(real, 2)};
  ProjectFacts project_facts;
  project_facts.dir = tmp.path + "/work";
  std::string mine = facts.homes_dir + "/" + project_home_key(project_facts.dir) + "/codex/.codex";

  REQUIRE(ensure_config_paths(agent, facts, project_facts).ok());
  REQUIRE(content_of(mine + "/config.toml") == "model = \"m\"\n");
  REQUIRE(content_of(mine + "/sessions/a.jsonl") == "{}");
  REQUIRE((util::stat_path(mine + "/config.toml")->st_mode & 0777) == 0600);
  REQUIRE((util::stat_path(mine)->st_mode & 0777) == 0700);
  REQUIRE(*util::read_link(mine + "/link.toml") == "config.toml");

  // The copy is the agent's from now on: neither side's changes reach the other.
  REQUIRE(util::write_file_atomic(mine + "/config.toml", "model = \"agent\"\n", 0600).ok());
  REQUIRE(util::write_file_atomic(real + "/config.toml", "model = \"host\"\n", 0644).ok());
  REQUIRE(ensure_config_paths(agent, facts, project_facts).ok());
  REQUIRE(content_of(mine + "/config.toml") == "model = \"agent\"\n");
  REQUIRE(content_of(real + "/config.toml") == "model = \"host\"\n");
  // No temporary copy is left beside it.
  REQUIRE_FALSE(util::exists_nofollow(util::parent_dir(mine) + "/..codex.jailed-seed-" + std::to_string(::getpid())));
}

TEST_CASE("policy: a preset's args come before the user's; the login shell names passwd and SHELL", "[sandbox]") {
  auto agent = crush_agent();
  agent.args = {value("-c", 3), value("sandbox_mode=danger-full-access", 3)};
  auto facts = host();
  facts.shell = "/usr/bin/zsh";
  auto policy = make_policy(agent, resolution(), facts, project(), {"exec", "task"});
  REQUIRE(policy.command ==
          std::vector<std::string>{"/usr/bin/crush", "-c", "sandbox_mode=danger-full-access", "exec", "task"});
  const Mount& passwd = mount_at(policy, "/etc/passwd");
  REQUIRE(passwd.source == "root:x:0:0:root:/root:/bin/sh\nu:x:1000:1000:u:/home/u:/usr/bin/zsh\n");
  REQUIRE(std::count(policy.env.begin(), policy.env.end(), std::pair<std::string, std::string>{"SHELL", "/usr/bin/zsh"}) == 1);
}

TEST_CASE("policy: with network on, proxy and CA variables pass and a CA file outside is bound", "[sandbox]") {
  auto facts = host();
  facts.env["HTTPS_PROXY"] = "http://proxy:3128";
  facts.env["no_proxy"] = "localhost";
  facts.env["NODE_EXTRA_CA_CERTS"] = "/home/u/certs/corp.pem";
  facts.env["SSL_CERT_FILE"] = "/etc/ssl/certs/ca.pem";
  facts.ca_paths = {{"NODE_EXTRA_CA_CERTS", "/home/u/certs/corp.pem"}, {"SSL_CERT_FILE", "/etc/ssl/certs/ca.pem"},
                    {"SSL_CERT_DIR", "/home"}};
  auto policy = make_policy(crush_agent(), resolution(), facts, project(), {});
  auto has = [&](const std::string& name, const std::string& value) {
    return std::count(policy.env.begin(), policy.env.end(), std::pair<std::string, std::string>{name, value}) == 1;
  };
  REQUIRE(has("HTTPS_PROXY", "http://proxy:3128"));
  REQUIRE(has("no_proxy", "localhost"));
  REQUIRE(has("NODE_EXTRA_CA_CERTS", "/home/u/certs/corp.pem"));
  auto mounts = render(policy.mounts);
  REQUIRE(std::count(mounts.begin(), mounts.end(), "ro_bind /home/u/certs/corp.pem /home/u/certs/corp.pem") == 1);
  // Already shown by /etc/ssl; and a directory holding the home is never bound.
  REQUIRE(std::count(mounts.begin(), mounts.end(), "ro_bind /etc/ssl/certs/ca.pem /etc/ssl/certs/ca.pem") == 0);
  REQUIRE(std::count(mounts.begin(), mounts.end(), "ro_bind /home /home") == 0);
  REQUIRE(std::count(policy.notes.begin(), policy.notes.end(),
                     "$SSL_CERT_DIR names /home, which holds your home: not shown in the jail") == 1);

  auto offline = crush_agent();
  offline.network = false;
  offline.preset_network = true;
  offline.network_origin = {"/home/u/src/app/.jailed", 2};
  auto off = make_policy(offline, resolution(), facts, project(), {});
  REQUIRE(std::count(off.env.begin(), off.env.end(), std::pair<std::string, std::string>{"JAILED_NETWORK", "off"}) == 1);
  REQUIRE(std::none_of(off.env.begin(), off.env.end(), [](const auto& e) { return e.first == "HTTPS_PROXY"; }));
  REQUIRE(std::count(off.notes.begin(), off.notes.end(),
                     "network is off for crush (/home/u/src/app/.jailed:2), which needs one to reach its model: it "
                     "will wait or fail unless it runs one inside the jail") == 1);
}
