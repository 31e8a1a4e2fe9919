// Unit tests for cli/grant_summary and cli/setup_check: what allow shows an agent gets, and
// the projects and grants it refuses.
#include <catch2/catch.hpp>

#include <cstdlib>

#include "cli/grant_summary.hpp"
#include "cli/setup_check.hpp"

using namespace jailed;
using namespace jailed::cli;

namespace {

// HOME and the XDG dirs at known places, colour off: lines and reasons compare as text.
struct KnownHome {
  KnownHome() {
    for (const char* name : {"HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"}) {
      const char* value = std::getenv(name);
      m_saved.emplace_back(name, value ? std::optional<std::string>(value) : std::nullopt);
      ::unsetenv(name);
    }
    ::setenv("HOME", "/home/u", 1);
    ::setenv("NO_COLOR", "1", 1);
  }
  ~KnownHome() {
    for (const auto& [name, value] : m_saved) {
      if (value) ::setenv(name.c_str(), value->c_str(), 1); else ::unsetenv(name.c_str());
    }
  }
  std::vector<std::pair<std::string, std::optional<std::string>>> m_saved;
};

config::Value value(std::string text) { return {std::move(text), {"/p/.jailed", 3}}; }

}  // namespace

TEST_CASE("grant_lines says what each agent may write, read, reach and get", "[cli]") {
  KnownHome home;
  config::JailConfig config;
  config.project_dir = "/home/u/src/app";
  config::AgentConfig bot;
  bot.name = "bot";
  bot.shim_name = value("jailed-bot");
  bot.package = value("nixpkgs#bot");
  bot.packages = {value("nixpkgs#go")};
  bot.config = {value("/home/u/.config/bot")};
  bot.readwrite = {value("/srv/shared")};
  bot.readonly = {value("/home/u/.gitconfig")};
  bot.network = true;
  bot.env = {value("BOT_KEY")};
  bot.setenv = {value("MODE=ci")};
  config::AgentConfig plain;
  plain.name = "plain";
  plain.shim_name = value("plain");
  plain.package = value("host:bash");
  plain.workdir = "cwd";
  config.agents = {bot, plain};
  REQUIRE(grant_lines(config) == std::vector<std::string>{
              "agent bot (jailed-bot) gets:",
              "  writes     the project ~/src/app; its state ~/.config/bot; /srv/shared",
              "  reads      ~/.gitconfig",
              "  network    on: the host's network, the internet and local services",
              "  variables  BOT_KEY (from your environment, when set); MODE=ci",
              "  packages   nixpkgs#bot + nixpkgs#go",
              "agent plain (plain) gets:",
              "  writes     the directory you start it in",
              "  network    off",
              "  packages   host:bash",
          });
}

TEST_CASE("broad_project refuses the root, the home and its ancestors", "[cli]") {
  CHECK(broad_project("/", "/home/u"));
  CHECK(broad_project("/home/u", "/home/u"));
  CHECK(broad_project("/home", "/home/u"));
  CHECK_FALSE(broad_project("/home/u/src/app", "/home/u"));
  CHECK_FALSE(broad_project("/home/user2", "/home/u"));
  CHECK_FALSE(broad_project("/srv/app", "/home/u"));
}

TEST_CASE("broad_grant refuses the home, holders of credential stores and jailed's own files", "[cli]") {
  KnownHome home;
  CHECK(broad_grant("/", "/home/u"));
  CHECK(broad_grant("/home/u", "/home/u"));
  CHECK(broad_grant("/home", "/home/u"));
  CHECK(broad_grant("/home/u/.config", "/home/u")->find("jailed's own files") != std::string::npos);
  CHECK(broad_grant("/home/u/.local/share/jailed/trust.db", "/home/u"));
  CHECK(broad_grant("/home/u/.local/state/jailed", "/home/u"));
  CHECK(broad_grant("/home/u/.cache", "/home/u"));
  ::setenv("XDG_CONFIG_HOME", "/elsewhere", 1);
  CHECK(broad_grant("/home/u/.config", "/home/u")->find("~/.config/gcloud, a store of credentials") != std::string::npos);
  // Named exactly, or below: deliberate, and shown by allow and explain.
  CHECK_FALSE(broad_grant("/home/u/.ssh", "/home/u"));
  CHECK_FALSE(broad_grant("/home/u/.ssh/known_hosts", "/home/u"));
  CHECK_FALSE(broad_grant("/home/u/.config/crush", "/home/u"));
  CHECK_FALSE(broad_grant("/home/u/src", "/home/u"));
  CHECK_FALSE(broad_grant("/srv/shared", "/home/u"));
  CHECK_FALSE(broad_grant("/home/user2", "/home/u"));
}
