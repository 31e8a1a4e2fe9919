// End-to-end test of the store views: store paths built by the real Nix (offline, busybox as the
// builder), a real bwrap jail, and what the agent can and cannot read in it with Landlock, with
// per-path binds, and with store = full; then closures of 300 and 2,000 paths.
#include <catch2/catch.hpp>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <iterator>
#include <map>

#include "sandbox/landlock.hpp"
#include "sandbox/launcher.hpp"
#include "sandbox/policy.hpp"
#include "util/files.hpp"
#include "util/paths.hpp"
#include "util/process.hpp"
#include "util/strings.hpp"
#include "launch_child.hpp"
#include "skip.hpp"
#include "temp_dir.hpp"

using namespace jailed;
using namespace jailed::sandbox;

namespace {

// busybox dispatches on argv[0], so every program is a symlink to it; the agent's bin/hello
// starts with #!/usr/bin/env to show that /usr/bin/env comes from the closure. Big closures come
// from one derivation with N outputs (2,000 separate builds take a minute, this ~20 s) and keep
// their references in a file (one argument may not exceed 128 KiB).
const char* k_flake = R"(
{
  outputs = { self }: let
    bb = "${./bb}/busybox";
    mk = name: script: derivation { inherit name; system = "x86_64-linux"; builder = bb; args = ["sh" "-c" script]; };
    dep = mk "jailed-test-dep" "mkdir -p $out; echo dep-data > $out/data; echo ${bb} > $out/refs";
    lib = mk "jailed-test-lib" "mkdir -p $out; echo lib-data > $out/data; echo ${dep} > $out/refs";
    agent = name: refs: derivation {
      inherit name refs; system = "x86_64-linux"; builder = bb; passAsFile = ["refs"];
      args = ["sh" "-c" ("mkdir -p $out/bin; cp $refsPath $out/refs; " +
        "for a in sh cat ls echo env; do ln -s ${bb} $out/bin/$a; done; " +
        "printf '#!/usr/bin/env sh\necho env-script-ran\n' > $out/bin/hello; chmod +x $out/bin/hello")];
    };
    leaves = n: let
      names = builtins.genList (i: "l${toString i}") n;
      drv = derivation {
        name = "jailed-test-leaves-${toString n}"; system = "x86_64-linux"; builder = bb; outputs = names;
        args = ["sh" "-c" "for o in $outputs; do eval \"p=\\$$o\"; mkdir -p $p; echo leaf-$o > $p/data; done"];
      };
    in map (o: drv.${o}) names;
    big = n: agent "jailed-test-big-${toString n}" (builtins.concatStringsSep " " (leaves n));
    # A package that is a symlink to the whole store: Nix sees no reference in it.
    storelink = mk "jailed-test-storelink" "ln -s /nix/store $out";
  in {
    agent = agent "jailed-test-agent" "${lib}";
    other = mk "jailed-test-other" "mkdir -p $out; echo other-secret > $out/data";
    linked = agent "jailed-test-linked" "${lib} ${storelink}";
    big = big 300;
    huge = big 2000;
  };
}
)";

using jailed::testing::TempDir;

// Returns why this user cannot build with Nix here (scripts/nix-can-build, which tests/run
// names in JAILED_NIX_PROBE), or "" when a build works.
std::string nix_cannot_build() {
  const char* probe = std::getenv("JAILED_NIX_PROBE");
  auto done = util::SystemRunner().run({probe ? probe : "scripts/nix-can-build"});
  if (!done) return "cannot run scripts/nix-can-build: " + done.error();
  if (done->status == 0) return "";
  return "nix cannot build here: " + std::string(util::trim(done->out + done->err));
}

// The flake, written once; built outputs are pinned by out-links inside it while the test runs.
struct Fixture {
  TempDir dir;
  std::map<std::string, std::string> built;  // output name -> store path
  std::string skip;                          // why the real-Nix tests cannot run here

  Fixture() {
    for (const char* tool : {"nix", "nix-store", "bwrap"}) {
      if (!util::find_in_path(tool)) skip = std::string(tool) + " is not installed (make deps)";
    }
    const char* busybox = ::access("/bin/busybox", X_OK) == 0 ? "/bin/busybox" : "/usr/bin/busybox";
    if (skip.empty() && ::access(busybox, X_OK) != 0) skip = "busybox-static is not installed (make deps)";
    if (skip.empty()) skip = nix_cannot_build();
    if (!skip.empty()) return;
    REQUIRE(util::make_dirs(dir.path + "/flake/bb").ok());
    REQUIRE(util::write_file_atomic(dir.path + "/flake/flake.nix", k_flake).ok());
    auto bb = util::read_file(busybox);
    REQUIRE((bb.ok() && util::write_file_atomic(dir.path + "/flake/bb/busybox", *bb, 0755).ok()));
  }

