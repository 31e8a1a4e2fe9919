// The host backend: the host's system directories read-only, programs found on the host PATH.
#include "resolve/host_backend.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <optional>
#include <string_view>
#include <utility>

#include "resolve/host_install.hpp"
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
        out.symlinks.push_back({*target, dir, ""});
      } else if (S_ISDIR(st->st_mode)) {
        out.readonly.push_back({dir, "host system directory", false});
        m_bound.push_back(dir);
      }
    }
    for (const char* file : k_etc_files) {
      if (util::stat_path(m_root + file)) out.readonly.push_back({file, "host loader and alternatives config", false});
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
                host_path + " (entries where agents can write are left out); install it or fix the package or command");
  }
  auto real = util::real_path(*found);
  auto dir = util::real_path(util::parent_dir(*found));
  if (!real) return fail(where(origin) + "agent \"" + agent.name + "\": " + real.error());
  if (!dir) return fail(where(origin) + "agent \"" + agent.name + "\": " + dir.error());
  auto st = util::stat_path(*real);
  if (!st || !S_ISREG(st->st_mode)) {
    return fail(where(origin) + "agent \"" + agent.name + "\": " + *found + " is not a program file; fix the package or command");
  }
  return HostProgram{*found, *real, *dir};
}

// What the jail shows so that host programs run as installed: the npm package, virtual
// environment or single file each lives in, the interpreters their #! lines name, and the
// directories PATH found them in.
class Installs {
 public:
  Installs(const HostView& view, Resolution& out, const config::AgentConfig& agent, const std::string& host_path,
           std::string root)
      : m_view(view), m_out(out), m_agent(agent), m_host_path(host_path), m_root(std::move(root)),
        m_home(util::normalize(util::home_dir())) {}

  // Makes `program` runnable inside; `what` names it in reasons; `on_path`: its directory goes
  // on PATH inside (an agent's program, a package, an interpreter #!/usr/bin/env looks up).
  Status add(const HostProgram& program, const std::string& what, const config::Origin& origin, bool on_path,
             int depth = 0) {
    // In a system directory it is visible, and on PATH through the system dirs.
    bool system = m_view.in_system(program.real).has_value();
    if (!system && !visible(program.real)) {
      auto dir = install_dir_of(program.real, what);
      if (dir && may_bind(dir->path)) {
        bind(dir->path, dir->reason);
      } else {
        // An interpreter in a prefix (pyenv's Python, nvm's node) needs its standard library, and
        // the links beside it (python3 -> python3.11) that a venv's python points through.
        std::string lib = depth > 0 ? interpreter_lib_dir(program.real) : "";
        if (!lib.empty() && may_bind(lib) && may_bind(util::parent_dir(program.real))) {
          bind(util::parent_dir(program.real), what + " and the programs beside it");
          bind(lib, "libraries of " + what);
        } else {
          bind(program.real, what + " (a single file)");
        }
      }
    }
    if (on_path && !system) put_on_path(program, what);
    return add_interpreter(program, what, origin, depth);
  }

  // Returns true if a bind of an install shows `path`.
  bool shows(const std::string& path) const { return visible(path); }

  // Returns the directories to put first on PATH, in the order they were found.
  const std::vector<std::string>& path_dirs() const { return m_path_dirs; }

 private:
  // Returns true if a bind already shows `path`.
  bool visible(const std::string& path) const {
    return std::any_of(m_out.readonly.begin(), m_out.readonly.end(),
                       [&](const ReadonlyPath& r) { return r.install && util::is_within(path, r.path); });
  }

  // A directory holding the home (or the root) would show all of it: never bound whole.
  bool may_bind(const std::string& dir) const {
    return dir != "/" && !(m_home.size() > 1 && util::is_within(m_home, dir));
  }

  void bind(const std::string& path, const std::string& reason) {
    // Whatever led here, the home (or the root) is never shown whole.
    if (!may_bind(path)) return;
    if (!visible(path)) m_out.readonly.push_back({path, reason, true});
  }

  // Puts the directory PATH found `program` in on PATH inside, and recreates the link PATH
  // found (~/.local/bin/x -> ../lib/node_modules/x/cli.js) unless a bind shows it already.
  void put_on_path(const HostProgram& program, const std::string& what) {
    if (m_view.in_system(program.found_dir_real)) return;
    std::string dir = util::parent_dir(program.found);
    if (std::find(m_path_dirs.begin(), m_path_dirs.end(), dir) == m_path_dirs.end()) m_path_dirs.push_back(dir);
    if (program.found != program.real && !visible(program.found)) {
      m_out.symlinks.push_back({program.real, program.found, what + ", under the name PATH found it by"});
    }
  }

