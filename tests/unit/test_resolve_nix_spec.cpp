// Unit tests for resolve/nix_spec and resolve/nix_json: canonical specs, Nix's JSON shapes.
#include <catch2/catch.hpp>

#include "resolve/nix_json.hpp"
#include "resolve/nix_spec.hpp"

using namespace jailed;

namespace {

config::AgentConfig agent_named(const std::string& name) {
  config::AgentConfig agent;
  agent.name = name;
  return agent;
}

Result<resolve::NixSpec> canonical(const std::string& text, const std::string& file = "/src/app/.jailed") {
  return resolve::canonical_spec(agent_named("bot"), config::Value{text, {file, 3}});
}

}  // namespace

TEST_CASE("relative local flakes become absolute path: refs", "[nix]") {
  CHECK(canonical("path:./tools#bot")->text == "path:/src/app/tools#bot");
  CHECK(canonical("path:./tools#bot")->local_dir == "/src/app/tools");
  CHECK(canonical(".#x")->text == "path:/src/app#x");
  CHECK(canonical(".#x")->local_dir == "/src/app");
  CHECK(canonical("./sub/../tools?dir=nix#y")->text == "path:/src/app/tools?dir=nix#y");
  CHECK(canonical("path:/abs/flake#z")->text == "path:/abs/flake#z");
  CHECK(canonical("/abs/flake#z")->text == "path:/abs/flake#z");
  CHECK(canonical("path:tools#bot", "/home/u/.config/jailed/agents/bot.jailed")->text ==
        "path:/home/u/.config/jailed/agents/tools#bot");
}

TEST_CASE("remote refs and store paths stay as written", "[nix]") {
  CHECK(*canonical("nixpkgs#go") == resolve::NixSpec{"nixpkgs#go", ""});
  CHECK(*canonical("github:numtide/llm-agents.nix#crush") == resolve::NixSpec{"github:numtide/llm-agents.nix#crush", ""});
  CHECK(canonical("git+file:///src/tools#x")->local_dir == "/src/tools");
  std::string store = "/nix/store/0123456789abcdfghijklmnpqrsvwxyz-hello-2.12";
  CHECK(*canonical(store) == resolve::NixSpec{store, ""});
}

TEST_CASE("every local-file flake spelling names its directory or file", "[nix]") {
  // Nix reads these on the host: trust, the cache key and the protected paths need the location.
  CHECK(canonical("git+file:/src/tools#x")->local_dir == "/src/tools");
  CHECK(canonical("git+file:///src/tools?ref=main#x")->local_dir == "/src/tools");
  CHECK(canonical("git+file://localhost/src/tools#x")->local_dir == "/src/tools");
  CHECK(canonical("git+file:/src/app/../tools#x")->local_dir == "/src/tools");
  CHECK(canonical("file:/src/tools.tar.gz#x")->local_dir == "/src/tools.tar.gz");
  CHECK(canonical("tarball+file:///src/tools.tar.gz#x")->local_dir == "/src/tools.tar.gz");
  CHECK(canonical("git+file:/src/tools#x")->text == "git+file:/src/tools#x");
  auto relative = canonical("git+file:./tools#x");
  REQUIRE_FALSE(relative.ok());
  CHECK(relative.error().find("relative path") != std::string::npos);
}

TEST_CASE("bad specs are errors naming file and line", "[nix]") {
  CHECK(canonical("host:git").error() ==
        "/src/app/.jailed:3: agent \"bot\": package \"host:git\" is a host program, but this agent's packages come "
        "from Nix; use a Nix package (e.g. nixpkgs#git) or set backend = host");
  CHECK(canonical("/nix/store/0123456789abcdfghijklmnpqrsvwxyz-hello/bin/hello").error() ==
        "/src/app/.jailed:3: agent \"bot\": package \"/nix/store/0123456789abcdfghijklmnpqrsvwxyz-hello/bin/hello\" is a "
        "file inside a store path; name the store path /nix/store/0123456789abcdfghijklmnpqrsvwxyz-hello");
  CHECK_FALSE(canonical("/nix/store/short-hello").ok());
  CHECK_FALSE(canonical("--option").ok());
  CHECK_FALSE(canonical(".#x", "preset bot").ok());
}

TEST_CASE("agent specs: package, packages, base packages, each once", "[nix]") {
  auto agent = agent_named("bot");
  config::Origin at{"/src/app/.jailed", 2};
  agent.package = config::Value{".#bot", at};
  agent.packages = {{"nixpkgs#hello", at}, {"path:./.#bot", at}};
  auto specs = resolve::agent_specs(agent);
  REQUIRE(specs.ok());
  CHECK(specs->package.text == "path:/src/app#bot");
  REQUIRE(specs->packages.size() == 1);  // the second spelling of the package is the same spec
  CHECK(specs->packages[0].text == "nixpkgs#hello");
  // Without base-packages: the documented defaults, bash and coreutils first.
  REQUIRE(specs->base.size() == resolve::default_base_packages().size());
  CHECK(specs->base[0].text == "nixpkgs#bashInteractive");
  CHECK(specs->base[1].text == "nixpkgs#coreutils");

  agent.base_packages_set = true;
  CHECK(resolve::agent_specs(agent)->base.empty());
  agent.package.reset();
  CHECK_FALSE(resolve::agent_specs(agent).ok());
}

TEST_CASE("nix's derived-path JSON in the 2.8 and later shapes", "[nix]") {
  auto old_shape = resolve::parse_derived_paths(
      R"([{"drvPath":"/nix/store/a-x.drv","outputs":{"out":"/nix/store/b-x","dev":"/nix/store/c-x-dev"}},)"
      R"( {"path":"/nix/store/d-y"}])");
  REQUIRE(old_shape.ok());
  REQUIRE(old_shape->size() == 2);
  CHECK((*old_shape)[0].drv_path == "/nix/store/a-x.drv");
  CHECK((*old_shape)[0].outputs == std::vector<std::string>{"out", "dev"});
  CHECK((*old_shape)[1].path == "/nix/store/d-y");

  auto new_shape = resolve::parse_derived_paths(R"([{"drvPath":"/nix/store/a-x.drv","outputs":["out"]}])");
  REQUIRE(new_shape.ok());
  CHECK((*new_shape)[0].outputs == std::vector<std::string>{"out"});

  CHECK_FALSE(resolve::parse_derived_paths("[{\"drvPath\":1}]").ok());
  CHECK_FALSE(resolve::parse_derived_paths("[{\"path\":\"/x\"}").ok());
  CHECK_FALSE(resolve::parse_derived_paths("{}").ok());
  CHECK_FALSE(resolve::parse_derived_paths(std::string(100, '[') + std::string(100, ']')).ok());
  CHECK(resolve::parse_derived_paths("[{\"path\":\"/nix/store/\\u0061-b\"}]")->at(0).path == "/nix/store/a-b");
}
