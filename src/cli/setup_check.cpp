#include "cli/setup_check.hpp"

#include <algorithm>
#include <cstdlib>

#include "cli/output.hpp"
#include "resolve/choose.hpp"
#include "resolve/host_backend.hpp"
#include "util/files.hpp"
#include "util/paths.hpp"
#include "util/process.hpp"
#include "util/strings.hpp"

namespace jailed::cli {
namespace {

// Stores of credentials below the home that no agent should see by accident (REFERENCE §5).
constexpr const char* k_secret_stores[] = {
    ".ssh", ".gnupg", ".aws", ".azure", ".config/gcloud", ".config/gh", ".docker", ".kube",
    ".netrc", ".git-credentials", ".password-store", ".local/share/keyrings", ".npmrc", ".pypirc",
};

std::string where(const config::Origin& origin) { return origin.file.empty() ? "" : origin.text() + ": "; }

std::string host_path() {
  const char* path = std::getenv("PATH");
  return path ? path : "/usr/local/bin:/usr/bin:/bin";
}

void add(std::vector<SetupFinding>& out, bool error, const std::string& text) {
  bool known = std::any_of(out.begin(), out.end(), [&](const SetupFinding& f) { return f.text == text; });
  if (!known) out.push_back({error, text});
}

void check_paths(std::vector<SetupFinding>& out, const std::vector<config::Value>& values, const char* key,
                 bool created, const std::string& home) {
  for (const auto& value : values) {
    std::string at = where(value.origin);
    if (auto why = broad_grant(value.text, home)) {
      add(out, true, at + "refusing " + key + " = " + display_path(value.text) + ": " + *why);
      continue;
    }
    if (value.text.find(',') != std::string::npos) {
      add(out, false, at + key + " = " + display_path(value.text) +
                          " holds a ',': if it is a list, separate the paths with spaces");
    } else if (!created && !util::stat_path(value.text)) {
      add(out, false, at + key + " = " + display_path(value.text) +
                          " does not exist, so the agent will not see it (check the spelling)");
    }
  }
}

}  // namespace

std::optional<std::string> broad_project(const std::string& project_dir, const std::string& home) {
  if (project_dir == "/") return "a .jailed at / would govern every directory";
  if (!home.empty() && (project_dir == home || util::is_within(home, project_dir))) {
    return "a .jailed at " + display_path(project_dir) +
           " would govern every project in your home and give its agents all of it; put it in a project's "
           "directory";
  }
  return std::nullopt;
}

std::optional<std::string> broad_grant(const std::string& path, const std::string& home) {
  if (path == "/" || (!home.empty() && (path == home || util::is_within(home, path)))) {
    return "it holds your whole home (~/.ssh, your shell's startup files, every project); grant the directories the "
           "agent needs";
  }
  for (const char* kind : {"CONFIG", "DATA", "STATE", "CACHE"}) {
    std::string own = util::xdg_dir(kind) + "/jailed";
    if (path == own || util::is_within(path, own) || util::is_within(own, path)) {
      return "it reaches jailed's own files (" + display_path(own) +
             "): an agent that can change them can widen its own jail";
    }
  }
  for (const char* store : k_secret_stores) {
    std::string secret = util::join_path(home, store);
    if (path != secret && util::is_within(secret, path)) {
      return "it holds " + display_path(secret) +
             ", a store of credentials; grant what the agent needs below it, or name " + display_path(secret) +
             " itself if you mean it";
    }
  }
  return std::nullopt;
}

std::vector<SetupFinding> check_setup(const config::JailConfig& config, const std::string& home) {
  std::vector<SetupFinding> out;
  bool nix_installed = util::find_program("nix", host_path()).has_value();
  for (const auto& agent : config.agents) {
    check_paths(out, agent.readonly, "readonly", false, home);
    check_paths(out, agent.readwrite, "readwrite", false, home);
    check_paths(out, agent.config, "config", true, home);
    bool host_package = agent.package && util::starts_with(agent.package->text, "host:");
    if (agent.backend == "nix" && host_package) {
      add(out, true, where(agent.package->origin) + "agent \"" + agent.name + "\": package " +
                         util::printable(agent.package->text) +
                         " is a host program, but backend = nix: use a Nix package, or remove backend = nix");
      continue;
    }
    auto kind = resolve::choose_backend(agent, nix_installed, config.file);
    if (!kind) {
      add(out, false, kind.error());
      continue;
    }
    if (*kind != resolve::BackendKind::host) continue;
    // The host backend only looks programs up: cheap, and what a launch will do.
    resolve::HostBackend backend(host_path(), "", config.project_dir);
    auto resolved = backend.resolve(agent);
    if (resolved) continue;
    if (agent.from_preset && !host_package && !nix_installed) {
      // The preset names a Nix package: either way of getting the agent fixes it.
      std::string program = agent.command ? agent.command->text : agent.name;
      add(out, false, where(agent.package ? agent.package->origin : agent.shim_name.origin) + "agent \"" + agent.name +
                          "\": its program \"" + program +
                          "\" is not installed here, and without Nix its package cannot be used: install the agent, or "
                          "install Nix (apt install nix-bin)");
    } else {
      add(out, false, resolved.error());
    }
  }
  return out;
}

}  // namespace jailed::cli
