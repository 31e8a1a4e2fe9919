// Unified diff hunks of two texts, for `jailed diff`.
#pragma once

#include <string>
#include <vector>

namespace jailed::snapshot {

// One hunk: its "@@ -a,b +c,d @@" header and its lines, each starting with ' ', '-' or '+'.
struct Hunk {
  std::string header;
  std::vector<std::string> lines;
};

// Returns the hunks turning `before` into `after`, with `context` unchanged lines around each change.
std::vector<Hunk> unified_hunks(const std::string& before, const std::string& after, size_t context = 3);

// Returns true if `bytes` looks like text (no NUL byte in its first 8 KiB).
bool looks_like_text(const std::string& bytes);

}  // namespace jailed::snapshot
