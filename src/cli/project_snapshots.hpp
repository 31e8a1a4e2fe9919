// What the snapshot commands share: the project's store and settings, naming a snapshot or a
// session on the command line, paths relative to the project, sizes for people.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "config/jail_config.hpp"
#include "snapshot/store.hpp"
#include "snapshot/take.hpp"

namespace jailed::cli {

// The reason recorded for the snapshot a restore takes first.
extern const char* const k_before_restore;

// The nearest .jailed's project, its snapshot settings and its store.
struct ProjectSnapshots {
  std::string project_dir;  // real path
  bool enabled = true;      // snapshot = on
  snapshot::Settings settings;
  std::unique_ptr<snapshot::Store> store;
};

// Returns the snapshot settings of a project's merged configuration (any agent's: the keys are
// project-wide), or the defaults for a project without agents.
snapshot::Settings snapshot_settings(const config::JailConfig& config, bool* enabled = nullptr);

// Finds the nearest .jailed from the current directory and opens its project's store
// (created when `create`). The file is read for its snapshot-* keys; it need not be allowed.
ProjectSnapshots open_project_snapshots(bool create);

// Returns the snapshot that `selector` names: "N" a snapshot, "sN" the snapshot before session
// N, "" the snapshot before the latest session (else the latest not taken by a restore). Throws a usage
// error naming `command` for anything else or an unknown number.
int64_t select_snapshot(snapshot::Store& store, const std::string& selector, const std::string& command);

// Returns true if `word` reads as a snapshot or session selector.
bool is_selector(const std::string& word);

// Returns each of `paths` (relative to the current directory or absolute) relative to
// `project_dir`; "" for the project itself. Throws for a path outside the project.
std::vector<std::string> project_relative(const std::string& project_dir, const std::vector<std::string>& paths,
                                          const std::string& command);

// What `jailed diff` and `jailed restore` act on: the snapshot their operands select (an
// optional selector first) and the paths after it, relative to the project.
struct SnapshotTarget {
  int64_t id = 0;
  std::vector<std::string> paths;
};
SnapshotTarget select_target(ProjectSnapshots& project, std::vector<std::string> operands, const std::string& command);

// Returns `bytes` as "812 B", "4.2 KiB", "1.3 GiB".
std::string human_size(int64_t bytes);

// Takes a snapshot of `project` for `reason`, then applies retention; warns once when the
// project is over its size cap. Returns the snapshot's id, 0 when none was taken.
int64_t snapshot_now(ProjectSnapshots& project, const std::string& reason, bool quiet);

}  // namespace jailed::cli
