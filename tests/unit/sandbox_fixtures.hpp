// Fixtures shared by the sandbox policy tests: a preset-like agent, a host resolution, a host
// and a project, and helpers that render mounts for exact comparison.
#pragma once
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "config/jail_config.hpp"
#include "resolve/resolver.hpp"
#include "sandbox/policy.hpp"

namespace jailed::testing {

// The test host has no Landlock, so a jail on the host's network gets this note.
inline const std::string k_unscoped =
    "abstract Unix sockets of the host are reachable, and the agent may listen on any TCP port and signal your "
    "shell's process group with kill 0 (network = on and no Landlock network rules or scopes on this kernel)";

inline config::Value value(const std::string& text, int line) { return {text, {"/home/u/src/app/.jailed", line}}; }

inline config::AgentConfig crush_agent() {
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

inline resolve::Resolution resolution() {
  resolve::Resolution r;
  r.backend = "host";
  r.program = "/usr/bin/crush";
  r.path_dirs = {"/usr/bin", "/bin"};
  r.readonly = {{"/usr", "host system directory"}};
  r.symlinks = {{"usr/bin", "/bin", ""}};
  r.shell = "/bin/sh";
  return r;
}

inline sandbox::HostFacts host() {
  sandbox::HostFacts h;
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

inline sandbox::ProjectFacts project() {
  sandbox::ProjectFacts p;
  p.dir = "/home/u/src/app";
  p.protected_paths = {"/home/u/src/app/.jailed", "/home/u/src/app/.git", "/home/u/src/app/.claude/settings.json"};
  return p;
}

inline const char* kind_name(sandbox::MountKind kind) {
  switch (kind) {
    case sandbox::MountKind::proc: return "proc";
    case sandbox::MountKind::dev: return "dev";
    case sandbox::MountKind::tmpfs: return "tmpfs";
    case sandbox::MountKind::dir: return "dir";
    case sandbox::MountKind::ro_bind: return "ro_bind";
    case sandbox::MountKind::bind: return "bind";
    case sandbox::MountKind::symlink: return "symlink";
    case sandbox::MountKind::ro_data: return "ro_data";
    case sandbox::MountKind::copy: return "copy";
    case sandbox::MountKind::empty_ro: return "empty_ro";
    case sandbox::MountKind::unlisted_dir: return "unlisted_dir";
    case sandbox::MountKind::remount_ro: return "remount_ro";
  }
  return "?";
}

// Renders mounts as "kind source target" lines (ro_data without its content) for exact comparison.
inline std::vector<std::string> render(const std::vector<sandbox::Mount>& mounts) {
  std::vector<std::string> out;
  for (const auto& m : mounts) {
    std::string source = m.kind == sandbox::MountKind::ro_data ? "DATA" : m.source;
    out.push_back(std::string(kind_name(m.kind)) + " " + source + " " + m.target);
  }
  return out;
}

inline const sandbox::Mount& mount_at(const sandbox::Policy& policy, const std::string& target) {
  for (const auto& m : policy.mounts) {
    if (m.target == target) return m;
  }
  FAIL("no mount at " << target);
  throw;
}

}  // namespace jailed::testing
