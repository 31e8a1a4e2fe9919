// Unit tests for sandbox/store_view: how make_policy shows the store of a Nix jail in each view.
#include <catch2/catch.hpp>
#include <unistd.h>

#include <algorithm>

#include "sandbox/bwrap_args.hpp"
#include "sandbox/landlock.hpp"
#include "sandbox/policy.hpp"
#include "sandbox/store_view.hpp"
#include "util/files.hpp"

using namespace jailed;
using namespace jailed::sandbox;

namespace {

const std::string k_agent = "/nix/store/aaa-agent-1.0";
const std::string k_bash = "/nix/store/bbb-bash-5.2";
const std::string k_coreutils = "/nix/store/ccc-coreutils-9.4";
const std::string k_helper = "/opt/jailed/libexec/jailed/jailed-landlock";

config::AgentConfig agent() {
  config::AgentConfig a;
  a.name = "bot";
  a.timezone = false;
  return a;
}

resolve::Resolution nix_resolution() {
  resolve::Resolution r;
  r.backend = "nix";
  r.program = k_agent + "/bin/bot";
  r.path_dirs = {k_agent + "/bin", k_coreutils + "/bin"};
  r.shell = k_bash + "/bin/sh";
  r.closure = {k_agent, k_bash, k_coreutils};
  return r;
}

HostFacts host(int abi) {
  HostFacts h;
  h.home = "/home/u";
  h.user = "u";
  h.uid = 1000;
  h.gid = 1000;
  h.cwd = "/home/u/app";
  h.landlock_abi = abi;
  h.landlock_helper = k_helper;
  h.store_env = k_coreutils + "/bin/env";
  return h;
}

ProjectFacts project() {
  ProjectFacts p;
  p.dir = "/home/u/app";
  return p;
}

// Renders the mounts as "kind source target" for exact comparison (ro_data without content).
std::vector<std::string> render(const Policy& policy) {
  std::vector<std::string> out;
  for (const auto& m : policy.mounts) {
    std::string kind = m.kind == MountKind::ro_bind        ? "ro_bind"
                       : m.kind == MountKind::bind         ? "bind"
                       : m.kind == MountKind::ro_data      ? "ro_data"
                       : m.kind == MountKind::symlink      ? "symlink"
                       : m.kind == MountKind::unlisted_dir ? "unlisted_dir"
                       : m.kind == MountKind::remount_ro   ? "remount_ro"
                                                           : "fresh";
    out.push_back(kind + " " + (m.kind == MountKind::ro_data ? "" : m.source) + " " + m.target);
  }
  return out;
}

const std::vector<std::string> k_head = {"fresh  /proc", "fresh  /dev", "remount_ro  /dev", "fresh 1073741824 /tmp",
                                           "fresh 1073741824 /home/u"};
const std::vector<std::string> k_tail = {
    "symlink " + k_coreutils + "/bin/env /usr/bin/env", "symlink " + k_bash + "/bin/sh /bin/sh",
    "ro_data  /etc/passwd",  "ro_data  /etc/group", "bind /home/u/app /home/u/app"};

std::vector<std::string> expected(std::vector<std::string> store, const std::vector<std::string>& after = {}) {
  std::vector<std::string> out = k_head;
  out.insert(out.end(), store.begin(), store.end());
  out.insert(out.end(), k_tail.begin(), k_tail.end());
  out.insert(out.end(), after.begin(), after.end());
  out.push_back("remount_ro  /");
  return out;
}

}  // namespace

TEST_CASE("store view: with Landlock, one /nix/store bind and the helper in front of the command", "[sandbox]") {
  auto policy = make_policy(agent(), nix_resolution(), host(7), project(), {"--yolo"});
  // The helper is run from a descriptor, so no mount shows it.
  REQUIRE(render(policy) == expected({"ro_bind /nix/store /nix/store"}));
  REQUIRE(policy.store_view == StoreView::landlock);
  REQUIRE(policy.store_paths == nix_resolution().closure);
  REQUIRE(policy.landlock_abi == 7);
  REQUIRE(policy.landlock_helper == k_helper);
  REQUIRE(policy.notes.empty());
  REQUIRE(policy.command == std::vector<std::string>{k_agent + "/bin/bot", "--yolo"});
  REQUIRE(describe_helper(policy) == k_helper + " (run from a descriptor) confines the store to the closure and "
                                                "scopes abstract Unix sockets and signals, then runs the agent");
  REQUIRE(describe_store(policy) == "3 paths, confined by Landlock ABI 7");
  REQUIRE(std::string(store_view_name(policy.store_view)) == "landlock");
  // PATH is the closure's bin directories; nothing of the host's /usr, /bin or /lib.
  REQUIRE(policy.env[3] == std::pair<std::string, std::string>{"PATH", k_agent + "/bin:" + k_coreutils + "/bin"});
  for (const auto& m : policy.mounts) {
    for (const char* host_dir : {"/usr", "/bin", "/lib", "/lib64"}) REQUIRE(m.target != host_dir);
  }
}

