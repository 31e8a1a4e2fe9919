// Unit tests for config/jail_config and config/presets: layering presets, user files and the project.
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

#include "config/jail_config.hpp"
#include "config/presets.hpp"
#include "config/schema.hpp"
#include "util/files.hpp"
#include "skip.hpp"

using namespace jailed;
using namespace jailed::config;

namespace {

// A fresh directory under /tmp holding a home, a config dir and a project; removed afterwards.
class Sandbox {
 public:
  Sandbox() {
    char pattern[] = "/tmp/jailed-config-test-XXXXXX";
    REQUIRE(::mkdtemp(pattern) != nullptr);
    m_root = pattern;
    user.home = m_root + "/home";
    user.config_dir = m_root + "/home/.config/jailed";
    project_file = m_root + "/src/app/.jailed";
    REQUIRE(util::make_dirs(user.config_dir + "/agents", 0700).ok());
    REQUIRE(util::make_dirs(m_root + "/src/app", 0700).ok());
  }
  ~Sandbox() { util::remove_tree(m_root); }
  Sandbox(const Sandbox&) = delete;
  Sandbox& operator=(const Sandbox&) = delete;

  const std::string& root() const { return m_root; }

  // Writes a user file with safe permissions and returns its path.
  std::string write(const std::string& relative, const std::string& text, mode_t mode = 0644) {
    std::string path = user.config_dir + "/" + relative;
    REQUIRE(util::write_file_atomic(path, text, mode).ok());
    return path;
  }

