// Taking a snapshot: the project's tree and every content not stored yet, recorded atomically.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "snapshot/exclude.hpp"
#include "snapshot/store.hpp"
#include "util/result.hpp"

namespace jailed::snapshot {

// How snapshots of a project are taken and kept (the snapshot-* keys).
struct Settings {
  Excludes excludes;
  std::vector<std::string> patterns;    // what `excludes` was made from, recorded with each snapshot
  int64_t max_size = 1LL << 30;         // a project bigger than this is not snapshotted
  int64_t keep = 20;                    // snapshots kept
  int64_t max_total = 2LL << 30;        // disk space the store may use
};

// What take_snapshot() did.
struct Taken {
  int64_t id = 0;          // the snapshot that now stands for the tree; 0 when over the cap
  bool reused = false;     // nothing changed since the last snapshot, which stands
  int64_t project_bytes = 0;
  int64_t files_read = 0;  // files whose content was read (new or changed)
  int64_t stored = 0;      // bytes packed
};

// Records the tree beneath `root_fd` in `store` (reason: see SnapshotInfo). A file whose size,
// times and inode match the last snapshot is not read again. Nothing is recorded until the
// pack is on the disk and the database transaction commits: an interrupted snapshot leaves
// only a file that sweep() removes. Over settings.max_size, records nothing (Taken::id 0).
Result<Taken> take_snapshot(Store& store, int root_fd, const Settings& settings, const std::string& reason);

// Returns the snapshot the next comparison starts from: the newest one, or 0.
int64_t latest_snapshot(Store& store);

// Returns the current time of the clock file systems stamp ctime with, in nanoseconds.
int64_t coarse_now_ns();

}  // namespace jailed::snapshot
