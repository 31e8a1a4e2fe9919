// Reading stored content back into memory, for showing what a file held.
#pragma once

#include <map>
#include <set>
#include <string>

#include "snapshot/store.hpp"
#include "util/result.hpp"

namespace jailed::snapshot {

// Returns the content of each of `hashes` (raw SHA-256) found in `store`'s packs, reading each
// pack once, keyed by the raw hash.
Result<std::map<std::string, std::string>> fetch_contents(Store& store, const std::set<std::string>& hashes);

}  // namespace jailed::snapshot
