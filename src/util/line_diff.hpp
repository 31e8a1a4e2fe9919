// A line-based diff of two texts, for showing what changed in a file.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace jailed::util {

// Returns the lines of a minimal diff: each starts with "-" (removed), "+" (added) or
// " " (kept). Returns nothing when the texts are equal; for texts too large to compare
// line by line, returns every old line removed and every new line added.
std::vector<std::string> line_diff(const std::string& before, const std::string& after);

// Returns `diff` (from line_diff) with each run of kept lines more than `context` lines away
// from any change replaced by one line "@N", N being how many lines it skipped.
std::vector<std::string> diff_hunks(const std::vector<std::string>& diff, size_t context);

}  // namespace jailed::util
