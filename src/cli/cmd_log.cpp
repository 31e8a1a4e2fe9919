// jailed log [--json]: the sessions of agents in the nearest .jailed's project.
#include <cstdio>
#include <iostream>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "cli/output.hpp"
#include "cli/project_snapshots.hpp"
#include "util/strings.hpp"

namespace jailed::cli {

int cmd_log(const Args& args) {
  const OptionTable options = {{{"json", OptionKind::flag, "print JSON"}}};
  auto values = parse_options(command_named("log"), args, options);
  if (!values) return 0;
  auto project = open_project_snapshots(false);
  auto sessions = project.store->sessions();
  if (values->has("json")) {
    std::cout << "{\"project\":" << json_string(project.project_dir) << ",\"sessions\":[";
    for (size_t i = 0; i < sessions.size(); ++i) {
      const auto& s = sessions[i];
      std::vector<std::string> warnings;
      if (!s.warnings.empty()) warnings = util::split(s.warnings, '\0');
      std::cout << (i ? "," : "") << "{\"id\":" << json_string("s" + std::to_string(s.id))
                << ",\"agent\":" << json_string(s.agent) << ",\"started\":" << s.started << ",\"ended\":"
                << (s.ended ? std::to_string(s.ended) : "null") << ",\"status\":"
                << (s.ended ? std::to_string(s.status) : "null") << ",\"snapshot\":"
                << (s.snapshot ? std::to_string(s.snapshot) : "null") << ",\"added\":" << s.added
                << ",\"changed\":" << s.changed << ",\"deleted\":" << s.deleted
                << ",\"host_tool_files\":" << json_list(warnings) << "}";
    }
    std::cout << "]}\n";
    return 0;
  }
  if (sessions.empty()) {
    info("no sessions in " + display_path(project.project_dir) + " yet");
    return 0;
  }
  std::printf("%-6s %-16s  %-12s %-8s %-9s %-18s %s\n", "ID", "STARTED", "AGENT", "EXIT", "SNAPSHOT", "CHANGES", "HOST TOOL FILES");
  for (const auto& s : sessions) {
    std::string status = s.ended ? std::to_string(s.status) : "-";
    std::string changes = s.ended && s.snapshot ? "+" + std::to_string(s.added) + " ~" + std::to_string(s.changed) +
                                                      " -" + std::to_string(s.deleted)
                                                : "-";
    std::vector<std::string> warnings;
    if (!s.warnings.empty()) {
      for (const auto& path : util::split(s.warnings, '\0')) warnings.push_back(shown(path));
    }
    std::printf("%-6s %-16s  %-12s %-8s %-9s %-18s %s\n", ("s" + std::to_string(s.id)).c_str(),
                util::local_date(s.started).c_str(), s.agent.c_str(), status.c_str(),
                s.snapshot ? std::to_string(s.snapshot).c_str() : "-", changes.c_str(), util::join(warnings, ", ").c_str());
  }
  std::fflush(stdout);
  return 0;
}

}  // namespace jailed::cli
