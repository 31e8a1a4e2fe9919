// jailed explain AGENT [--json]: the sandbox of an agent in words, and the exact bwrap argv.
#include <algorithm>
#include <iostream>
#include <sstream>
#include <set>

#include "cli/agent_plan.hpp"
#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "cli/output.hpp"
#include "config/find.hpp"
#include "sandbox/bwrap_args.hpp"
#include "sandbox/gate.hpp"
#include "sandbox/landlock.hpp"
#include "sandbox/landlock_access.hpp"
#include "sandbox/seccomp.hpp"
#include "sandbox/store_view.hpp"
#include "shell/shell.hpp"
#include "util/error.hpp"
#include "util/strings.hpp"

namespace jailed::cli {
namespace {

const char* kind_word(sandbox::MountKind kind) {
  switch (kind) {
    case sandbox::MountKind::proc: return "proc";
    case sandbox::MountKind::dev: return "dev";
    case sandbox::MountKind::tmpfs: return "tmpfs";
    case sandbox::MountKind::dir: return "dir";
    case sandbox::MountKind::ro_bind: return "read-only";
    case sandbox::MountKind::bind: return "read-write";
    case sandbox::MountKind::symlink: return "symlink";
    case sandbox::MountKind::ro_data: return "generated";
    case sandbox::MountKind::copy: return "copied";
    case sandbox::MountKind::empty_ro: return "empty, read-only";
    case sandbox::MountKind::unlisted_dir: return "unlisted";
    case sandbox::MountKind::remount_ro: return "sealed";
  }
  return "?";
}

// The descriptors a launch passes bwrap, as stand-ins (the real numbers depend on what jailed
// inherited): explain shows the argv with these.
struct NominalFds {
  sandbox::FdPlan plan;
  int args = -1;
  int helper = -1;  // a gated launch (gate.hpp): the helper and its end of the socket
  int gate = -1;
};

NominalFds nominal_fds(const sandbox::Policy& policy, bool gated) {
  NominalFds fds;
  fds.plan.seccomp = 3;
  int next = 4;
  for (const auto& mount : policy.mounts) {
    if (mount.kind == sandbox::MountKind::ro_data || mount.kind == sandbox::MountKind::copy) {
      fds.plan.files.push_back(next++);
    }
  }
  // Without the helper, sources agents could redirect are bound from descriptors (launcher.cpp).
  if (!gated) {
    for (size_t index : sandbox::redirectable_mounts(policy)) fds.plan.bind_fds[index] = next++;
  }
  fds.args = next++;
  if (gated) {
    fds.helper = next++;
    fds.gate = next++;
  }
  return fds;
}

// Returns `bytes` in the largest binary unit that divides it: 1 GiB, 512 MiB.
std::string size_text(uint64_t bytes) {
  const char* units[] = {"bytes", "KiB", "MiB", "GiB", "TiB"};
  size_t unit = 0;
  while (unit + 1 < std::size(units) && bytes >= 1024 && bytes % 1024 == 0) bytes /= 1024, ++unit;
  return std::to_string(bytes) + " " + units[unit];
}

// Returns what the jail may consume, in words. `gated`: the helper runs, and sets the
// process limit inside the jail (jailed cannot set it from outside without counting all
// of the user's processes).
std::string limits_text(const sandbox::Limits& limits, bool gated) {
  std::string processes = std::to_string(limits.processes) + " processes and threads at once (" + limits.processes_from + ")";
  std::string asked = limits.processes_from + " asks for " + std::to_string(limits.processes);
  if (!gated) processes = "no process limit (it needs the Landlock helper; " + asked + ")";
  if (limits.root_caller) processes = "no process limit (the kernel does not apply one to root; " + asked + ")";
  return "/tmp and the empty home hold " + size_text(limits.tmpfs_bytes) + " each (" + limits.tmpfs_from + "); " +
         processes + "; " + size_text(limits.memory_bytes) + " of data memory per process (" + limits.memory_from +
         "; shared memory such as a memfd is not counted, and nothing limits the jail as a whole: that needs a "
         "cgroup); no core dumps";
}

// Returns what the agent can reach over the network, in words.
std::string reach_text(const sandbox::Policy& policy) {
  if (!policy.network) return "nothing outside the jail (a network namespace of its own)";
  std::string text = "the host's network: every address the host reaches, including services listening on the "
                     "host's loopback (127.0.0.1, ::1) and UDP; an abstract Unix socket name the agent binds can be "
                     "reached by host programs that connect to it";
  if (sandbox::landlock::handled_net(policy.landlock_abi, true) == 0 || policy.landlock_helper.empty()) {
    return text + "; the agent may listen on any TCP port";
  }
  std::vector<std::string> ports;
  for (uint16_t port : policy.limits.bind_ports) ports.push_back(std::to_string(port));
  return text + "; binding TCP ports is refused" + (ports.empty() ? " (bind-ports lists none)" : " but " + util::join(ports, ", ")) +
         ", not UDP ports (Landlock has no UDP rules), nor a TCP socket that listens without binding (the kernel "
         "picks a free port, reachable from the host; Landlock checks only bind)";
}

// Returns how the binds agents could redirect (a source beneath a writable one) are pinned.
std::string resolved_text(const sandbox::Policy& policy, bool gated) {
  std::string count = std::to_string(sandbox::redirectable_mounts(policy).size()) + " binds whose source agents can write";
  return gated ? count + ": the helper runs the agent only if the jail shows at each the very file jailed resolved, "
                         "reached without a symlink"
               : count + ": bound from descriptors jailed opened once, without following a symlink";
}

// Forwarded variables come from the caller's environment and may be secrets: explain
// names them but never prints their values.
std::set<std::string> forwarded_names(const config::AgentConfig& agent) {
  std::set<std::string> names;
  for (const auto& value : agent.env) names.insert(value.text);
  return names;
}

std::vector<std::string> masked_options(const AgentPlan& plan, const sandbox::FdPlan& fds) {
  auto options = sandbox::bwrap_options(plan.policy, fds);
  auto hidden = forwarded_names(plan.agent);
  for (size_t i = 0; i + 2 < options.size(); ++i) {
    if (options[i] == "--setenv" && hidden.count(options[i + 1])) options[i + 2] = "<value of $" + options[i + 1] + ">";
  }
  return options;
}

// Returns the line naming the arguments placed before the user's, and where they come from.
template <class Quote>
std::string args_line(const config::AgentConfig& agent, const Quote& quote) {
  if (agent.args.empty()) return "";
  std::vector<std::string> words;
  std::vector<std::string> origins;
  for (const auto& arg : agent.args) {
    words.push_back(quote(arg.text));
    std::string label = arg.origin.label();
    if (std::find(origins.begin(), origins.end(), label) == origins.end()) origins.push_back(label);
  }
  return "  args:      " + util::join(words, " ") + " (" + util::join(origins, ", ") + "), before yours\n";
}

// Writes the explanation in words to `out`.
void write_text(std::ostream& out, const AgentPlan& plan, const std::vector<std::string>& options,
                const std::vector<std::string>& argv, bool gated) {
  const auto& policy = plan.policy;
  // Words a user may paste: a path or value with a control, bidi or invisible character is
  // shown as $'...' with escapes, which pastes back as the same bytes.
  auto quote = [](const std::string& text) { return shell::quote_visible(text); };
  out << "agent " << plan.agent.name << (plan.agent.from_preset ? " (preset)" : "") << " from "
            << display_path(plan.config.file) << "\n"
            << "  backend:   " << policy.backend << "\n"
            << "  command:   " << quote(policy.command[0]) << "\n"
            << args_line(plan.agent, quote)
            << "  network:   " << (policy.network ? "on" : "off") << " (" << plan.agent.network_origin.text() << ")\n"
            << "  git:       " << (plan.agent.git == "commit" ? "commit (objects, refs, index and logs writable)" : "read (.git read-only)") << "\n"
            << "  directory: " << quote(policy.chdir) << "\n"
            << (policy.store_view == sandbox::StoreView::none ? "" : "  store:     " + describe_store(policy) + "\n")
            << (policy.landlock_helper.empty() ? "" : "  landlock:  " + sandbox::describe_helper(policy) + "\n")
            << "  limits:    " << limits_text(policy.limits, gated) << "\n"
            << "  reachable: " << reach_text(policy) << "\n"
            << "  resolved:  " << resolved_text(policy, gated) << "\n"
            << "\nfile system, in order (later entries cover earlier ones):\n";
  for (const auto& mount : policy.mounts) {
    out << "  " << kind_word(mount.kind) << "\t" << quote(mount.target);
    if (mount.kind == sandbox::MountKind::ro_bind || mount.kind == sandbox::MountKind::bind ||
        mount.kind == sandbox::MountKind::copy) {
      if (mount.source != mount.target) out << " <- " << quote(mount.source);
    } else if (mount.kind == sandbox::MountKind::symlink) {
      out << " -> " << quote(mount.source);
    }
    out << "\t" << mount.reason << "\n";
  }
  if (policy.store_view == sandbox::StoreView::landlock) {
    for (const auto& path : policy.store_paths) out << "  closure\t" << quote(path) << "\n";
  }
  auto hidden = forwarded_names(plan.agent);
  out << "\nenvironment (nothing else reaches the agent):\n";
  for (const auto& [name, value] : policy.env) {
    out << "  " << name << "=" << (hidden.count(name) ? "<forwarded, hidden>" : quote(value)) << "\n";
  }
  out << "\nseccomp filter denies:\n";
  for (const auto& denial : sandbox::seccomp_denials()) out << "  " << denial << "\n";
  out << "\nnot protected by path (review what the agent changed before your tools use it):\n";
  for (const auto& line : policy.unprotected) out << "  " << line << "\n";
  for (const auto& note : policy.notes) out << "note: " << note << "\n";
  std::vector<std::string> quoted;
  quoted.reserve(argv.size());
  for (const auto& word : argv) quoted.push_back(quote(word));
  out << "\nbwrap argv:\n  " << util::join(quoted, " ") << "\n";
  if (gated) {
    // The agent's argv goes to the helper through its socket.
    std::vector<std::string> command;
    for (const auto& word : policy.command) command.push_back(quote(word));
    out << "the helper runs, once jailed has handed the jail over:\n  " << util::join(command, " ") << "\n";
  }
  out << "options passed through --args (NUL-separated):\n";
  for (size_t i = 0; i < options.size(); ++i) {
    bool starts_option = options[i].size() > 2 && options[i].compare(0, 2, "--") == 0;
    out << (starts_option ? (i ? "\n  " : "  ") : " ") << quote(options[i]);
  }
  out << "\n";
}

void print_text(const AgentPlan& plan, const std::vector<std::string>& options, const std::vector<std::string>& argv,
                bool gated) {
  std::ostringstream text;
  write_text(text, plan, options, argv, gated);
  // Reasons and notes name paths too: nothing of the .jailed reaches the terminal raw.
  print_out(text.str());
}

void print_json(const AgentPlan& plan, const std::vector<std::string>& options, const std::vector<std::string>& argv,
                bool gated) {
  const auto& policy = plan.policy;
  auto hidden = forwarded_names(plan.agent);
  std::cout << "{\"agent\":" << json_string(plan.agent.name) << ",\"file\":" << json_string(plan.config.file)
            << ",\"backend\":" << json_string(policy.backend)
            << ",\"closure\":" << json_list(plan.resolution.closure) << ",\"network\":" << (policy.network ? "true" : "false")
            << ",\"command\":" << json_list(policy.command) << ",\"chdir\":" << json_string(policy.chdir) << ",\"mounts\":[";
  for (size_t i = 0; i < policy.mounts.size(); ++i) {
    const auto& mount = policy.mounts[i];
    bool data = mount.kind == sandbox::MountKind::ro_data;
    std::cout << (i ? "," : "") << "{\"kind\":" << json_string(kind_word(mount.kind))
              << ",\"source\":" << (data ? "null" : json_string(mount.source)) << ",\"target\":" << json_string(mount.target)
              << ",\"reason\":" << json_string(mount.reason) << "}";
  }
  std::cout << "],\"env\":{";
  for (size_t i = 0; i < policy.env.size(); ++i) {
    const auto& [name, value] = policy.env[i];
    std::cout << (i ? "," : "") << json_string(name) << ":" << (hidden.count(name) ? "null" : json_string(value));
  }
  std::cout << "},\"store_view\":" << json_string(sandbox::store_view_name(policy.store_view))
            << ",\"store_paths\":" << json_list(policy.store_paths)
            << ",\"landlock_helper\":" << (policy.landlock_helper.empty() ? "null" : json_string(policy.landlock_helper))
            << ",\"limits\":{\"tmpfs_bytes\":" << policy.limits.tmpfs_bytes
            << ",\"processes\":"
            << (gated && !policy.limits.root_caller ? std::to_string(policy.limits.processes) : "null")
            << ",\"memory_bytes\":" << policy.limits.memory_bytes << ",\"core_dumps\":false,\"bind_ports\":[";
  for (size_t i = 0; i < policy.limits.bind_ports.size(); ++i) std::cout << (i ? "," : "") << policy.limits.bind_ports[i];
  std::cout << "]},\"reachable\":" << json_string(reach_text(policy))
            << ",\"seccomp_denies\":"
            << json_list(sandbox::seccomp_denials()) << ",\"notes\":" << json_list(policy.notes)
            << ",\"unprotected\":" << json_list(policy.unprotected)
            << ",\"argv\":" << json_list(argv) << ",\"options\":" << json_list(options) << "}\n";
}

}  // namespace

int cmd_explain(const Args& args) {
  auto values = parse_options(command_named("explain"), args,
                              {{{"agent", OptionKind::value, "the agent to explain"}, {"json", OptionKind::flag, "print JSON"}}, "agent"});
  if (!values) return 0;
  if (!values->has("agent")) throw Error("jailed explain: which agent? ('jailed status' lists them)", ExitCode::usage);

  std::string file = config::locate_jailed_file("").take();
  auto plan = plan_agent(file, values->value("agent"), false, {}, false);
  auto fds = nominal_fds(plan.policy, !sandbox::find_gate_helper().empty());
  auto shown_options = masked_options(plan, fds.plan);
  auto argv = fds.gate < 0 ? sandbox::bwrap_argv("bwrap", fds.args, plan.policy)
                           : sandbox::gated_argv("bwrap", fds.args, fds.helper, fds.gate);
  if (values->has("json")) {
    print_json(plan, shown_options, argv, fds.gate >= 0);
  } else {
    print_text(plan, shown_options, argv, fds.gate >= 0);
  }
  return 0;
}

}  // namespace jailed::cli
