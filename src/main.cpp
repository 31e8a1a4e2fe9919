// Entry point: a shim call (jailed-<agent>) or a jailed command.
#include <sys/auxv.h>

#include <exception>
#include <string>
#include <vector>

#include "cli/agent_plan.hpp"
#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "shim/shim_dir.hpp"
#include "util/error.hpp"
#include "util/paths.hpp"

int main(int argc, char** argv) {
  using namespace jailed;
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
