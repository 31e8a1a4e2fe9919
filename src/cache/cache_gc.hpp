// Garbage collection of the closure cache: which entries go, their rows and roots together.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>

#include "cache/closure_cache.hpp"

namespace jailed::cache {

// What `jailed cache gc` drops.
struct GcPolicy {
  // Set: drop entries not used within this many seconds, whoever uses them.
  std::optional<int64_t> unused_for;
  // Unset unused_for: keeps a use record if its project still has the agent; entries
  // left with no use record are dropped.
  std::function<bool(const Use&)> still_used;
};

// What a collection removed.
struct GcReport {
  size_t entries = 0;     // cache entries (with their roots)
  size_t stale_roots = 0; // roots directories no entry owns (interrupted resolutions)
};

// Drops entries by `policy`, then roots directories no entry owns (except those of a
// resolution still running).
GcReport collect_garbage(ClosureCache& cache, const GcPolicy& policy);

// Drops every entry and every roots directory (except a running resolution's).
GcReport clear_cache(ClosureCache& cache);

}  // namespace jailed::cache