TEST_CASE("store view: without Landlock, each closure path bound on its own, last, in a sealed directory",
          "[sandbox]") {
  // The binds come last: every mount after them would re-read a mountinfo as long as the closure.
  std::vector<std::string> per_path = {"unlisted_dir  /nix/store"};
  std::vector<std::string> seal = {"ro_bind " + k_agent + " " + k_agent, "ro_bind " + k_bash + " " + k_bash,
                                   "ro_bind " + k_coreutils + " " + k_coreutils, "remount_ro  /nix/store"};

  auto policy = make_policy(agent(), nix_resolution(), host(0), project(), {});
  REQUIRE(render(policy) == expected(per_path, seal));
  REQUIRE(policy.store_view == StoreView::per_path);
  REQUIRE(policy.landlock_helper.empty());
  REQUIRE(policy.notes ==
          std::vector<std::string>{"Landlock is not available; binding each of the 3 store paths (slower start)",
                                   "the agent can signal your shell's process group with kill 0 (no Landlock scopes "
                                   "on this kernel)"});
  REQUIRE(bwrap_argv("bwrap", 9, policy) == std::vector<std::string>{"bwrap", "--args", "9", "--", k_agent + "/bin/bot"});
  REQUIRE(describe_store(policy) == "3 paths, bound one by one");

  auto options = bwrap_options(policy, FdPlan{3, {4, 5}, {}});
  std::vector<std::string> unlisted = {"--perms", "0111", "--tmpfs", "/nix/store"};
  auto at = std::search(options.begin(), options.end(), unlisted.begin(), unlisted.end());
  REQUIRE(at != options.end());
  std::vector<std::string> sealed = {"--remount-ro", "/nix/store", "--remount-ro", "/", "--chdir"};
  REQUIRE(std::search(at, options.end(), sealed.begin(), sealed.end()) != options.end());

  SECTION("forced by JAILED_NO_LANDLOCK=1") {
    auto h = host(7);
    h.env["JAILED_NO_LANDLOCK"] = "1";
    auto forced = make_policy(agent(), nix_resolution(), h, project(), {});
    REQUIRE(render(forced) == expected(per_path, seal));
    REQUIRE(forced.notes == std::vector<std::string>{"Landlock is turned off (JAILED_NO_LANDLOCK=1); binding each of "
                                                   "the 3 store paths (slower start)",
                                                   "the agent can signal your shell's process group with kill 0 "
                                                   "(Landlock is turned off: JAILED_NO_LANDLOCK=1)"});
    h.env["JAILED_NO_LANDLOCK"] = "0";
    REQUIRE(make_policy(agent(), nix_resolution(), h, project(), {}).store_view == StoreView::landlock);
  }
  SECTION("when the helper is not installed") {
    auto h = host(7);
    h.landlock_helper.clear();
    auto missing = make_policy(agent(), nix_resolution(), h, project(), {});
    REQUIRE(missing.store_view == StoreView::per_path);
    REQUIRE(missing.notes.at(0).find("helper") != std::string::npos);
  }
}

TEST_CASE("store view: store = full binds all of /nix/store, unconfined", "[sandbox]") {
  auto resolution = nix_resolution();
  resolution.full_store = true;
  auto policy = make_policy(agent(), resolution, host(7), project(), {});
  REQUIRE(render(policy) == expected({"ro_bind /nix/store /nix/store"}));
  REQUIRE(policy.mounts[5].reason == "store = full: all of /nix/store, unconfined");
  REQUIRE(policy.store_view == StoreView::full);
  REQUIRE(policy.store_paths.empty());
  REQUIRE(policy.landlock_helper == k_helper);  // for its scopes and file reads and writes
  REQUIRE(landlock_rules(policy).find(std::string("R") + '\0' + "/nix/store" + '\0') != std::string::npos);
  REQUIRE(policy.notes.empty());
  REQUIRE(describe_store(policy) == "all of /nix/store");
}

