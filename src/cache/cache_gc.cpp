// Cache garbage collection: dropping rows and roots together.
#include "cache/cache_gc.hpp"

#include <ctime>
#include <set>

#include "cache/gc_roots.hpp"

namespace jailed::cache {
namespace {

// Removes roots directories that no entry names: what an interrupted or crashed resolution
// left behind (its row was never committed, so nothing refers to them).
size_t remove_stale_roots(ClosureCache& cache) {
  std::set<std::string> owned;
  for (const auto& entry : cache.entries()) owned.insert(entry.roots);
  size_t removed = 0;
  for (const auto& name : list_roots_dirs(cache.roots_dir())) {
    if (owned.count(name) || resolution_running(cache.roots_dir(), name)) continue;
    if (remove_roots_dir(cache.roots_dir(), name)) ++removed;
  }
  return removed;
}

}  // namespace

GcReport collect_garbage(ClosureCache& cache, const GcPolicy& policy) {
  std::vector<std::string> doomed;
  if (policy.unused_for) {
    int64_t cutoff = static_cast<int64_t>(std::time(nullptr)) - *policy.unused_for;
    for (const auto& entry : cache.entries()) {
      if (entry.last_used < cutoff) doomed.push_back(entry.key);
    }
  } else {
    std::set<std::string> used;
    for (const auto& use : cache.uses()) {
      if (policy.still_used && !policy.still_used(use)) {
        cache.forget_use(use.file, use.agent);
      } else {
        used.insert(use.key);
      }
    }
    for (const auto& entry : cache.entries()) {
      if (!used.count(entry.key)) doomed.push_back(entry.key);
    }
  }
  GcReport report;
  report.entries = cache.remove(doomed);
  report.stale_roots = remove_stale_roots(cache);
  return report;
}

GcReport clear_cache(ClosureCache& cache) {
  std::vector<std::string> keys;
  for (const auto& entry : cache.entries()) keys.push_back(entry.key);
  GcReport report;
  report.entries = cache.remove(keys);
  report.stale_roots = remove_stale_roots(cache);
  return report;
}

}  // namespace jailed::cache