  // Returns the store path of flake output `name`, building it (offline) the first time.
  std::string build(const std::string& name) {
    if (auto it = built.find(name); it != built.end()) return it->second;
    auto done = util::SystemRunner().run({"nix", "--extra-experimental-features", "nix-command flakes", "--option",
                                          "substituters", "", "build", "--json", "--out-link",
                                          dir.path + "/root-" + name, "path:" + dir.path + "/flake#" + name});
    REQUIRE(done.ok());
    INFO("nix build " << name << ":\n" << done->err);
    REQUIRE(done->status == 0);
    size_t at = done->out.find("\"out\":\"");
    REQUIRE(at != std::string::npos);
    at += 7;
    return built[name] = done->out.substr(at, done->out.find('"', at) - at);
  }

  // Returns the sorted runtime closure of `path`, as the Nix backend reports it.
  static std::vector<std::string> closure(const std::string& path) {
    auto done = util::SystemRunner().run({"nix-store", "-qR", path});
    REQUIRE((done.ok() && done->status == 0));
    std::vector<std::string> paths;
    for (auto line : util::split(done->out, '\n')) {
      if (!line.empty()) paths.emplace_back(line);
    }
    std::sort(paths.begin(), paths.end());
    return paths;
  }
};

Fixture& fixture() {
  static Fixture f;
  return f;
}

// per_path_gated: the per-path view of a kernel without Landlock, where the helper still gates
// the launch and bwrap's long options stream through the gate's pipe.
enum class View { landlock, per_path, per_path_gated, full };

// Runs `script` with the agent's sh in a jail over the closure of `top`; returns what it printed.
std::string run_jail(const std::string& top, View view, const std::string& script,
                     const std::vector<std::string>& setenv = {}) {
  auto bwrap = find_bwrap();
  REQUIRE(bwrap.ok());
  TempDir tmp;
  REQUIRE((util::make_dirs(tmp.path + "/home").ok() && util::make_dirs(tmp.path + "/proj").ok()));

  config::AgentConfig agent;
  agent.name = "bot";
  for (const auto& assignment : setenv) agent.setenv.push_back({assignment, {}});
  resolve::Resolution resolution;
  resolution.backend = "nix";
  resolution.program = top + "/bin/sh";
  resolution.shell = top + "/bin/sh";
  resolution.path_dirs = {top + "/bin"};
  resolution.closure = Fixture::closure(top);
  resolution.full_store = view == View::full;
  HostFacts host = probe_host();
  host.home = tmp.path + "/home";
  host.cwd = tmp.path + "/proj";
  if (view == View::per_path) host.env["JAILED_NO_LANDLOCK"] = "1";
  if (view == View::per_path_gated) host.landlock_abi = 0;
  probe_store(resolution, host);
  ProjectFacts project;
  project.dir = host.cwd;
  auto policy = make_policy(agent, resolution, host, project, {"-c", script});
#if defined(__SANITIZE_ADDRESS__)
  // Without the helper, the launching child sets the data limit before it execs bwrap, and
  // ASan's allocator in that child needs more address space than any such limit leaves.
  policy.limits.memory_bytes = 0;
#endif
  REQUIRE(policy.store_view == (view == View::landlock ? StoreView::landlock
                                : view == View::full   ? StoreView::full
                                                       : StoreView::per_path));

  auto run = testing::launch_in_child(policy, *bwrap, {}, view == View::per_path_gated ? find_landlock_helper() : "");
  const std::string& output = run.output;
  int status = run.status;
  REQUIRE(WIFEXITED(status));
  INFO("jail output:\n" << output);
  REQUIRE(WEXITSTATUS(status) == 0);
  return output;
}

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

bool ends_with(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Returns the closure paths whose names end in `suffix`.
std::vector<std::string> named(const std::vector<std::string>& closure, const std::string& suffix) {
  std::vector<std::string> out;
  std::copy_if(closure.begin(), closure.end(), std::back_inserter(out), [&](auto& p) { return ends_with(p, suffix); });
  return out;
}

// Whether this machine can run the tests; says why not once per test case.
bool ready(bool need_landlock) {
  if (!fixture().skip.empty()) {
    jailed::testing::report_skip(fixture().skip);
    return false;
  }
  if (auto userns = check_user_namespaces(find_bwrap().value()); !userns.ok()) {
    jailed::testing::report_skip(userns.error());
    return false;
  }
  HostFacts host = probe_host();
  if (need_landlock && (host.landlock_abi < 1 || host.landlock_helper.empty())) {
    jailed::testing::report_skip(std::string("Landlock views: ") +
                                 (host.landlock_abi < 1 ? "this kernel has no Landlock" : "build jailed-landlock"));
    return false;
  }
  return true;
}

// What the agent tries: each line names what worked, so the test sees every outcome at once.
const char* k_probe = R"(
cat "$LIB/data"; cat "$DEP/data"
hello
/bin/sh -c 'echo bin-sh-ran'
chmod 755 /nix/store 2>/dev/null; ls /nix/store >/dev/null 2>&1 && echo STORE-LISTED
cat "$OTHER/data" "/proc/self/root$OTHER/data" 2>/dev/null
ln -s "$OTHER/data" link && cat link 2>/dev/null
ls "$OTHER" >/dev/null 2>&1 && echo OTHER-LISTED
echo x > /dev/null && echo devnull-ok
echo made > written.txt && echo project-ok
echo t > /tmp/t && echo tmp-ok
echo FDS[$(ls /proc/self/fd)]
echo done
)";

