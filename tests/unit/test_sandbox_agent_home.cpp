// Agents' state: config paths, private homes seeded once, shared config, args, passwd and the
// network variables.
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
