// The backend choice.
#include "resolve/choose.hpp"

#include "util/strings.hpp"

namespace jailed::resolve {

Result<BackendKind> choose_backend(const config::AgentConfig& agent, bool nix_installed, const std::string& file) {
  const std::string install = "install it (apt install nix-bin) or ";
  if (agent.backend == "host") return BackendKind::host;
  if (agent.backend == "nix") {
    if (nix_installed) return BackendKind::nix;
    return fail("agent \"" + agent.name + "\" needs Nix (backend = nix, from " + config::shown_file(file) +
                ") but nix is not installed: " + install + "use backend = host");
  }
  bool host_package = agent.package && util::starts_with(agent.package->text, "host:");
  if (host_package) return BackendKind::host;
  if (nix_installed) return BackendKind::nix;
  if (agent.from_preset) return BackendKind::host;
  std::string named = agent.package ? " (package = " + agent.package->text + " at " + agent.package->origin.text() + ")" : "";
  return fail("agent \"" + agent.name + "\" needs Nix" + named + " but nix is not installed: " + install +
              "use package = host:PROGRAM");
}

}  // namespace jailed::resolve
