// The host backend: no Nix; the host's system directories, read-only, and host programs.
#pragma once

#include <string>
#include <vector>

#include "resolve/resolver.hpp"

namespace jailed::resolve {

// Resolves `host:PROGRAM` packages (and presets) to programs on the host PATH; binds
// the host's /usr, /bin, /lib* (mirroring merged-/usr symlinks) and the /etc files the
// dynamic loader and common tools need.
class HostBackend : public Resolver {
 public:
  // `host_path` is the caller's PATH, used to find programs, but for its entries in places an
  // agent can write (agent_writable_areas); `root` prefixes every probed system path (tests
  // point it at a fake tree; "" for the real one); `project_dir` is the project's real path.
  explicit HostBackend(std::string host_path, std::string root = "", std::string project_dir = "");
  Result<Resolution> resolve(const config::AgentConfig& agent) override;

 private:
  std::string m_host_path;
  std::string m_root;
  std::string m_project_dir;
};

// Returns where an agent of the project in `project_dir` (real path; "" for none) can write:
// the project, the directory it starts in with workdir = cwd, its readwrite and config paths,
// and jailed's state directory (private homes). A PATH entry there could hold a program it planted.
std::vector<std::string> agent_writable_areas(const config::AgentConfig& agent, const std::string& project_dir);

}  // namespace jailed::resolve
