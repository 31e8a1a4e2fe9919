// Keeping a project's snapshots within their limits: the newest N, and a total disk size.
#pragma once

#include <cstdint>

#include "snapshot/store.hpp"
#include "snapshot/take.hpp"

namespace jailed::snapshot {

// What prune() removed.
struct Pruned {
  int64_t snapshots = 0;
  int64_t bytes = 0;
};

// Drops the oldest snapshots beyond settings.keep, then more of the oldest while the store
// is over settings.max_total (the newest always stays), and removes the packs no snapshot
// needs any more and files of interrupted writes (with `sweep_always`, also when no snapshot
// was dropped). Takes the store's lock.
Pruned prune(Store& store, const Settings& settings, bool sweep_always = true);

}  // namespace jailed::snapshot
