#include "snapshot/retention.hpp"

namespace jailed::snapshot {

Pruned prune(Store& store, const Settings& settings, bool sweep_always) {
  Pruned pruned;
  if (!store.exists()) return pruned;
  store.lock();
  auto all = store.snapshots();
  size_t first = 0;
  int64_t keep = std::max<int64_t>(settings.keep, 1);
  while (static_cast<int64_t>(all.size() - first) > keep) {
    store.drop_snapshot(all[first++].id);
    ++pruned.snapshots;
  }
  if (pruned.snapshots || sweep_always) pruned.bytes += store.sweep();
  while (all.size() - first > 1 && store.disk_bytes() > settings.max_total) {
    store.drop_snapshot(all[first++].id);
    ++pruned.snapshots;
    pruned.bytes += store.sweep();
  }
  return pruned;
}

}  // namespace jailed::snapshot
