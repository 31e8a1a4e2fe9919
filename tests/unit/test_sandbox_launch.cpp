// End-to-end test of sandbox/launcher: a real bwrap jail must hide secrets and protect the project.
#include <catch2/catch.hpp>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>

#include "resolve/host_backend.hpp"
#include "sandbox/launcher.hpp"
#include "sandbox/policy.hpp"
#include "util/files.hpp"
#include "launch_child.hpp"
#include "skip.hpp"
#include "temp_dir.hpp"

using namespace jailed;
using namespace jailed::sandbox;

namespace {

constexpr const char* k_canary = "CANARY-7f3a9c-PRIVATE-KEY";
constexpr const char* k_secret = "hunter2-jailed-secret";
constexpr const char* k_process_secret = "process-env-jailed-secret";

using jailed::testing::TempDir;

void write(const std::string& path, const std::string& content) {
  REQUIRE(util::make_dirs(path.substr(0, path.rfind('/'))).ok());
  REQUIRE(util::write_file_atomic(path, content, 0600).ok());
}

// What the agent tries; every line it prints that names a success is a hole.
const char* k_script = R"(
cat ~/.ssh/id_ed25519 2>&1
echo "secret=$SECRET"
cat /proc/1/environ /proc/self/environ 2>/dev/null | tr '\0' '\n'
for fd in 3 4 5 6 7 8 9; do cat <&$fd; done 2>/dev/null
touch /usr/x 2>/dev/null && echo HOLE-usr-writable
echo made > written.txt || echo PROJECT-NOT-WRITABLE
echo evil >> .jailed 2>/dev/null && echo HOLE-jailed-writable
touch .git/hooks/x 2>/dev/null && echo HOLE-hooks-writable
echo "[core] fsmonitor = evil" >> .git/config 2>/dev/null && echo HOLE-config-writable
mv .git .git-moved 2>/dev/null && echo HOLE-git-moved
mv .git/hooks .git/h2 2>/dev/null && echo HOLE-hooks-moved
rm -rf .git 2>/dev/null
grep -q "^Seccomp:.2" /proc/self/status || echo HOLE-no-seccomp
grep -q "^NoNewPrivs:.1" /proc/self/status || echo HOLE-new-privs
grep -q "^CapEff:.0000000000000000" /proc/self/status || echo HOLE-capabilities
echo done
exit 7
)";

}  // namespace

TEST_CASE("launch runs the agent in a jail that hides secrets and protects the project", "[sandbox]") {
  auto bwrap = find_bwrap();
  if (!bwrap.ok()) JAILED_SKIP(bwrap.error());
  if (auto userns = check_user_namespaces(*bwrap); !userns.ok()) JAILED_SKIP(userns.error());

  TempDir tmp;
  std::string home = tmp.path + "/home";
  std::string project = tmp.path + "/proj";
  write(home + "/.ssh/id_ed25519", k_canary);
  write(project + "/.jailed", "[agent bot]\npackage = host:sh\n");
  write(project + "/.git/config", "[core]\n");
  REQUIRE(util::make_dirs(project + "/.git/hooks").ok());

  config::AgentConfig agent;
  agent.name = "bot";
  agent.package = config::Value{"host:sh", {project + "/.jailed", 2}};
  auto resolution = resolve::HostBackend("/usr/bin:/bin").resolve(agent);
  REQUIRE(resolution.ok());
  auto facts = probe_project(project, agent);
  REQUIRE(facts.ok());
  HostFacts host = probe_host();
  host.home = home;
  host.cwd = project;
  host.env["SECRET"] = k_secret;
  host.env["AWS_SECRET_ACCESS_KEY"] = k_secret;
  auto policy = make_policy(agent, *resolution, host, *facts, {"-c", k_script});

  auto run = testing::launch_in_child(policy, *bwrap, [&] {
    ::setenv("JAILED_TEST_SECRET", k_process_secret, 1);
    // A descriptor jailed inherited without close-on-exec must not reach the agent.
    int leaked = ::open((home + "/.ssh/id_ed25519").c_str(), O_RDONLY);
    (void)leaked;
  });
  const std::string& output = run.output;
  int status = run.status;

  INFO("jail output:\n" << output);
  REQUIRE(WIFEXITED(status));
  REQUIRE(WEXITSTATUS(status) == 7);
  REQUIRE(output.find("done") != std::string::npos);
  REQUIRE(output.find(k_canary) == std::string::npos);
  REQUIRE(output.find(k_secret) == std::string::npos);
  REQUIRE(output.find(k_process_secret) == std::string::npos);
  REQUIRE(output.find("HOLE-") == std::string::npos);
  REQUIRE(output.find("JAILED_AGENT=bot") != std::string::npos);
  REQUIRE(util::read_file(project + "/written.txt").value() == "made\n");
  REQUIRE(util::read_file(project + "/.jailed").value() == "[agent bot]\npackage = host:sh\n");
  REQUIRE(util::read_file(project + "/.git/config").value() == "[core]\n");
  REQUIRE_FALSE(util::exists_nofollow(project + "/.git/hooks/x"));
  REQUIRE_FALSE(util::exists_nofollow(project + "/.git-moved"));
  REQUIRE(util::exists_nofollow(project + "/.git/hooks"));
}
