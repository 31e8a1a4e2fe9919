// The ruleset jailed hands to its Landlock helper, with the closure's rules in it.
#include "sandbox/closure_rules.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cstring>
#include <string>

#include "sandbox/landlock_calls.hpp"
#include "sandbox/store_view.hpp"
#include "util/strings.hpp"

namespace jailed::sandbox {

Result<int> create_helper_ruleset(const Policy& policy) {
  uint64_t handled = policy.store_view == StoreView::landlock ? landlock::handled_access(policy.landlock_abi)
                                                              : landlock::handled_file_io(policy.landlock_abi);
  uint64_t net = landlock::handled_net(policy.landlock_abi, policy.network);
  int ruleset = landlock::create_ruleset(handled, landlock::scopes(policy.landlock_abi), net);
  if (ruleset < 0) {
    return fail(std::string("cannot create a Landlock ruleset: ") + std::strerror(-ruleset), ExitCode::no_sandbox);
  }
  if (net == 0) return ruleset;
  for (uint16_t port : policy.limits.bind_ports) {
    if (int added = landlock::add_port_rule(ruleset, port); added != 0) {
      ::close(ruleset);
      return fail("cannot allow binding TCP port " + std::to_string(port) + ": " + std::strerror(-added), ExitCode::no_sandbox);
    }
  }
  return ruleset;
}

Status add_closure_rules(int ruleset, const Policy& policy) {
  if (policy.store_view != StoreView::landlock) return success();
  int store = ::open(k_store_dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (store < 0) return fail(std::string("cannot open ") + k_store_dir + ": " + std::strerror(errno), ExitCode::no_sandbox);
  uint64_t access = landlock::class_access('x', policy.landlock_abi);
  for (const auto& path : policy.store_paths) {
    std::string name = store_name(path);
    int added = name.empty() ? -EINVAL : landlock::add_store_rule(ruleset, access, store, name.c_str());
    if (added != 0) {
      ::close(store);
      return fail("cannot confine the store to " + util::printable(path) + ": " + std::strerror(-added), ExitCode::no_sandbox);
    }
  }
  ::close(store);
  return success();
}

}  // namespace jailed::sandbox