std::string probe(View view) {
  auto& f = fixture();
  std::string agent = f.build("agent");
  std::string other = f.build("other");
  auto closure = Fixture::closure(agent);
  auto lib = named(closure, "-jailed-test-lib");
  auto dep = named(closure, "-jailed-test-dep");  // two levels below the agent
  REQUIRE((lib.size() == 1 && dep.size() == 1));
  REQUIRE(std::find(closure.begin(), closure.end(), other) == closure.end());
  return run_jail(agent, view, k_probe, {"LIB=" + lib[0], "DEP=" + dep[0], "OTHER=" + other});
}

void require_confined(const std::string& out) {
  // FDS: the shell's 0-2 and ls's 3 for the listing; the helper's descriptors are gone.
  for (const char* part : {"lib-data", "dep-data", "env-script-ran", "bin-sh-ran", "devnull-ok", "project-ok",
                           "tmp-ok", "FDS[0 1 2 3]", "done"}) {
    REQUIRE(has(out, part));
  }
  REQUIRE_FALSE(has(out, "STORE-LISTED"));
  REQUIRE_FALSE(has(out, "other-secret"));
  REQUIRE_FALSE(has(out, "OTHER-LISTED"));
}

}  // namespace

TEST_CASE("store: with Landlock only the closure is readable", "[store]") {
  if (!ready(true)) return;
  require_confined(probe(View::landlock));
}

TEST_CASE("store: with per-path binds only the closure is readable", "[store]") {
  if (!ready(false)) return;
  require_confined(probe(View::per_path));
}

TEST_CASE("store: a closure path that is a symlink to the whole store opens nothing more", "[store]") {
  auto& f = fixture();
  if (!ready(false)) return;
  std::string top = f.build("linked");
  std::string other = f.build("other");
  auto link = named(Fixture::closure(top), "-jailed-test-storelink");
  REQUIRE(link.size() == 1);
  std::string via_link = link[0] + "/" + util::base_name(other) + "/data";
  std::string probe = "echo LINK[$(readlink " + link[0] + ")]\n"
                      "cat " + other + "/data " + via_link + " 2>/dev/null\n"
                      "ls " + link[0] + "/ >/dev/null 2>&1 && echo STORE-LISTED\n"
                      "echo done";
  std::vector<View> views = {View::per_path};
  if (probe_host().landlock_abi >= 1) views.push_back(View::landlock);
  for (View view : views) {
    auto out = run_jail(top, view, probe);
    INFO("view " << (view == View::landlock ? "landlock" : "per-path") << ":\n" << out);
    REQUIRE(has(out, "LINK[/nix/store]"));  // control: the symlink is there, as a symlink
    REQUIRE(has(out, "done"));
    REQUIRE_FALSE(has(out, "other-secret"));
    REQUIRE_FALSE(has(out, "STORE-LISTED"));
  }
}

TEST_CASE("store: store = full shows every store path", "[store]") {
  if (!ready(false)) return;
  auto out = probe(View::full);
  REQUIRE(has(out, "lib-data"));
  REQUIRE(has(out, "other-secret"));
  REQUIRE(has(out, "STORE-LISTED"));
}

TEST_CASE("store: a 300-path closure launches in both views", "[store]") {
  if (!ready(false)) return;
  std::string big = fixture().build("big");
  REQUIRE(Fixture::closure(big).size() >= 300);
  auto leaf = named(Fixture::closure(big), "-jailed-test-leaves-300-l299");
  REQUIRE(leaf.size() == 1);
  std::string check = "cat " + leaf[0] + "/data && echo done";
  REQUIRE(has(run_jail(big, View::per_path, check), "leaf-l299\ndone"));
  if (probe_host().landlock_abi >= 1) REQUIRE(has(run_jail(big, View::landlock, check), "leaf-l299\ndone"));
}

TEST_CASE("store: a 2,000-path closure launches with per-path binds", "[store]") {
  if (!ready(false)) return;
  std::string huge = fixture().build("huge");
  auto closure = Fixture::closure(huge);
  REQUIRE(closure.size() >= 2000);
  auto first = named(closure, "-jailed-test-leaves-2000-l0");
  auto last = named(closure, "-jailed-test-leaves-2000-l1999");
  REQUIRE((first.size() == 1 && last.size() == 1));
  std::string check = "cat " + first[0] + "/data " + last[0] + "/data && echo done";
  REQUIRE(has(run_jail(huge, View::per_path, check), "leaf-l0\nleaf-l1999\ndone"));
  if (!find_landlock_helper().empty()) {
    REQUIRE(has(run_jail(huge, View::per_path_gated, check), "leaf-l0\nleaf-l1999\ndone"));
  }
  if (probe_host().landlock_abi >= 1) REQUIRE(has(run_jail(huge, View::landlock, check), "leaf-l0\nleaf-l1999\ndone"));
}
