// Unit tests for sandbox/bwrap_args: the exact option vector and argv for small policies.
#include <catch2/catch.hpp>

#include <algorithm>

#include "sandbox/bwrap_args.hpp"

using namespace jailed::sandbox;

namespace {

Policy small_policy() {
  Policy p;
  p.agent = "bot";
  p.backend = "host";
  p.network = true;
  p.mounts = {
      {MountKind::proc, "", "/proc", "r"},
      {MountKind::dev, "", "/dev", "r"},
      {MountKind::tmpfs, "", "/tmp", "r"},
      {MountKind::dir, "", "/run", "r"},
      {MountKind::ro_bind, "/usr", "/usr", "r"},
      {MountKind::symlink, "usr/bin", "/bin", "r"},
      {MountKind::ro_data, "root:x:0:0:root:/root:/bin/sh\n", "/etc/passwd", "r"},
      {MountKind::ro_data, "root:x:0:\n", "/etc/group", "r"},
      {MountKind::bind, "/p", "/p", "r"},
      {MountKind::ro_bind, "/p/.jailed", "/p/.jailed", "r"},
  };
  p.env = {{"HOME", "/root"}, {"API_KEY", "secret value"}};
  p.chdir = "/p";
  p.command = {"/usr/bin/bot", "--flag"};
  return p;
}

}  // namespace

TEST_CASE("bwrap_options renders a policy exactly, in order", "[sandbox]") {
  FdPlan fds;
  fds.seccomp = 5;
  fds.files = {6, 7};
  REQUIRE(bwrap_options(small_policy(), fds) ==
          std::vector<std::string>{
              "--die-with-parent", "--unshare-user", "--unshare-ipc", "--unshare-pid", "--unshare-uts",
              "--unshare-cgroup-try", "--hostname", "jailed", "--cap-drop", "ALL", "--clearenv",
              "--setenv", "HOME", "/root", "--setenv", "API_KEY", "secret value",
              "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp", "--dir", "/run",
              "--ro-bind", "/usr", "/usr", "--symlink", "usr/bin", "/bin",
              "--perms", "0644", "--file", "6", "/etc/passwd",
              "--perms", "0644", "--file", "7", "/etc/group",
              "--bind", "/p", "/p", "--ro-bind", "/p/.jailed", "/p/.jailed",
              "--chdir", "/p", "--seccomp", "5"});
}

TEST_CASE("bwrap_options unshares the network when it is off", "[sandbox]") {
  auto policy = small_policy();
  policy.network = false;
  policy.mounts = {{MountKind::proc, "", "/proc", "r"}};
  policy.env.clear();
  REQUIRE(bwrap_options(policy, FdPlan{3, {}, {}}) ==
          std::vector<std::string>{"--die-with-parent", "--unshare-user", "--unshare-ipc", "--unshare-pid",
                                   "--unshare-uts", "--unshare-cgroup-try", "--unshare-net", "--hostname", "jailed",
                                   "--cap-drop", "ALL", "--clearenv", "--proc", "/proc", "--chdir", "/p",
                                   "--seccomp", "3"});
}

TEST_CASE("bwrap_options makes a placeholder an empty tmpfs remounted read-only", "[sandbox]") {
  Policy policy;
  policy.chdir = "/p";
  policy.mounts = {{MountKind::empty_ro, "", "/p/.git", "placeholder"}};
  auto options = bwrap_options(policy, FdPlan{3, {}, {}});
  auto at = std::find(options.begin(), options.end(), "--tmpfs");
  REQUIRE(at != options.end());
  REQUIRE(std::vector<std::string>(at, at + 4) == std::vector<std::string>{"--tmpfs", "/p/.git", "--remount-ro", "/p/.git"});
}

TEST_CASE("bwrap_argv passes options by descriptor and keeps secrets off the command line", "[sandbox]") {
  auto argv = bwrap_argv("/usr/bin/bwrap", 9, small_policy());
  REQUIRE(argv == std::vector<std::string>{"/usr/bin/bwrap", "--args", "9", "--", "/usr/bin/bot", "--flag"});
}

TEST_CASE("gated_argv runs the Landlock helper from its descriptor, the command handed over apart", "[sandbox]") {
  // Not even the agent's argv is on the host's process list.
  REQUIRE(gated_argv("bwrap", 9, 10, 11) == std::vector<std::string>{"bwrap", "--args", "9", "--", "/proc/self/fd/10", "11"});
}

TEST_CASE("bwrap_options writes generated and copied files from descriptors, mounting nothing", "[sandbox]") {
  Policy policy;
  policy.chdir = "/p";
  policy.mounts = {{MountKind::ro_data, "root:x:0:\n", "/etc/group", "r"},
                   {MountKind::copy, "/etc/localtime", "/etc/localtime", "r"},
                   {MountKind::remount_ro, "", "/", "r"}};
  auto options = bwrap_options(policy, FdPlan{3, {4, 5}, {}});
  auto at = std::find(options.begin(), options.end(), "--perms");
  REQUIRE(at != options.end());
  REQUIRE(std::vector<std::string>(at, at + 12) ==
          std::vector<std::string>{"--perms", "0644", "--file", "4", "/etc/group", "--perms", "0644", "--file", "5",
                                   "/etc/localtime", "--remount-ro", "/"});
  REQUIRE_THROWS_AS(bwrap_options(policy, FdPlan{3, {4}, {}}), std::out_of_range);
}

TEST_CASE("bwrap_options binds a source opened once from its descriptor, and sizes tmpfs", "[sandbox]") {
  Policy policy;
  policy.chdir = "/p";
  policy.mounts = {{MountKind::tmpfs, "16777216", "/tmp", "r"},
                   {MountKind::bind, "/p", "/p", "r"},
                   {MountKind::ro_bind, "/p/.git", "/p/.git", "r"},
                   {MountKind::ro_bind, "/usr", "/usr", "r"}};
  auto options = bwrap_options(policy, FdPlan{3, {}, {{1, 7}, {2, 8}}});
  auto at = std::find(options.begin(), options.end(), "--size");
  REQUIRE(at != options.end());
  REQUIRE(std::vector<std::string>(at, at + 13) ==
          std::vector<std::string>{"--size", "16777216", "--tmpfs", "/tmp", "--bind-fd", "7", "/p", "--ro-bind-fd", "8",
                                   "/p/.git", "--ro-bind", "/usr", "/usr"});
}
