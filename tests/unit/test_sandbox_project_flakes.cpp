// Unit tests for sandbox/project_probe's local flakes: every agent's flakes are protected in
// every agent's launch, at their real paths.
#include <catch2/catch.hpp>
#include <unistd.h>

#include <algorithm>

#include "sandbox/policy.hpp"
#include "util/files.hpp"
#include "temp_dir.hpp"

using namespace jailed;
using namespace jailed::sandbox;
using jailed::testing::TempDir;

namespace {

config::AgentConfig agent_with(const std::string& name, const std::string& package, const std::string& file) {
  config::AgentConfig agent;
  agent.name = name;
  agent.backend = "nix";
  agent.package = config::Value{package, {file, 2}};
  return agent;
}

std::vector<std::string> extra_paths(const ProjectFacts& facts) {
  std::vector<std::string> out;
  for (const auto& [path, why] : facts.extra_protected) out.push_back(path);
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

TEST_CASE("every agent's local flakes are protected in each agent's launch", "[sandbox]") {
  TempDir tmp;
  std::string dir = tmp.path + "/app";
  for (const char* sub : {"/tools-a", "/tools-b", "/shared"}) REQUIRE(util::make_dirs(dir + sub).ok());
  std::string file = dir + "/.jailed";
  auto a = agent_with("a", "path:./tools-a#a", file);
  auto b = agent_with("b", "path:./tools-b#b", file);
  // [jail]'s packages are merged into every agent: they come along with each one.
  a.packages = {config::Value{"path:./shared#s", {file, 1}}};
  b.packages = a.packages;

  // Without the others, an agent's launch protects its own flakes only (what launches did
  // before every agent's counted: b could then edit what Nix builds for a).
  auto alone = probe_project(dir, b);
  REQUIRE(alone.ok());
  REQUIRE(extra_paths(*alone) == std::vector<std::string>{dir + "/shared", dir + "/tools-b"});

  std::vector<config::AgentConfig> all{a, b};
  for (const auto& agent : all) {
    auto facts = probe_project(dir, agent, all);
    REQUIRE(facts.ok());
    CHECK(extra_paths(*facts) == std::vector<std::string>{dir + "/shared", dir + "/tools-a", dir + "/tools-b"});
  }
}

TEST_CASE("a local flake named through a symlinked directory is protected at its real path", "[sandbox]") {
  TempDir tmp;
  std::string real = tmp.path + "/real/app";
  REQUIRE(util::make_dirs(real + "/tools").ok());
  REQUIRE(::symlink((tmp.path + "/real").c_str(), (tmp.path + "/link").c_str()) == 0);
  auto agent = agent_with("a", "path:" + tmp.path + "/link/app/tools#a", tmp.path + "/link/app/.jailed");
  auto facts = probe_project(real, agent);
  REQUIRE(facts.ok());
  REQUIRE(extra_paths(*facts) == std::vector<std::string>{real + "/tools"});
}

TEST_CASE("another agent's local flake that is a symlink refuses the launch", "[sandbox]") {
  TempDir tmp;
  std::string dir = tmp.path + "/app";
  REQUIRE(util::make_dirs(dir + "/elsewhere").ok());
  REQUIRE(::symlink("elsewhere", (dir + "/tools").c_str()) == 0);
  auto a = agent_with("a", "host:bash", dir + "/.jailed");
  a.backend = "host";
  auto b = agent_with("b", "path:" + dir + "/tools#b", dir + "/.jailed");
  auto facts = probe_project(dir, a, {a, b});
  REQUIRE_FALSE(facts.ok());
  REQUIRE_THAT(facts.error(), Catch::Contains("(a local flake) is a symlink"));
}
