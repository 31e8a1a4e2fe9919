// Unit tests for resolve/host_backend: a fake merged-/usr root, programs inside and outside it, errors.
#include <catch2/catch.hpp>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>

#include "resolve/host_backend.hpp"
#include "util/files.hpp"
#include "temp_dir.hpp"

using namespace jailed;
using jailed::resolve::HostBackend;
using jailed::resolve::ReadonlyPath;
using jailed::resolve::Symlink;

namespace {

using jailed::testing::TempDir;

void make_dir(const std::string& path) { REQUIRE(util::make_dirs(path).ok()); }

void make_link(const std::string& target, const std::string& path) { REQUIRE(::symlink(target.c_str(), path.c_str()) == 0); }

void make_program(const std::string& path) {
  REQUIRE(util::write_file_atomic(path, "#!/bin/sh\n", 0755).ok());
}

// A merged-/usr tree: /bin, /sbin, /lib, /lib64 are symlinks into /usr.
void make_merged_usr(const std::string& root) {
  for (const char* dir : {"/usr/bin", "/usr/sbin", "/usr/lib", "/usr/lib64", "/etc/alternatives", "/etc/ld.so.conf.d"}) {
    make_dir(root + dir);
  }
  make_link("usr/bin", root + "/bin");
  make_link("usr/sbin", root + "/sbin");
  make_link("usr/lib", root + "/lib");
  make_link("usr/lib64", root + "/lib64");
  REQUIRE(util::write_file_atomic(root + "/etc/ld.so.cache", "cache").ok());
  REQUIRE(util::write_file_atomic(root + "/usr/bin/sh", "\x7f" "ELF", 0755).ok());
}

config::Value value(const std::string& text, int line = 3) { return {text, {"/p/.jailed", line}}; }

config::AgentConfig host_agent(const std::string& program) {
  config::AgentConfig agent;
  agent.name = "bot";
  agent.package = value("host:" + program);
  return agent;
}

}  // namespace

TEST_CASE("host backend mirrors a merged-/usr root and finds a system program", "[resolve]") {
  TempDir tmp;
  std::string root = tmp.path + "/root";
  make_merged_usr(root);
  make_program(root + "/usr/bin/fakeagent");

  HostBackend backend(root + "/bin", root);
  auto resolved = backend.resolve(host_agent("fakeagent"));
  REQUIRE(resolved.ok());
  REQUIRE(resolved->backend == "host");
  REQUIRE(resolved->program == "/usr/bin/fakeagent");
  REQUIRE(resolved->shell == "/bin/sh");
  std::vector<std::string> readonly;
  for (const auto& r : resolved->readonly) readonly.push_back(r.path);
  REQUIRE(readonly == std::vector<std::string>{"/usr", "/etc/ld.so.cache", "/etc/ld.so.conf.d", "/etc/alternatives"});
  REQUIRE(resolved->symlinks.size() == 4);
  REQUIRE(resolved->symlinks[0].target == "usr/bin");
  REQUIRE(resolved->symlinks[0].path == "/bin");
  REQUIRE(resolved->symlinks[1].path == "/sbin");
  REQUIRE(resolved->symlinks[2].path == "/lib");
  REQUIRE(resolved->symlinks[3].target == "usr/lib64");
  REQUIRE(resolved->symlinks[3].path == "/lib64");
  REQUIRE(resolved->path_dirs == std::vector<std::string>{"/usr/bin", "/bin", "/usr/sbin", "/sbin"});
}