  // Binds the interpreter a script's #! line names, or says why the script cannot run.
  Status add_interpreter(const HostProgram& program, const std::string& what, const config::Origin& origin,
                         int depth) {
    auto shebang = read_shebang(program.real);
    // Two levels cover a script run by a script interpreter; anything deeper is not followed.
    if (!shebang || depth >= 2) return success();
    std::string prefix = where(origin) + "agent \"" + m_agent.name + "\": " + program.found + " starts with " +
                         util::printable(shebang->line) + ", ";
    std::string interpreter = "interpreter " + util::base_name(shebang->interpreter) + " of " + what;
    if (shebang->via_env) {
      auto found = util::find_program(shebang->interpreter, m_host_path);
      if (!found) {
        return fail(prefix + "but \"" + shebang->interpreter + "\" is not in PATH=" + m_host_path +
                    "; install it or put its directory on PATH");
      }
      auto resolved = find_host_program(m_agent, shebang->interpreter, origin, m_host_path);
      if (!resolved) return resolved.failure();
      return add(*resolved, interpreter, origin, true, depth + 1);
    }
    // A system path is read under the probed root; any other is the host's own.
    bool system = std::any_of(std::begin(k_system_dirs), std::end(k_system_dirs),
                              [&](const char* dir) { return util::is_within(shebang->interpreter, dir); });
    std::string path = system ? m_root + shebang->interpreter : shebang->interpreter;
    auto real = util::real_path(path);
    auto st = real ? util::stat_path(*real) : std::nullopt;
    if (!st || !S_ISREG(st->st_mode) || ::access(real->c_str(), X_OK) != 0) {
      return fail(prefix + "but " + shebang->interpreter + " does not exist or cannot run; reinstall the program");
    }
    auto dir = util::real_path(util::parent_dir(path));
    return add(HostProgram{path, *real, dir ? *dir : util::parent_dir(*real)}, interpreter, origin, false, depth + 1);
  }

  const HostView& m_view;
  Resolution& m_out;
  const config::AgentConfig& m_agent;
  const std::string& m_host_path;
  std::string m_root;
  std::string m_home;
  std::vector<std::string> m_path_dirs;
};

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

HostBackend::HostBackend(std::string host_path, std::string root, std::string project_dir)
    : m_host_path(std::move(host_path)), m_root(std::move(root)), m_project_dir(std::move(project_dir)) {}

std::vector<std::string> agent_writable_areas(const config::AgentConfig& agent, const std::string& project_dir) {
  std::vector<std::string> areas;
  auto add = [&](const std::string& path) {
    if (path.empty() || path[0] != '/') return;
    auto real = util::real_path(path);
    areas.push_back(real ? *real : util::normalize(path));
    if (!real || *real != util::normalize(path)) areas.push_back(util::normalize(path));
  };
  add(project_dir);
  if (agent.workdir == "cwd") add(util::current_dir());
  for (const auto* paths : {&agent.readwrite, &agent.config}) {
    for (const auto& path : *paths) add(path.text);
  }
  add(util::xdg_dir("STATE") + "/jailed");
  return areas;
}

Result<Resolution> HostBackend::resolve(const config::AgentConfig& agent) {
  // An activated $PROJECT/.venv/bin on PATH must not let the agent choose what a later jail binds.
  std::string host_path = util::path_without(m_host_path, agent_writable_areas(agent, m_project_dir));
  Resolution out;
  out.backend = "host";
  out.shell = "/bin/sh";
  HostView view(m_root);
  if (auto added = view.add_system(out); !added) return added.failure();

  auto name = program_name(agent);
  if (!name) return name.failure();
  auto program = find_host_program(agent, name->first, name->second, host_path);
  if (!program) return program.failure();
  out.program = view.in_system(program->real).value_or(program->real);
  Installs installs(view, out, agent, host_path, m_root);
  if (auto added = installs.add(*program, "the agent's program " + name->first, name->second, true); !added) {
    return added.failure();
  }

  for (const auto& spec : agent.packages) {
    if (!util::starts_with(spec.text, k_host_prefix)) return fail(needs_nix(agent, spec));
    auto found = find_host_program(agent, spec.text.substr(k_host_prefix.size()), spec.origin, host_path);
    if (!found) return found.failure();
    if (auto added = installs.add(*found, "package " + spec.text, spec.origin, true); !added) return added.failure();
  }
  // A link recreated before a later bind came to show its directory (nvm's bin/) is there already.
  auto& links = out.symlinks;
  links.erase(std::remove_if(links.begin(), links.end(),
                             [&](const Symlink& link) { return !link.reason.empty() && installs.shows(link.path); }),
              links.end());
  const auto& dirs = installs.path_dirs();
  out.path_dirs.insert(out.path_dirs.begin(), dirs.begin(), dirs.end());
  return out;
}

}  // namespace jailed::resolve
