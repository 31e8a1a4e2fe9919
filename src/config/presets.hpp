// Built-in agent presets: data files in .jailed format, embedded at build time.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace jailed::config {

// Returns the text of the built-in preset `name` (a file with one [agent NAME] section).
std::optional<std::string_view> builtin_preset(std::string_view name);

// Returns the names of all built-in presets, sorted.
std::vector<std::string> builtin_preset_names();

}  // namespace jailed::config