TEST_CASE("host backend binds a program outside the system dirs at its realpath", "[resolve]") {
  TempDir tmp;
  std::string root = tmp.path + "/root";
  make_merged_usr(root);
  make_dir(tmp.path + "/opt/tool-1.2");
  make_dir(tmp.path + "/home/.local/bin");
  make_program(tmp.path + "/opt/tool-1.2/tool");
  make_link(tmp.path + "/opt/tool-1.2/tool", tmp.path + "/home/.local/bin/tool");
  make_program(tmp.path + "/opt/tool-1.2/helper");
  make_link(tmp.path + "/opt/tool-1.2/helper", tmp.path + "/home/.local/bin/helper");

  HostBackend backend(tmp.path + "/home/.local/bin:" + root + "/bin", root);
  auto agent = host_agent("tool");
  agent.packages.push_back(value("host:helper", 5));
  auto resolved = backend.resolve(agent);
  REQUIRE(resolved.ok());
  REQUIRE(resolved->program == tmp.path + "/opt/tool-1.2/tool");
  auto& ro = resolved->readonly;
  REQUIRE(ro.size() == 6);
  REQUIRE(ro[4].path == tmp.path + "/opt/tool-1.2/tool");
  REQUIRE(ro[5].path == tmp.path + "/opt/tool-1.2/helper");
  // The package keeps working under the name PATH found it by.
  REQUIRE(resolved->symlinks.back().target == tmp.path + "/opt/tool-1.2/helper");
  REQUIRE(resolved->symlinks.back().path == tmp.path + "/home/.local/bin/helper");
  REQUIRE(resolved->path_dirs.front() == tmp.path + "/home/.local/bin");
}

TEST_CASE("host backend: command overrides the host: program; a preset runs its command", "[resolve]") {
  TempDir tmp;
  std::string root = tmp.path + "/root";
  make_merged_usr(root);
  make_program(root + "/usr/bin/crush");
  make_program(root + "/usr/bin/other");
  HostBackend backend(root + "/usr/bin", root);

  auto agent = host_agent("crush");
  agent.command = value("other", 4);
  REQUIRE(backend.resolve(agent)->program == "/usr/bin/other");

  config::AgentConfig preset;
  preset.name = "crush";
  preset.from_preset = true;
  preset.package = config::Value{"github:numtide/llm-agents.nix#crush", {"preset crush", 2}};
  REQUIRE(backend.resolve(preset)->program == "/usr/bin/crush");
}

TEST_CASE("host backend errors name the program, PATH, origin, and what to do", "[resolve]") {
  TempDir tmp;
  std::string root = tmp.path + "/root";
  make_merged_usr(root);
  HostBackend backend(root + "/usr/bin", root);

  auto missing = backend.resolve(host_agent("nope"));
  REQUIRE_FALSE(missing.ok());
  REQUIRE(missing.error() == "/p/.jailed:3: agent \"bot\": program \"nope\" not found in PATH=" + root +
                                 "/usr/bin (entries where agents can write are left out); install it or fix the package or command");

  config::AgentConfig nix;
  nix.name = "my-bot";
  nix.package = value("path:./tools#my-bot", 7);
  auto needs = backend.resolve(nix);
  REQUIRE_FALSE(needs.ok());
  REQUIRE(needs.error() == "/p/.jailed:7: agent \"my-bot\": package \"path:./tools#my-bot\" needs Nix, which is not "
                           "available; use package = host:PROGRAM or install Nix");

  make_program(root + "/usr/bin/fakeagent");
  auto with_nix_package = host_agent("fakeagent");
  with_nix_package.packages.push_back(value("nixpkgs#go", 9));
  auto package = backend.resolve(with_nix_package);
  REQUIRE_FALSE(package.ok());
  REQUIRE(package.error().find("/p/.jailed:9: agent \"bot\": package \"nixpkgs#go\" needs Nix") == 0);

  auto missing_package = host_agent("fakeagent");
  missing_package.packages.push_back(value("host:nothere", 10));
  auto none = backend.resolve(missing_package);
  REQUIRE_FALSE(none.ok());
  REQUIRE(none.error().find("/p/.jailed:10: agent \"bot\": program \"nothere\" not found") == 0);
}

namespace {

std::vector<std::string> install_binds(const jailed::resolve::Resolution& resolution) {
  std::vector<std::string> paths;
  for (const auto& r : resolution.readonly) {
    if (r.install) paths.push_back(r.path);
  }
  return paths;
}

void write_script(const std::string& path, const std::string& text) {
  REQUIRE(util::write_file_atomic(path, text, 0755).ok());
}

}  // namespace

