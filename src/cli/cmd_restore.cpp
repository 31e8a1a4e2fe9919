// jailed restore [SESSION|SNAPSHOT] [PATH...] [--dry-run] [--delete]: brings the project, or the
// named paths, back to a snapshot, after snapshotting what is there now (so that it can be undone).
#include <unistd.h>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "cli/output.hpp"
#include "cli/project_snapshots.hpp"
#include "snapshot/restore.hpp"
#include "snapshot/tree_walk.hpp"
#include "util/error.hpp"

namespace jailed::cli {
namespace {

std::string plural(size_t n, const char* one, const char* many) { return std::to_string(n) + " " + (n == 1 ? one : many); }

}  // namespace

int cmd_restore(const Args& args) {
  OptionTable options = {{{"dry-run", OptionKind::flag, "only say what would change"},
                          {"delete", OptionKind::flag, "also remove paths the snapshot did not have"}}};
  options.operands = true;
  auto values = parse_options(command_named("restore"), args, options);
  if (!values) return 0;
  auto project = open_project_snapshots(false);
  auto [id, paths] = select_target(project, values->operands(), "restore");
  auto info_of = project.store->snapshot(id);
  bool dry_run = values->has("dry-run");
  if (!dry_run) project.store->lock();  // no snapshot or prune meanwhile

  int root = snapshot::open_project(project.project_dir).take();
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{root};
  auto manifest = project.store->manifest(id);
  auto changes = snapshot::compare_tree(manifest, root, snapshot::Excludes(info_of->excludes)).take();
  auto plan = snapshot::restore_plan(snapshot::select_paths(std::move(changes), paths), values->has("delete"));
  if (plan.empty()) {
    info("nothing to restore: " + (paths.empty() ? display_path(project.project_dir) + " matches" : std::string("those paths match")) +
         " snapshot " + std::to_string(id));
    return 0;
  }
  if (dry_run) {
    for (const auto& change : plan) {
      print_out((change.what == snapshot::ChangeKind::added ? "remove  " : "restore ") + shown(change.path) + "\n");
    }
    return 0;
  }
  int64_t before = snapshot_now(project, k_before_restore, true);
  if (auto restored = snapshot::apply_restore(*project.store, root, manifest, plan); !restored) {
    throw Error("restore stopped: " + restored.error() +
                (before ? " (the project as it was before: snapshot " + std::to_string(before) + ")" : ""));
  }
  info("restored " + plural(plan.size(), "path", "paths") + " of " + display_path(project.project_dir) + " to snapshot " +
       std::to_string(id) + (before ? "; undo with 'jailed restore " + std::to_string(before) + " --delete'" : ""));
  return 0;
}

}  // namespace jailed::cli
