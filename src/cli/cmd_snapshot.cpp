// jailed snapshot: records the nearest .jailed's project now, as a session would.
#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "cli/project_snapshots.hpp"

namespace jailed::cli {

int cmd_snapshot(const Args& args) {
  if (!parse_options(command_named("snapshot"), args, {})) return 0;
  auto project = open_project_snapshots(true);
  // On demand the project is snapshotted even with snapshot = off: the user asked.
  return snapshot_now(project, "manual", false) ? 0 : 1;
}

}  // namespace jailed::cli
