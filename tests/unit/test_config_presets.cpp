// Unit tests for the built-in presets: each one, named alone in a project, is a complete agent.
#include <catch2/catch.hpp>

#include <algorithm>

#include <cctype>
#include <cstdlib>
#include <map>
#include <string>

#include "config/jail_config.hpp"
#include "config/presets.hpp"
#include "util/files.hpp"
#include "util/strings.hpp"

using namespace jailed;
using namespace jailed::config;

namespace {

// A home and a project under /tmp; removed afterwards.
class World {
 public:
  World() {
    char pattern[] = "/tmp/jailed-presets-test-XXXXXX";
    REQUIRE(::mkdtemp(pattern) != nullptr);
    m_root = pattern;
    user.home = m_root + "/home";
    user.config_dir = user.home + "/.config/jailed";
    project_file = m_root + "/app/.jailed";
    REQUIRE(util::make_dirs(m_root + "/app", 0700).ok());
  }
  ~World() { util::remove_tree(m_root); }
  World(const World&) = delete;
  World& operator=(const World&) = delete;

  // Returns the agent that `[agent NAME]` alone in a project merges to.
  AgentConfig alone(const std::string& name) const {
    auto config = load_config(project_file, "[agent " + name + "]\n", user);
    INFO(name << ": " << (config.ok() ? "" : config.error()));
    REQUIRE(config.ok());
    REQUIRE(config->agents.size() == 1);
    return config->agents[0];
  }

  UserContext user;
  std::string project_file;

