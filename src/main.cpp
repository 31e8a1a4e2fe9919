// Entry point: a shim call (jailed-<agent>) or a jailed command.
#include <fcntl.h>
#include <sys/auxv.h>
#include <unistd.h>

#include <exception>
#include <string>
#include <vector>

#include "cli/agent_plan.hpp"
#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "shim/shim_dir.hpp"
#include "util/error.hpp"
#include "util/paths.hpp"

namespace {

// Opens /dev/null on each of descriptors 0-2 that is closed, before anything else opens a file:
// otherwise the first descriptor jailed or bwrap opens (bwrap's of the host's /proc) would land
// there and be handed to the agent as its stdin, stdout or stderr.
bool open_standard_descriptors() {
  for (int fd = 0; fd <= 2; ++fd) {
    if (::fcntl(fd, F_GETFD) >= 0) continue;
    int opened = ::open("/dev/null", O_RDWR);
    if (opened != fd) return false;  // lowest free number: fd itself, unless /dev/null is missing
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace jailed;
  if (!open_standard_descriptors()) {
    static const char k_message[] = "jailed: error: cannot open /dev/null for a closed standard descriptor\n";
    (void)!::write(2, k_message, sizeof k_message - 1);
    return static_cast<int>(ExitCode::failure);
  }
  std::vector<std::string> args(argv + 1, argv + argc);
  try {
    // A shim is a symlink to jailed named after the agent's command: no shell in between,
    // and every argument belongs to the agent.
    if (argc > 0 && util::base_name(argv[0]) != "jailed") {
      auto* exec_path = reinterpret_cast<const char*>(getauxval(AT_EXECFN));
      if (exec_path) {
        if (auto call = shim::identify(exec_path)) return cli::run_agent(call->jailed_file, call->shim_name, true, args);
      }
    }
    return cli::dispatch(args);
  } catch (const Error& e) {
    cli::error(e.what());
    return static_cast<int>(e.code());
  } catch (const std::exception& e) {
    cli::error(e.what());
    return static_cast<int>(ExitCode::failure);
  }
}
