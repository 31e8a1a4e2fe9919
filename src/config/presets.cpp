#include "config/presets.hpp"

#include <algorithm>

#include "util/embedded.hpp"

namespace jailed::embedded {
// Generated from src/config/presets/*.jailed by scripts/embed.
extern const util::EmbeddedFile k_presets[];
extern const unsigned long k_presets_count;
}  // namespace jailed::embedded

namespace jailed::config {
namespace {

constexpr std::string_view k_suffix = ".jailed";

}  // namespace

std::optional<std::string_view> builtin_preset(std::string_view name) {
  for (unsigned long i = 0; i < embedded::k_presets_count; ++i) {
    std::string_view file = embedded::k_presets[i].name;
    if (file.size() == name.size() + k_suffix.size() && file.substr(0, name.size()) == name &&
        file.substr(name.size()) == k_suffix) {
      return embedded::k_presets[i].text;
    }
  }
  return std::nullopt;
}

std::vector<std::string> builtin_preset_names() {
  std::vector<std::string> names;
  for (unsigned long i = 0; i < embedded::k_presets_count; ++i) {
    std::string_view file = embedded::k_presets[i].name;
    if (file.size() > k_suffix.size() && file.substr(file.size() - k_suffix.size()) == k_suffix) {
      names.emplace_back(file.substr(0, file.size() - k_suffix.size()));
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace jailed::config