  Result<JailConfig> load(const std::string& project_text) const {
    return load_config(project_file, project_text, user);
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

std::vector<std::string> origins(const std::vector<Value>& values) {
  std::vector<std::string> out;
  for (const auto& value : values) out.push_back(value.origin.text());
  return out;
}

}  // namespace

TEST_CASE("built-in presets are embedded and valid", "[config]") {
  auto names = builtin_preset_names();
  REQUIRE(names == std::vector<std::string>{"aider", "amp", "claude-code", "codex", "copilot", "crush", "cursor-agent",
                                            "gemini-cli", "goose", "opencode", "qwen-code"});
  for (const auto& name : names) {
    auto text = builtin_preset(name);
    REQUIRE(text.has_value());
    auto doc = read_document(*text, "preset " + name);
    REQUIRE(doc.ok());
    REQUIRE(validate(*doc).ok());
    REQUIRE(doc->sections.size() == 1);
    REQUIRE(doc->sections[0].name == name);
  }
  REQUIRE_FALSE(builtin_preset("crus").has_value());
  REQUIRE_FALSE(builtin_preset("crush.jailed").has_value());
}

TEST_CASE("a preset agent gets package, config paths and env from the preset", "[config]") {
  Sandbox box;
  auto config = box.load("[agent crush]\n");
  REQUIRE(config.ok());
  REQUIRE(config->file == box.project_file);
  REQUIRE(config->project_dir == box.root() + "/src/app");
  REQUIRE(config->agents.size() == 1);
  const AgentConfig& crush = config->agents[0];
  REQUIRE(crush.name == "crush");
  REQUIRE(crush.from_preset);
  REQUIRE(crush.package->text == "github:numtide/llm-agents.nix#crush");
  REQUIRE(crush.package->origin.text() == "preset crush:3");
  REQUIRE(crush.command->text == "crush");
  REQUIRE(texts(crush.config) ==
          std::vector<std::string>{box.user.home + "/.config/crush", box.user.home + "/.local/share/crush"});
  REQUIRE(crush.network);
  REQUIRE(crush.network_origin.text() == "preset crush:7");
  REQUIRE(crush.env.front().text == "ANTHROPIC_API_KEY");
  REQUIRE(crush.env.back().text == "AZURE_OPENAI_API_VERSION");
  // Defaults.
  REQUIRE(crush.shim_name.text == "jailed-crush");
  REQUIRE(crush.shim_name.origin.text() == box.project_file + ":1");
  REQUIRE(crush.timezone);
  REQUIRE(crush.workdir == "project");
  REQUIRE(crush.store == "closure");
  REQUIRE_FALSE(crush.base_packages_set);
  REQUIRE(config->find_agent("crush") == &crush);
  REQUIRE(config->find_shim("jailed-crush") == &crush);
  REQUIRE(config->find_agent("opencode") == nullptr);
}

TEST_CASE("layers merge lowest first: scalars replace, lists append with origins", "[config]") {
  Sandbox box;
  std::string global = box.write("config",
                                 "[jail]\n"
                                 "packages = nixpkgs#ripgrep nixpkgs#go\n"
                                 "network = off\n"
                                 "[agent crush]\n"
                                 "packages = nixpkgs#fd\n"
                                 "timezone = off\n"
                                 "[agent opencode]\n"
                                 "network = on\n");
  auto config = box.load("[jail]\n"
                         "packages = nixpkgs#go nixpkgs#gopls\n"
                         "store = full\n"
                         "[agent crush]\n"
                         "packages = nixpkgs#golangci-lint nixpkgs#ripgrep\n"
                         "network = on\n"
                         "workdir = cwd\n"
                         "setenv = A=1\n"
                         "[agent gemini-cli]\n");
  REQUIRE(config.ok());
  REQUIRE(config->agents.size() == 2);
  const AgentConfig& crush = config->agents[0];
  REQUIRE(texts(crush.packages) == std::vector<std::string>{"nixpkgs#ripgrep", "nixpkgs#go", "nixpkgs#fd",
                                                            "nixpkgs#gopls", "nixpkgs#golangci-lint"});
  REQUIRE(origins(crush.packages) == std::vector<std::string>{global + ":2", global + ":2", global + ":5",
                                                              box.project_file + ":2", box.project_file + ":5"});
  // preset on -> global [jail] off -> project [agent crush] on
  REQUIRE(crush.network);
  REQUIRE(crush.network_origin.text() == box.project_file + ":6");
  REQUIRE_FALSE(crush.timezone);
  REQUIRE(crush.workdir == "cwd");
  REQUIRE(crush.store == "full");
  REQUIRE(texts(crush.setenv) == std::vector<std::string>{"A=1"});

  // gemini-cli gets the global [jail] but not the global [agent crush] section.
  const AgentConfig& gemini = config->agents[1];
  REQUIRE(gemini.name == "gemini-cli");
  REQUIRE(texts(gemini.packages) == std::vector<std::string>{"nixpkgs#ripgrep", "nixpkgs#go", "nixpkgs#gopls"});
  REQUIRE_FALSE(gemini.network);
  REQUIRE(gemini.network_origin.text() == global + ":3");
  REQUIRE(gemini.timezone);
  REQUIRE(gemini.workdir == "project");
  REQUIRE(gemini.store == "full");
  // The global [agent opencode] section does not add an agent the project does not list.
  REQUIRE(config->find_agent("opencode") == nullptr);
}

TEST_CASE("base-packages concatenates the layers that set it", "[config]") {
  Sandbox box;
  box.write("config", "[jail]\nbase-packages = nixpkgs#bash nixpkgs#coreutils\n");
  auto config = box.load("[agent crush]\nbase-packages = nixpkgs#busybox nixpkgs#bash\n[agent opencode]\n");
  REQUIRE(config.ok());
  REQUIRE(config->agents[0].base_packages_set);
  REQUIRE(texts(config->agents[0].base_packages) ==
          std::vector<std::string>{"nixpkgs#bash", "nixpkgs#coreutils", "nixpkgs#busybox"});
  REQUIRE(config->agents[1].base_packages_set);

  Sandbox plain;
  auto unset = plain.load("[agent crush]\n");
  REQUIRE(unset.ok());
  REQUIRE_FALSE(unset->agents[0].base_packages_set);
  REQUIRE(unset->agents[0].base_packages.empty());
}

TEST_CASE("~ and relative paths expand against home and the file's directory", "[config]") {
  Sandbox box;
  std::string global = box.write("config", "[jail]\nreadonly = shared ~/notes\n");
  auto config = box.load("[jail]\n"
                         "readonly = ~ ~/.gitconfig ../lib ./docs/ /etc//hosts\n"
                         "[agent my-bot]\n"
                         "package = path:./tools#my-bot\n"
                         "readwrite = build out/../out\n"
                         "config = ~/.config/my-bot\n");
  REQUIRE(config.ok());
  const AgentConfig& bot = config->agents[0];
  const std::string app = box.root() + "/src/app";
  REQUIRE(texts(bot.readonly) ==
          std::vector<std::string>{box.user.config_dir + "/shared", box.user.home + "/notes", box.user.home,
                                   box.user.home + "/.gitconfig", app + "/../lib", app + "/docs", "/etc/hosts"});
  REQUIRE(texts(bot.readwrite) == std::vector<std::string>{app + "/build", app + "/out/../out"});
  REQUIRE(texts(bot.config) == std::vector<std::string>{box.user.home + "/.config/my-bot"});
  // Package specs are not paths: the resolver interprets them.
  REQUIRE(bot.package->text == "path:./tools#my-bot");
  REQUIRE_FALSE(bot.from_preset);
  REQUIRE_FALSE(bot.command.has_value());
  REQUIRE_FALSE(bot.network);
  REQUIRE(bot.network_origin.text() == box.project_file + ":3");
}

TEST_CASE("a user preset overrides the built-in one and can define new agents", "[config]") {
  Sandbox box;
  std::string crush_file = box.write("agents/crush.jailed",
                                     "# my crush\n"
                                     "[agent crush]\n"
                                     "package = github:me/fork#crush\n"
                                     "config = ~/.crushrc state\n");
  std::string bot_file = box.write("agents/my-bot.jailed", "[agent my-bot]\npackage = nixpkgs#hello\n");
  auto config = box.load("[agent crush]\n[agent my-bot]\n");
  REQUIRE(config.ok());
  const AgentConfig& crush = config->agents[0];
  REQUIRE(crush.package->text == "github:me/fork#crush");
  REQUIRE(crush.package->origin.text() == crush_file + ":3");
  REQUIRE(crush.command->text == "crush");  // still from the built-in preset
  REQUIRE(texts(crush.config) ==
          std::vector<std::string>{box.user.home + "/.config/crush", box.user.home + "/.local/share/crush",
                                   box.user.home + "/.crushrc", box.user.config_dir + "/agents/state"});
  const AgentConfig& bot = config->agents[1];
  REQUIRE(bot.from_preset);
  REQUIRE(bot.package->text == "nixpkgs#hello");
  REQUIRE(bot.package->origin.text() == bot_file + ":2");
}

TEST_CASE("a user preset holds exactly its own agent section", "[config]") {
  Sandbox box;
  SECTION("wrong agent name") {
    std::string file = box.write("agents/crush.jailed", "[agent opencode]\npackage = x\n");
    auto config = box.load("[agent crush]\n");
    REQUIRE_FALSE(config.ok());
    REQUIRE(config.error() == file + ":1: expected [agent crush] (a preset file holds one section, named after the file)");
  }
  SECTION("two sections") {
    std::string file = box.write("agents/crush.jailed", "[agent crush]\n[jail]\nnetwork = off\n");
    auto config = box.load("[agent crush]\n");
    REQUIRE_FALSE(config.ok());
    REQUIRE(config.error() ==
            file + ":2: a preset file holds only [agent crush] (move other sections to the global config)");
  }
  SECTION("empty") {
    std::string file = box.write("agents/crush.jailed", "# nothing\n");
    auto config = box.load("[agent crush]\n");
    REQUIRE_FALSE(config.ok());
    REQUIRE(config.error() == file + ": preset has no [agent crush] section (a preset file holds exactly one)");
  }
  SECTION("syntax errors name the user file") {
    std::string file = box.write("agents/crush.jailed", "[agent crush]\nnetwrok = on\n");
    auto config = box.load("[agent crush]\n");
    REQUIRE_FALSE(config.ok());
    REQUIRE(config.error() == file + ":2: unknown key \"netwrok\" (did you mean \"network\"?)");
    REQUIRE(config.failure().code == ExitCode::bad_config);
  }
}

TEST_CASE("user files writable by others or owned by someone else are refused", "[config]") {
  Sandbox box;
  SECTION("group-writable global config") {
    std::string file = box.write("config", "[jail]\n", 0664);
    auto config = box.load("[agent crush]\n");
    REQUIRE_FALSE(config.ok());
    REQUIRE(config.error() == "refusing " + file + ": it is writable by others (chmod go-w " + file + ")");
    REQUIRE(config.failure().code == ExitCode::not_allowed);
  }
  SECTION("world-writable user preset") {
    std::string file = box.write("agents/crush.jailed", "[agent crush]\n", 0646);
    auto config = box.load("[agent crush]\n");
    REQUIRE_FALSE(config.ok());
    REQUIRE(config.failure().code == ExitCode::not_allowed);
    REQUIRE(config.error() == "refusing " + file + ": it is writable by others (chmod go-w " + file + ")");
  }
  SECTION("a user preset of an agent the project does not list is not read") {
    box.write("agents/opencode.jailed", "[agent opencode]\n", 0666);
    REQUIRE(box.load("[agent crush]\n").ok());
  }
  SECTION("a foreign-owned user preset") {
    std::string file = box.write("agents/crush.jailed", "[agent crush]\n");
    if (::chown(file.c_str(), 12345, 12345) != 0) {
      JAILED_SKIP("cannot chown to uid 12345 (not root): the foreign-owner check");
    }
    auto config = box.load("[agent crush]\n");
    REQUIRE_FALSE(config.ok());
    REQUIRE(config.error() ==
            file + " is owned by uid 12345, not you; jailed will not use it (review it, then replace it with a copy you own)");
    REQUIRE(config.failure().code == ExitCode::not_allowed);
  }
}

TEST_CASE("an agent without a package names the line and the presets", "[config]") {
  Sandbox box;
  SECTION("no suggestion") {
    auto config = box.load("[jail]\nnetwork = on\n\n[agent my-bot]\ncommand = bot\n");
    REQUIRE_FALSE(config.ok());
    REQUIRE(config.error() == box.project_file +
                                  ":4: agent \"my-bot\" has no package and there is no preset \"my-bot\" (add "
                                  "\"package = ...\"; presets: aider, amp, claude-code, codex, copilot, crush, "
                                  "cursor-agent, gemini-cli, goose, opencode, qwen-code)");
    REQUIRE(config.failure().code == ExitCode::bad_config);
  }
  SECTION("a near miss of a preset, user presets included") {
    box.write("agents/zed-bot.jailed", "[agent zed-bot]\npackage = nixpkgs#hello\n");
    auto config = box.load("[agent crsuh]\n");
    REQUIRE_FALSE(config.ok());
    REQUIRE(config.error() == box.project_file +
                                  ":1: agent \"crsuh\" has no package and there is no preset \"crsuh\" (did you "
                                  "mean \"crush\"? otherwise add \"package = ...\"; presets: aider, amp, "
                                  "claude-code, codex, copilot, crush, cursor-agent, gemini-cli, goose, "
                                  "opencode, qwen-code, zed-bot)");
  }
  SECTION("a global [agent NAME] section can supply the package") {
    box.write("config", "[agent my-bot]\npackage = nixpkgs#hello\n");
    auto config = box.load("[agent my-bot]\n");
    REQUIRE(config.ok());
    REQUIRE(config->agents[0].package->text == "nixpkgs#hello");
    REQUIRE_FALSE(config->agents[0].from_preset);
  }
}

TEST_CASE("two agents may not share a shim name", "[config]") {
  Sandbox box;
  auto config = box.load("[agent crush]\n"
                         "[agent opencode]\n"
                         "\n"
                         "name = jailed-crush\n");
  REQUIRE_FALSE(config.ok());
  REQUIRE(config.error() == box.project_file +
                                ":4: agents \"crush\" and \"opencode\" both use the command name \"jailed-crush\" (" +
                                box.project_file + ":1 and " + box.project_file + ":4; set \"name\" for one of them)");

  auto renamed = box.load("[agent crush]\nname = c\n[agent opencode]\nname = o\n");
  REQUIRE(renamed.ok());
  REQUIRE(renamed->find_shim("c")->name == "crush");
  REQUIRE(renamed->find_shim("o")->name == "opencode");
  REQUIRE(renamed->find_shim("jailed-crush") == nullptr);
}

TEST_CASE("only the project's .jailed may set the shim name", "[config]") {
  // The prompt hook names shims from the project text alone (shim_names), so a name set in a
  // user file would give the shim a command that `jailed run` cannot find, or the reverse.
  const std::string rule = "key \"name\" may only be set in a project's .jailed (it names the project's command)";
  Sandbox box;
  SECTION("user preset") {
    std::string file = box.write("agents/crush.jailed", "[agent crush]\nnetwork = on\nname = c\n");
    auto config = box.load("[agent crush]\n");
    REQUIRE_FALSE(config.ok());
    REQUIRE(config.error() == file + ":3: " + rule);
    REQUIRE(config.failure().code == ExitCode::bad_config);
  }
  SECTION("user preset of a new agent") {
    std::string file = box.write("agents/my-bot.jailed", "[agent my-bot]\nname = bot\npackage = nixpkgs#hello\n");
    auto config = box.load("[agent my-bot]\n");
    REQUIRE_FALSE(config.ok());
    REQUIRE(config.error() == file + ":2: " + rule);
  }
  SECTION("global config, even for an agent the project does not list") {
    std::string file = box.write("config", "[jail]\nnetwork = on\n[agent opencode]\nname = oc\n");
    auto config = box.load("[agent crush]\n");
    REQUIRE_FALSE(config.ok());
    REQUIRE(config.error() == file + ":4: " + rule);
    REQUIRE(config.failure().code == ExitCode::bad_config);
  }
  SECTION("built-in presets leave it to the project") {
    for (const auto& name : builtin_preset_names()) {
      auto doc = read_document(*builtin_preset(name), "preset " + name);
      REQUIRE(doc.ok());
      for (const auto& entry : doc->sections.front().entries) REQUIRE(entry.key != "name");
    }
  }
  SECTION("the project sets it; merging and shim_names agree") {
    const std::string text = "[agent crush]\nname = c\n";
    auto config = box.load(text);
    REQUIRE(config.ok());
    REQUIRE(config->agents[0].shim_name.text == "c");
    REQUIRE(config->agents[0].shim_name.origin.text() == box.project_file + ":2");
    REQUIRE(*shim_names(box.project_file, text) == std::vector<std::string>{"c"});
  }
}

TEST_CASE("messages escape unprintable bytes of file names", "[config]") {
  // A cloned repository chooses its directory names: they must not reach the terminal raw.
  const std::string weird = "/tmp/a\nb\x1b[31m\xff/.jailed";
  const std::string shown = "\"/tmp/a\\x0ab\\x1b[31m\\xff/.jailed\"";
  REQUIRE(shown_file(weird) == shown);
  REQUIRE(shown_file("/tmp/$(x) `y` 'q'/caf\xc3\xa9/.jailed") == "/tmp/$(x) `y` 'q'/caf\xc3\xa9/.jailed");

  UserContext user{"/nonexistent-home", "/nonexistent-home/.config/jailed"};
  auto syntax = load_config(weird, "[agent demo]\npackage = \"host:bash\n", user);
  REQUIRE_FALSE(syntax.ok());
  REQUIRE(syntax.error() == shown + ":2: unterminated quote in the value of \"package\" (close it with \")");
  auto schema = load_config(weird, "[agent demo]\nnetwrok = on\n", user);
  REQUIRE_FALSE(schema.ok());
  REQUIRE(schema.error() == shown + ":2: unknown key \"netwrok\" (did you mean \"network\"?)");
  auto binary = shim_names(weird, std::string("[jail]\n\0", 9));
  REQUIRE_FALSE(binary.ok());
  REQUIRE(binary.error() == shown + ":2: line 2 is not valid UTF-8 text (is this a binary file?)");

  auto config = load_config(weird, "[agent demo]\npackage = host:bash\n", user);
  REQUIRE(config.ok());
  REQUIRE(config->file == weird);  // the path itself stays exact; only messages escape it
  REQUIRE(config->agents[0].package->origin.file == weird);
  REQUIRE(config->agents[0].package->origin.text() == shown + ":2");
}

TEST_CASE("a project with no agents is valid", "[config]") {
  Sandbox box;
  auto config = box.load("# nothing yet\n[jail]\nnetwork = on\n");
  REQUIRE(config.ok());
  REQUIRE(config->agents.empty());
}

TEST_CASE("project errors come before user files are read", "[config]") {
  Sandbox box;
  box.write("config", "[jail]\n", 0666);
  auto config = box.load("[jail]\nnetwrok = on\n");
  REQUIRE_FALSE(config.ok());
  REQUIRE(config.error() == box.project_file + ":2: unknown key \"netwrok\" (did you mean \"network\"?)");
}

TEST_CASE("agent_names and shim_names read the project only, in file order", "[config]") {
  const std::string text = "[agent opencode]\n[jail]\n[agent my-bot]\nname = bot\n[agent crush]\n";
  auto agents = agent_names(".jailed", text);
  REQUIRE(agents.ok());
  REQUIRE(*agents == std::vector<std::string>{"opencode", "my-bot", "crush"});
  auto shims = shim_names(".jailed", text);
  REQUIRE(shims.ok());
  REQUIRE(*shims == std::vector<std::string>{"jailed-opencode", "bot", "jailed-crush"});

  auto bad = shim_names("x/.jailed", "[agent crush]\nnetwork = maybe\n");
  REQUIRE_FALSE(bad.ok());
  REQUIRE(bad.error().rfind("x/.jailed:2: invalid value \"maybe\"", 0) == 0);
  REQUIRE(agent_names(".jailed", "")->empty());
}

TEST_CASE("sources lists the presets and global config the agents are merged from", "[config]") {
  Sandbox box;
  const std::string text = "[agent crush]\n\n[agent bot]\npackage = host:bash\n";
  // Nothing of the user's: the built-in preset alone.
  auto bare = box.load(text);
  REQUIRE(bare.ok());
  REQUIRE(bare->sources.size() == 1);
  REQUIRE(bare->sources[0].label == "preset crush (built in)");
  REQUIRE(bare->sources[0].content == std::string(*builtin_preset("crush")));

  std::string preset = box.write("agents/bot.jailed", "[agent bot]\nnetwork = on\n");
  std::string unused = box.write("agents/other.jailed", "[agent other]\npackage = host:bash\n");
  std::string global = box.write("config", "[jail]\nreadonly = ~/.gitconfig\n");
  auto full = box.load(text);
  REQUIRE(full.ok());
  std::vector<std::string> labels;
  for (const auto& source : full->sources) labels.push_back(source.label);
  REQUIRE(labels == std::vector<std::string>{"preset crush (built in)", preset, global});
  REQUIRE(full->sources[1].content == "[agent bot]\nnetwork = on\n");
  REQUIRE(full->sources[2].content == "[jail]\nreadonly = ~/.gitconfig\n");

  // sources_of reads the same files without merging: also when merging fails.
  REQUIRE(*sources_of(box.project_file, text, box.user) == full->sources);
  box.write("agents/bot.jailed", "[agent bot]\nnetwrok = on\n");
  REQUIRE_FALSE(box.load(text).ok());
  auto broken = sources_of(box.project_file, text, box.user);
  REQUIRE(broken.ok());
  REQUIRE(broken->at(1).content == "[agent bot]\nnetwrok = on\n");

  // A file without agents uses nothing.
  REQUIRE(box.load("[jail]\nnetwork = on\n")->sources.empty());
}