TEST_CASE("host backend binds an npm package whole, and the interpreter #!/usr/bin/env names", "[resolve]") {
  TempDir tmp;
  std::string root = tmp.path + "/root";
  make_merged_usr(root);
  // An nvm-style tree: node and the global packages under one version prefix in the home.
  std::string prefix = tmp.path + "/home/.nvm/versions/node/v20";
  std::string package = prefix + "/lib/node_modules/@acme/agent";
  make_dir(package + "/bin");
  make_dir(package + "/node_modules/@acme/agent-linux-x64/vendor");
  make_dir(prefix + "/bin");
  write_script(package + "/bin/agent.js", "#!/usr/bin/env node\nrequire('./chunk.js')\n");
  write_script(prefix + "/bin/node", "\x7f" "ELF");
  make_link("../lib/node_modules/@acme/agent/bin/agent.js", prefix + "/bin/agent");

  HostBackend backend(prefix + "/bin:" + root + "/usr/bin", root);
  auto resolved = backend.resolve(host_agent("agent"));
  REQUIRE(resolved.ok());
  REQUIRE(resolved->program == package + "/bin/agent.js");
  // The whole package (its node_modules hold the vendored binary), then node on its own.
  REQUIRE(install_binds(*resolved) == std::vector<std::string>{package, prefix + "/bin", prefix + "/lib"});
  REQUIRE(resolved->readonly[4].reason == "npm package @acme/agent holding the agent's program agent, with its node_modules");
  REQUIRE(resolved->path_dirs.front() == prefix + "/bin");
  // The link npm made is shown by the bind of node's bin/, so it is not made again.
  REQUIRE(resolved->symlinks.back().path == "/lib64");
}

TEST_CASE("host backend binds a virtual environment and a single binary", "[resolve]") {
  TempDir tmp;
  std::string root = tmp.path + "/root";
  make_merged_usr(root);
  std::string venv = tmp.path + "/home/.local/share/pipx/venvs/tool";
  make_dir(venv + "/bin");
  make_dir(tmp.path + "/home/.local/bin");
  make_dir(tmp.path + "/home/.cargo/bin");
  REQUIRE(util::write_file_atomic(venv + "/pyvenv.cfg", "home = /usr/bin\n").ok());
  write_script(root + "/usr/bin/python3", "\x7f" "ELF");
  make_link(root + "/usr/bin/python3", venv + "/bin/python");
  write_script(venv + "/bin/tool", "#!" + venv + "/bin/python\nimport tool\n");
  make_link(venv + "/bin/tool", tmp.path + "/home/.local/bin/tool");
  write_script(tmp.path + "/home/.cargo/bin/helper", "\x7f" "ELF");

  HostBackend backend(tmp.path + "/home/.local/bin:" + tmp.path + "/home/.cargo/bin:" + root + "/usr/bin", root);
  auto agent = host_agent("tool");
  agent.packages.push_back(value("host:helper", 5));
  auto resolved = backend.resolve(agent);
  REQUIRE(resolved.ok());
  REQUIRE(install_binds(*resolved) == std::vector<std::string>{venv, tmp.path + "/home/.cargo/bin/helper"});
  REQUIRE(resolved->path_dirs[0] == tmp.path + "/home/.local/bin");
  REQUIRE(resolved->path_dirs[1] == tmp.path + "/home/.cargo/bin");
}

TEST_CASE("host backend says when a program's interpreter is missing", "[resolve]") {
  TempDir tmp;
  std::string root = tmp.path + "/root";
  make_merged_usr(root);
  write_script(root + "/usr/bin/agent", "#!/usr/bin/env nodejs-none\n");
  write_script(root + "/usr/bin/other", "#!/opt/none/python\n");
  HostBackend backend(root + "/usr/bin", root);

  auto missing = backend.resolve(host_agent("agent"));
  REQUIRE_FALSE(missing.ok());
  REQUIRE(missing.error() == "/p/.jailed:3: agent \"bot\": " + root + "/usr/bin/agent starts with \"#!/usr/bin/env "
                             "nodejs-none\", but \"nodejs-none\" is not in PATH=" + root +
                             "/usr/bin; install it or put its directory on PATH");
  auto absent = backend.resolve(host_agent("other"));
  REQUIRE_FALSE(absent.ok());
  REQUIRE(absent.error().find("but /opt/none/python does not exist or cannot run") != std::string::npos);
}
