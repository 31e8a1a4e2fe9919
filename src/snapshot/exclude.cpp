#include "snapshot/exclude.hpp"

#include <fnmatch.h>

namespace jailed::snapshot {

Excludes::Excludes(const std::vector<std::string>& patterns) {
  for (std::string pattern : patterns) {
    while (!pattern.empty() && pattern.back() == '/') pattern.pop_back();
    while (!pattern.empty() && pattern.front() == '/') pattern.erase(0, 1);
    if (pattern.empty()) continue;
    (pattern.find('/') == std::string::npos ? m_names : m_paths).push_back(pattern);
  }
}

bool Excludes::excluded(std::string_view path, std::string_view name) const {
  // fnmatch needs NUL-terminated strings; names and paths never hold NUL.
  std::string owned_name(name);
  for (const auto& pattern : m_names) {
    if (::fnmatch(pattern.c_str(), owned_name.c_str(), FNM_PERIOD) == 0) return true;
  }
  if (m_paths.empty()) return false;
  std::string owned_path(path);
  for (const auto& pattern : m_paths) {
    if (::fnmatch(pattern.c_str(), owned_path.c_str(), FNM_PATHNAME | FNM_PERIOD) == 0) return true;
  }
  return false;
}

}  // namespace jailed::snapshot
