// A line-based diff of two texts, for showing what changed in a file.
#pragma once

#include <string>
#include <vector>

namespace jailed::util {

// Returns the lines of a minimal diff: each starts with "-" (removed), "+" (added) or
// " " (kept). Returns nothing when the texts are equal; for texts too large to compare
// line by line, returns every old line removed and every new line added.
std::vector<std::string> line_diff(const std::string& before, const std::string& after);

}  // namespace jailed::util
