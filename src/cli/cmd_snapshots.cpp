// jailed snapshots list [--json] | prune: the nearest .jailed's project's snapshots, and their limits.
#include <cstdio>
#include <iostream>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "cli/output.hpp"
#include "cli/project_snapshots.hpp"
#include "snapshot/retention.hpp"
#include "util/error.hpp"
#include "util/spellcheck.hpp"
#include "util/strings.hpp"

namespace jailed::cli {
namespace {

void list(ProjectSnapshots& project, bool json) {
  auto& store = *project.store;
  auto all = store.snapshots();
  if (json) {
    std::cout << "{\"project\":" << json_string(project.project_dir) << ",\"store\":" << json_string(store.dir())
              << ",\"disk_bytes\":" << store.disk_bytes() << ",\"snapshots\":[";
    for (size_t i = 0; i < all.size(); ++i) {
      const auto& s = all[i];
      std::cout << (i ? "," : "") << "{\"id\":" << s.id << ",\"created\":" << s.created
                << ",\"reason\":" << json_string(s.reason) << ",\"paths\":" << s.files << ",\"bytes\":" << s.bytes
                << ",\"stored\":" << s.stored << ",\"excludes\":" << json_list(s.excludes) << "}";
    }
    std::cout << "]}\n";
    return;
  }
  if (all.empty()) {
    info("no snapshots of " + display_path(project.project_dir) + " yet (one is taken before each session, or with 'jailed snapshot')");
    return;
  }
  std::printf("%5s  %-16s  %7s  %10s  %10s  %s\n", "ID", "TAKEN", "PATHS", "SIZE", "STORED", "WHY");
  for (const auto& s : all) {
    std::printf("%5lld  %-16s  %7lld  %10s  %10s  %s\n", static_cast<long long>(s.id), util::local_date(s.created).c_str(),
                static_cast<long long>(s.files), human_size(s.bytes).c_str(), human_size(s.stored).c_str(),
                s.reason.c_str());
  }
  std::printf("%s on disk in %s (keeping the last %lld, up to %s)\n", human_size(store.disk_bytes()).c_str(),
              display_path(store.dir()).c_str(), static_cast<long long>(project.settings.keep),
              human_size(project.settings.max_total).c_str());
  std::fflush(stdout);
}

}  // namespace

int cmd_snapshots(const Args& args) {
  const OptionTable options = {{{"json", OptionKind::flag, "list: print JSON"}}};
  // Without an action: list.
  std::string action = args.empty() || args[0][0] == '-' ? "list" : args[0];
  bool named = !args.empty() && args[0][0] != '-';
  auto values = parse_options(command_named("snapshots"), named ? Args(args.begin() + 1, args.end()) : args, options);
  if (!values) return 0;
  if (action != "list" && action != "prune") {
    throw Error("jailed snapshots: unknown action " + util::printable(action) +
                    util::did_you_mean(action, {"list", "prune"}) + " (list or prune)",
                ExitCode::usage);
  }
  if (values->has("json") && action != "list") {
    throw Error("jailed snapshots prune: --json belongs to list (see 'jailed snapshots --help')", ExitCode::usage);
  }
  bool prune = action == "prune";
  auto project = open_project_snapshots(false);
  if (!prune) {
    list(project, values->has("json"));
    return 0;
  }
  auto pruned = snapshot::prune(*project.store, project.settings);
  info("removed " + std::to_string(pruned.snapshots) + (pruned.snapshots == 1 ? " snapshot" : " snapshots") + ", freed " +
       human_size(pruned.bytes));
  return 0;
}

}  // namespace jailed::cli
