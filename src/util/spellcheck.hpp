// Suggests the nearest known word for a misspelt one.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace jailed::util {

// Returns the candidate closest to `word` by edit distance, if it is close enough to be a typo.
std::optional<std::string> nearest(const std::string& word, const std::vector<std::string>& candidates);

// Returns " (did you mean \"X\"?)" for the nearest candidate, or "".
std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace jailed::util
