// The host backend: the host's system directories read-only, programs found on the host PATH.
#include "resolve/host_backend.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <optional>
#include <string_view>
#include <utility>

#include "util/files.hpp"
#include "util/paths.hpp"
#include "util/process.hpp"
#include "util/strings.hpp"

namespace jailed::resolve {
namespace {

// Where a host system keeps programs and libraries; merged-/usr systems make all but /usr symlinks.
const char* const k_system_dirs[] = {"/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"};

// What the dynamic loader reads (ld.so.*) and where Debian's alternatives symlinks point (awk, editor, ...).
const char* const k_etc_files[] = {"/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/alternatives"};

// PATH inside, system directories only; packages outside them are prepended.
const char* const k_path_dirs[] = {"/usr/local/bin", "/usr/bin", "/bin", "/usr/local/sbin", "/usr/sbin", "/sbin"};

constexpr std::string_view k_host_prefix = "host:";

// A program found on the host: `found` is where PATH lookup found it, `real` its realpath,
// `found_dir_real` the realpath of the directory it was found in.
struct HostProgram {
  std::string found;
  std::string real;
  std::string found_dir_real;
};

class HostView {
 public:
  explicit HostView(std::string root) : m_root(std::move(root)) {}

  // Mirrors the system directories and the loader's /etc files into `out`.
  Status add_system(Resolution& out) {
    for (const char* dir : k_system_dirs) {
      std::string host = m_root + dir;
      auto st = util::lstat_path(host);
      if (!st) continue;
      if (S_ISLNK(st->st_mode)) {
        auto target = util::read_link(host);
        if (!target) return fail("cannot read the symlink " + host);
        out.symlinks.push_back({*target, dir});
      } else if (S_ISDIR(st->st_mode)) {
        out.readonly.push_back({dir, "host system directory"});
        m_bound.push_back(dir);
      }
    }
    for (const char* file : k_etc_files) {
      if (util::stat_path(m_root + file)) out.readonly.push_back({file, "host loader and alternatives config"});
    }
    for (const char* dir : k_path_dirs) {
      if (util::stat_path(m_root + dir)) out.path_dirs.push_back(dir);
    }
    return success();
  }

  // Returns `host_path` as seen inside the jail if a bound system directory holds it.
  std::optional<std::string> in_system(const std::string& host_path) const {
    for (const auto& dir : m_bound) {
      if (util::is_within(host_path, m_root + dir)) return host_path.substr(m_root.size());
    }
    return std::nullopt;
  }

 private:
  std::string m_root;
  std::vector<std::string> m_bound;  // system directories bound read-only (jail paths)
};

// Returns "FILE:LINE: " for messages, or "" when the value has no file (a built-in default).
std::string where(const config::Origin& origin) { return origin.file.empty() ? "" : origin.text() + ": "; }

std::string needs_nix(const config::AgentConfig& agent, const config::Value& spec) {
  return where(spec.origin) + "agent \"" + agent.name + "\": package \"" + spec.text +
         "\" needs Nix, which is not available; use package = host:PROGRAM or install Nix";
}

Result<HostProgram> find_host_program(const config::AgentConfig& agent, const std::string& name,
                                      const config::Origin& origin, const std::string& host_path) {
  auto found = util::find_program(name, host_path);
  if (!found) {
    return fail(where(origin) + "agent \"" + agent.name + "\": program \"" + name + "\" not found in PATH=" +
                host_path + "; install it or fix the package or command");
  }
  auto real = util::real_path(*found);
  auto dir = util::real_path(util::parent_dir(*found));
  if (!real) return fail(where(origin) + "agent \"" + agent.name + "\": " + real.error());
  if (!dir) return fail(where(origin) + "agent \"" + agent.name + "\": " + dir.error());
  return HostProgram{*found, *real, *dir};
}

void add_readonly(Resolution& out, const std::string& path, const std::string& reason) {
  bool known = std::any_of(out.readonly.begin(), out.readonly.end(), [&](const ReadonlyPath& r) { return r.path == path; });
  if (!known) out.readonly.push_back({path, reason});
}

// Picks the program an agent runs on this backend, with the origin that named it.
Result<std::pair<std::string, config::Origin>> program_name(const config::AgentConfig& agent) {
  if (agent.package && !agent.from_preset && !util::starts_with(agent.package->text, k_host_prefix)) {
    // Running a same-named host program instead would run something the .jailed did not ask for.
    return fail(needs_nix(agent, *agent.package));
  }
  if (agent.command) return std::pair{agent.command->text, agent.command->origin};
  if (!agent.package) return std::pair{agent.name, config::Origin{}};
  const auto& spec = *agent.package;
  if (util::starts_with(spec.text, k_host_prefix)) return std::pair{spec.text.substr(k_host_prefix.size()), spec.origin};
  // A preset names a Nix package; the same agent may still be installed on the host.
  return std::pair{agent.name, spec.origin};
}

}  // namespace

HostBackend::HostBackend(std::string host_path, std::string root)
    : m_host_path(std::move(host_path)), m_root(std::move(root)) {}

Result<Resolution> HostBackend::resolve(const config::AgentConfig& agent) {
  Resolution out;
  out.backend = "host";
  out.shell = "/bin/sh";
  HostView view(m_root);
  if (auto added = view.add_system(out); !added) return added.failure();

  auto name = program_name(agent);
  if (!name) return name.failure();
  auto program = find_host_program(agent, name->first, name->second, m_host_path);
  if (!program) return program.failure();
  if (auto inside = view.in_system(program->real)) {
    out.program = *inside;
  } else {
    out.program = program->real;
    add_readonly(out, program->real, "the agent's program");
  }

  std::vector<std::string> package_dirs;
  for (const auto& spec : agent.packages) {
    if (!util::starts_with(spec.text, k_host_prefix)) return fail(needs_nix(agent, spec));
    auto found = find_host_program(agent, spec.text.substr(k_host_prefix.size()), spec.origin, m_host_path);
    if (!found) return found.failure();
    if (view.in_system(found->real)) continue;  // already visible, and on PATH through the system dirs
    add_readonly(out, found->real, "package " + spec.text);
    // A link in a system directory (/usr/local/bin/x -> /opt/x) is visible already; one elsewhere
    // (often ~/.local/bin/x) is recreated, and its directory put on PATH, so the name works inside.
    if (view.in_system(found->found_dir_real)) continue;
    if (found->found != found->real) out.symlinks.push_back({found->real, found->found});
    std::string dir = util::parent_dir(found->found);
    if (std::find(package_dirs.begin(), package_dirs.end(), dir) == package_dirs.end()) package_dirs.push_back(dir);
  }
  out.path_dirs.insert(out.path_dirs.begin(), package_dirs.begin(), package_dirs.end());
  return out;
}

}  // namespace jailed::resolve
