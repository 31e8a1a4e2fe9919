#include "snapshot/host_files.hpp"

#include <fnmatch.h>

#include <string_view>

#include "util/strings.hpp"

namespace jailed::snapshot {
namespace {

struct Rule {
  const char* pattern;  // matched against one path component (fnmatch)
  const char* reason;
  bool whole_dir;       // everything beneath a matching directory matters too
};

// A component anywhere in the path; directories cover what they hold.
const Rule k_rules[] = {
    {".git", "git", true},
    {".gitmodules", "git", false},
    {".gitattributes", "git", false},
    {".gitconfig", "git", false},
    {".githooks", "a git hook", true},
    {".husky", "a git hook manager", true},
    {".pre-commit-config.yaml", "a git hook manager", false},
    {"lefthook*.yml", "a git hook manager", false},
    {".lefthook*.yml", "a git hook manager", false},
    {".overcommit.yml", "a git hook manager", false},
    {".jailed", "jailed", false},
    {".envrc*", "direnv", false},
    {".env", "direnv and dotenv", false},
    {".vscode", "editor settings", true},
    {".idea", "editor settings", true},
    {".zed", "editor settings", true},
    {".helix", "editor settings", true},
    {".nvim.lua", "editor settings", false},
    {".nvimrc", "editor settings", false},
    {".exrc", "editor settings", false},
    {".dir-locals.el", "editor settings", false},
    {".editorconfig", "editor settings", false},
    {".claude", "agent settings", true},
    {".codex", "agent settings", true},
    {".gemini", "agent settings", true},
    {".cursor", "agent settings", true},
    {".crush*", "agent settings", false},
    {".opencode*", "agent settings", false},
    {"opencode.json*", "agent settings", false},
    {".goose*", "agent settings", false},
    {".aider*", "agent settings", false},
    {".mcp.json", "agent settings", false},
    {".cursorrules", "agent settings", false},
    {"CLAUDE.md", "agent settings", false},
    {"AGENTS.md", "agent settings", false},
    {"GEMINI.md", "agent settings", false},
    {".bashrc", "a shell", false},
    {".bash_profile", "a shell", false},
    {".zshrc", "a shell", false},
    {".zprofile", "a shell", false},
    {".profile", "a shell", false},
    {".ripgreprc", "ripgrep", false},
    {"Makefile", "a build script", false},
    {"makefile", "a build script", false},
    {"GNUmakefile", "a build script", false},
    {"*.mk", "a build script", false},
    {"CMakeLists.txt", "a build script", false},
    {"*.cmake", "a build script", false},
    {"meson.build", "a build script", false},
    {"configure", "a build script", false},
    {"configure.ac", "a build script", false},
    {"autogen.sh", "a build script", false},
    {"[Jj]ustfile", "a build script", false},
    {"Taskfile.y*ml", "a build script", false},
    {"Rakefile", "a build script", false},
    {"build.rs", "a build script", false},
    {"build.gradle*", "a build script", false},
    {"settings.gradle*", "a build script", false},
    {"pom.xml", "a build script", false},
    {"BUILD", "a build script", false},
    {"BUILD.bazel", "a build script", false},
    {"WORKSPACE*", "a build script", false},
    {"MODULE.bazel", "a build script", false},
    {"Dockerfile*", "a build script", false},
    {"*compose.y*ml", "a build script", false},
    {"flake.nix", "a build script", false},
    {"flake.lock", "a build script", false},
    {"shell.nix", "a build script", false},
    {"default.nix", "a build script", false},
    {"package.json", "a package script", false},
    {".npmrc", "a package manager", false},
    {".yarnrc*", "a package manager", false},
    {".pnpmfile.cjs", "a package manager", false},
    {"setup.py", "a package script", false},
    {"setup.cfg", "a package script", false},
    {"pyproject.toml", "a package script", false},
    {"conftest.py", "a test runner", false},
    {"tox.ini", "a test runner", false},
    {"noxfile.py", "a test runner", false},
    {"Cargo.toml", "a package script", false},
    {".cargo", "a package manager", true},
    {"Gemfile", "a package script", false},
    {"*.gemspec", "a package script", false},
    {"composer.json", "a package script", false},
    {".tool-versions", "a version manager", false},
    {"*mise.toml", "a version manager", false},
    {".mise", "a version manager", true},
};

bool matches(const char* pattern, const std::string& name) { return ::fnmatch(pattern, name.c_str(), 0) == 0; }

}  // namespace

std::string host_tool_reason(const Change& change) {
  auto parts = util::split(change.path, '/');
  for (size_t i = 0; i < parts.size(); ++i) {
    bool last = i + 1 == parts.size();
    for (const auto& rule : k_rules) {
      if ((last || rule.whole_dir) && matches(rule.pattern, parts[i])) return rule.reason;
    }
  }
  // A gitfile (".git" as a file naming another git directory) is matched above by name; a file
  // that became executable is a program someone may run.
  if (change.after && change.after->executable() && !(change.before && change.before->executable())) {
    return "a new executable";
  }
  return "";
}

std::vector<std::string> host_tool_paths(const std::vector<Change>& changes) {
  std::vector<std::string> paths;
  for (size_t i = 0; i < changes.size(); ++i) {
    const Change& change = changes[i];
    // A new empty directory configures nothing (an empty .git is no repository); it is also
    // what a mount point the jail made for a protected path leaves behind.
    bool empty_new_dir = change.what == ChangeKind::added && change.after->kind == Kind::dir &&
                         (i + 1 == changes.size() || !at_or_beneath(changes[i + 1].path, change.path));
    if (!empty_new_dir && !host_tool_reason(change).empty()) paths.push_back(change.path);
  }
  return paths;
}

}  // namespace jailed::snapshot
