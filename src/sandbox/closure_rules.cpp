// The ruleset jailed hands to its Landlock helper, and the child that adds the closure to it.
#include "sandbox/closure_rules.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "sandbox/landlock_calls.hpp"
#include "sandbox/store_view.hpp"
#include "util/files.hpp"

namespace jailed::sandbox {
namespace {

std::string errno_text() { return std::strerror(errno); }

// Writes the child's report; nothing more can be done about a failure than exiting.
void report(int fd, const std::string& text) { (void)util::write_all(fd, text, "the store rules' report"); }

[[noreturn]] void add_rules_and_exit(int ruleset, const Policy& policy, int report_fd) {
  auto failed = [report_fd](const std::string& what, int error) {
    // The helper shows this much; a longer store path is cut, not the reason.
    std::string reason = std::string(": ") + std::strerror(error);
    report(report_fd, what.substr(0, 400) + reason);
    ::_exit(1);
  };
  int store = ::open(k_store_dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (store < 0) failed(k_store_dir, errno);
  uint64_t access = landlock::class_access('x', policy.landlock_abi);
  for (const auto& path : policy.store_paths) {
    std::string name = store_name(path);  // launch() refused anything else already
    if (name.empty()) failed(path, EINVAL);
    if (int added = landlock::add_store_rule(ruleset, access, store, name.c_str()); added != 0) failed(path, -added);
  }
  report(report_fd, "1");
  ::_exit(0);
}

}  // namespace

Result<int> create_helper_ruleset(const Policy& policy) {
  uint64_t handled = policy.store_view == StoreView::landlock ? landlock::handled_access(policy.landlock_abi) : 0;
  int ruleset = landlock::create_ruleset(handled, landlock::scopes(policy.landlock_abi));
  if (ruleset < 0) {
    return fail(std::string("cannot create a Landlock ruleset: ") + std::strerror(-ruleset), ExitCode::no_sandbox);
  }
  return ruleset;
}

Result<int> start_closure_rules(int ruleset, const Policy& policy) {
  int ends[2];
  if (::pipe2(ends, O_CLOEXEC) != 0) return fail("cannot create a pipe for the store's rules: " + errno_text());
  pid_t child = ::fork();
  if (child < 0) {
    std::string why = errno_text();
    ::close(ends[0]);
    ::close(ends[1]);
    return fail("cannot start adding the store's rules: " + why);
  }
  if (child == 0) {
    ::close(ends[0]);
    add_rules_and_exit(ruleset, policy, ends[1]);
  }
  // Only the child may hold the write end: the helper waits for its end of file.
  ::close(ends[1]);
  return ends[0];
}

}  // namespace jailed::sandbox