TEST_CASE("store view: on the host's network the helper scopes abstract sockets in every view", "[sandbox]") {
  auto on = agent();
  on.network = true;

  // The landlock view's helper applies the scopes with its rules: no note.
  auto landlock = make_policy(on, nix_resolution(), host(7), project(), {});
  REQUIRE(render(landlock) == expected({"ro_bind /nix/store /nix/store"}));
  REQUIRE(landlock.landlock_helper == k_helper);
  REQUIRE(landlock.notes.empty());
  REQUIRE(describe_store(landlock) == "3 paths, confined by Landlock ABI 7");

  // store = full: the helper runs for the scopes alone; the store line stays as it was.
  auto resolution = nix_resolution();
  resolution.full_store = true;
  auto full = make_policy(on, resolution, host(7), project(), {});
  REQUIRE(full.store_view == StoreView::full);
  REQUIRE(full.landlock_helper == k_helper);
  REQUIRE(describe_helper(full) == k_helper + " (run from a descriptor) confines reading and writing files to the "
                                              "jail's mounts and scopes abstract Unix sockets and signals and refuses "
                                              "listening on TCP ports, then runs the agent");
  REQUIRE(full.notes.empty());
  REQUIRE(describe_store(full) == "all of /nix/store");

  // JAILED_NO_LANDLOCK=1 turns Landlock off altogether: the per-path view, no scopes, and notes
  // saying both.
  auto h = host(7);
  h.env["JAILED_NO_LANDLOCK"] = "1";
  auto per_path = make_policy(on, nix_resolution(), h, project(), {});
  REQUIRE(per_path.store_view == StoreView::per_path);
  REQUIRE(per_path.landlock_helper.empty());
  REQUIRE(describe_store(per_path) == "3 paths, bound one by one");
  REQUIRE(per_path.notes.back() == "abstract Unix sockets of the host are reachable, and the agent may listen on any "
                                   "TCP port and signal your shell's process group with kill 0 (network = on and "
                                   "Landlock is turned off: JAILED_NO_LANDLOCK=1)");

  // Before ABI 6 the landlock view still confines the store, and says the sockets are reachable.
  auto old = make_policy(on, nix_resolution(), host(5), project(), {});
  REQUIRE(old.store_view == StoreView::landlock);
  REQUIRE(describe_helper(old) == k_helper + " (run from a descriptor) confines the store to the closure and refuses "
                                             "listening on TCP ports, then runs the agent");
  REQUIRE(old.notes == std::vector<std::string>{"abstract Unix sockets of the host are reachable, and the agent can "
                                                "signal your shell's process group with kill 0 (network = on and no "
                                                "Landlock scopes on this kernel)"});
}

TEST_CASE("store view: a closure path that is a symlink stays one in the per-path view", "[sandbox]") {
  auto h = host(0);
  h.store_links[k_bash] = "/nix/store";  // bound, it would show the whole store
  auto policy = make_policy(agent(), nix_resolution(), h, project(), {});
  REQUIRE(policy.store_view == StoreView::per_path);
  auto lines = render(policy);
  REQUIRE(std::find(lines.begin(), lines.end(), "symlink /nix/store " + k_bash) != lines.end());
  REQUIRE(std::find(lines.begin(), lines.end(), "ro_bind " + k_bash + " " + k_bash) == lines.end());
  REQUIRE(std::find(lines.begin(), lines.end(), "ro_bind " + k_agent + " " + k_agent) != lines.end());
}

TEST_CASE("store_name: only names directly in /nix/store", "[sandbox]") {
  REQUIRE(store_name("/nix/store/abc-bash-5.2") == "abc-bash-5.2");
  for (const std::string& bad : std::vector<std::string>{"/nix/store", "/nix/store/", "/nix/store/.", "/nix/store/..",
                                                         "/nix/store/a/b", "/nix/storex/a", "nix/store/a", "/etc/passwd",
                                                         std::string("/nix/store/a\0b", 14)}) {
    INFO(bad);
    REQUIRE(store_name(bad).empty());
  }
}

TEST_CASE("store view: the host backend has none", "[sandbox]") {
  auto resolution = nix_resolution();
  resolution.backend = "host";
  auto policy = make_policy(agent(), resolution, host(7), project(), {});
  REQUIRE(policy.store_view == StoreView::none);
  REQUIRE(describe_store(policy).empty());
  for (const auto& m : policy.mounts) REQUIRE(m.target.rfind("/nix", 0) != 0);
}

TEST_CASE("probe_store finds env in the packages' bin directories, coreutils first", "[sandbox]") {
  char name[] = "/tmp/jailed-store-XXXXXX";
  REQUIRE(::mkdtemp(name) != nullptr);
  std::string root = name;
  for (const char* dir : {"/a-busybox", "/b-coreutils-9.4", "/c-hello", "/d-dependency"}) {
    REQUIRE(util::make_dirs(root + dir + "/bin").ok());
  }
  REQUIRE(util::write_file_atomic(root + "/a-busybox/bin/env", "", 0755).ok());
  REQUIRE(util::write_file_atomic(root + "/d-dependency/bin/env", "", 0755).ok());
  resolve::Resolution r;
  r.backend = "nix";
  // A closure path that is no package's bin directory is not looked at.
  r.closure = {root + "/a-busybox", root + "/c-hello", root + "/d-dependency"};
  r.path_dirs = {root + "/c-hello/bin", root + "/a-busybox/bin"};
  HostFacts h;
  probe_store(r, h);
  REQUIRE(h.store_env == root + "/a-busybox/bin/env");
  REQUIRE(util::write_file_atomic(root + "/b-coreutils-9.4/bin/env", "", 0755).ok());
  r.path_dirs.push_back(root + "/b-coreutils-9.4/bin");
  probe_store(r, h);
  REQUIRE(h.store_env == root + "/b-coreutils-9.4/bin/env");
  r.backend = "host";
  probe_store(r, h);
  REQUIRE(h.store_env.empty());
  REQUIRE(util::remove_tree(root).ok());
}
