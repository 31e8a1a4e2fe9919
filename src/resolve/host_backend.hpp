// The host backend: no Nix; the host's system directories, read-only, and host programs.
#pragma once

#include <string>

#include "resolve/resolver.hpp"

namespace jailed::resolve {

// Resolves `host:PROGRAM` packages (and presets) to programs on the host PATH; binds
// the host's /usr, /bin, /lib* (mirroring merged-/usr symlinks) and the /etc files the
// dynamic loader and common tools need.
class HostBackend : public Resolver {
 public:
  // `host_path` is the caller's PATH, used to find programs; `root` prefixes every
  // probed system path (tests point it at a fake tree; "" for the real one).
  explicit HostBackend(std::string host_path, std::string root = "");
  Result<Resolution> resolve(const config::AgentConfig& agent) override;

 private:
  std::string m_host_path;
  std::string m_root;
};

}  // namespace jailed::resolve