 private:
  std::string m_root;
};

std::vector<std::string> texts(const std::vector<Value>& values) {
  std::vector<std::string> out;
  for (const auto& value : values) out.push_back(value.text);
  return out;
}

bool is_variable_name(const std::string& name) {
  if (name.empty() || std::isdigit(static_cast<unsigned char>(name[0]))) return false;
  for (char c : name) {
    if (!(std::isupper(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '_')) {
      return false;
    }
  }
  return true;
}

}  // namespace

TEST_CASE("every built-in preset alone in a project is a complete networked agent", "[config][presets]") {
  World world;
  auto names = builtin_preset_names();
  REQUIRE(names.size() == 11);
  for (const auto& name : names) {
    INFO("preset " << name);
    AgentConfig agent = world.alone(name);
    REQUIRE(agent.from_preset);
    REQUIRE(agent.package);
    REQUIRE(agent.package->origin.file == "preset " + name);
    bool known_source = util::starts_with(agent.package->text, "github:numtide/llm-agents.nix#") ||
                        util::starts_with(agent.package->text, "nixpkgs#");
    REQUIRE(known_source);
    REQUIRE(agent.command);
    REQUIRE_FALSE(agent.command->text.empty());
    REQUIRE(agent.network);
    REQUIRE(agent.network_origin.file == "preset " + name);
    // State lives in the user's home (presets use ~ only), and keys are forwarded, never set.
    REQUIRE_FALSE(agent.config.empty());
    for (const auto& path : agent.config) REQUIRE(util::starts_with(path.text, world.user.home + "/"));
    REQUIRE_FALSE(agent.env.empty());
    for (const auto& variable : agent.env) REQUIRE(is_variable_name(variable.text));
    for (const auto& assignment : agent.setenv) REQUIRE(assignment.text.find('=') != std::string::npos);
    REQUIRE(agent.shim_name.text == "jailed-" + name);
  }
}

TEST_CASE("each preset names its package and binary", "[config][presets]") {
  World world;
  const std::map<std::string, std::pair<std::string, std::string>> expected = {
      {"aider", {"nixpkgs#aider-chat", "aider"}},
      {"amp", {"github:numtide/llm-agents.nix#amp", "amp"}},
      {"claude-code", {"github:numtide/llm-agents.nix#claude-code", "claude"}},
      {"codex", {"github:numtide/llm-agents.nix#codex", "codex"}},
      {"copilot", {"github:numtide/llm-agents.nix#copilot-cli", "copilot"}},
      {"crush", {"github:numtide/llm-agents.nix#crush", "crush"}},
      {"cursor-agent", {"github:numtide/llm-agents.nix#cursor-agent", "cursor-agent"}},
      {"gemini-cli", {"github:numtide/llm-agents.nix#gemini-cli", "gemini"}},
      {"goose", {"github:numtide/llm-agents.nix#goose-cli", "goose"}},
      {"opencode", {"github:numtide/llm-agents.nix#opencode", "opencode"}},
      {"qwen-code", {"github:numtide/llm-agents.nix#qwen-code", "qwen"}},
  };
  REQUIRE(expected.size() == builtin_preset_names().size());
  for (const auto& [name, want] : expected) {
    INFO("preset " << name);
    AgentConfig agent = world.alone(name);
    REQUIRE(agent.package->text == want.first);
    REQUIRE(agent.command->text == want.second);
  }
}

TEST_CASE("[agent claude-code] alone merges to its config paths and key variables", "[config][presets]") {
  World world;
  AgentConfig claude = world.alone("claude-code");
  const std::string& home = world.user.home;
  REQUIRE(texts(claude.config) == std::vector<std::string>{home + "/.claude", home + "/.claude.json"});
  REQUIRE(claude.config[1].origin.text() == "preset claude-code:6");
  auto env = texts(claude.env);
  for (const char* name : {"ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN", "ANTHROPIC_BASE_URL", "ANTHROPIC_MODEL"}) {
    REQUIRE(std::count(env.begin(), env.end(), name) == 1);
  }
  REQUIRE(claude.args.empty());
  REQUIRE(claude.setenv.empty());
  REQUIRE(claude.readwrite.empty());
  REQUIRE(claude.readonly.empty());
}

TEST_CASE("presets carry the config paths and quirks of their agents", "[config][presets]") {
  World world;
  const std::string& home = world.user.home;
  REQUIRE(texts(world.alone("codex").config) == std::vector<std::string>{home + "/.codex"});
  REQUIRE(texts(world.alone("codex").env) == std::vector<std::string>{"OPENAI_API_KEY", "CODEX_API_KEY", "CODEX_ACCESS_TOKEN",
                                                                       "OPENAI_BASE_URL", "OPENAI_ORGANIZATION"});
  // jailed is its sandbox: codex's own is off inside, placed before the user's arguments.
  REQUIRE(texts(world.alone("codex").args) == std::vector<std::string>{"-c", "sandbox_mode=danger-full-access"});
  auto gemini_env = texts(world.alone("gemini-cli").env);
  REQUIRE(std::count(gemini_env.begin(), gemini_env.end(), "GOOGLE_GEMINI_BASE_URL") == 1);
  REQUIRE(world.alone("codex").preset_network);
  REQUIRE(texts(world.alone("goose").config) ==
          std::vector<std::string>{home + "/.config/goose", home + "/.local/share/goose", home + "/.local/state/goose"});
  // No Secret Service over D-Bus in a jail: goose must keep its secrets in a file.
  REQUIRE(texts(world.alone("goose").setenv) == std::vector<std::string>{"GOOSE_DISABLE_KEYRING=1"});
  REQUIRE(texts(world.alone("qwen-code").config) == std::vector<std::string>{home + "/.qwen"});
  REQUIRE(texts(world.alone("amp").config) == std::vector<std::string>{home + "/.config/amp", home + "/.local/share/amp"});
  REQUIRE(texts(world.alone("amp").env) == std::vector<std::string>{"AMP_API_KEY"});
  REQUIRE(texts(world.alone("copilot").config) == std::vector<std::string>{home + "/.copilot"});
  REQUIRE(texts(world.alone("copilot").env) ==
          std::vector<std::string>{"COPILOT_GITHUB_TOKEN", "GH_TOKEN", "GITHUB_TOKEN"});
  REQUIRE(texts(world.alone("cursor-agent").config) == std::vector<std::string>{home + "/.cursor", home + "/.config/cursor"});
  REQUIRE(texts(world.alone("cursor-agent").setenv) == std::vector<std::string>{"NO_OPEN_BROWSER=1"});
  REQUIRE(texts(world.alone("aider").config) == std::vector<std::string>{home + "/.aider.conf.yml"});
  REQUIRE(texts(world.alone("aider").env).front() == "OPENAI_API_KEY");
}

TEST_CASE("a project adds to a preset's lists and replaces its scalars", "[config][presets]") {
  World world;
  auto config = load_config(world.project_file,
                            "[agent claude-code]\nconfig = ~/.claude-extra.json\nenv = MY_PROXY_TOKEN\nnetwork = off\n",
                            world.user);
  REQUIRE(config.ok());
  const AgentConfig& claude = config->agents[0];
  REQUIRE(texts(claude.config) == std::vector<std::string>{world.user.home + "/.claude", world.user.home + "/.claude.json",
                                                           world.user.home + "/.claude-extra.json"});
  REQUIRE(claude.env.back().text == "MY_PROXY_TOKEN");
  REQUIRE_FALSE(claude.network);
  REQUIRE(claude.network_origin.text() == world.project_file + ":4");
}

TEST_CASE("a command set above a preset drops the preset's args", "[config][presets]") {
  World world;
  auto config = load_config(world.project_file, "[agent codex]\ncommand = bash\nargs = -x\n", world.user);
  REQUIRE(config.ok());
  REQUIRE(texts(config->agents[0].args) == std::vector<std::string>{"-x"});
}
