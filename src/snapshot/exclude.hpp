// snapshot-exclude patterns: which paths of a project snapshots leave out.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace jailed::snapshot {

// A set of shell patterns. A pattern without '/' matches any path component by name
// (node_modules, *.o); one with '/' matches a whole path from the project's top (build/out).
// A leading or trailing '/' is ignored. A match leaves out the path and everything under it.
class Excludes {
 public:
  Excludes() = default;
  explicit Excludes(const std::vector<std::string>& patterns);

  // Returns true if the path `path` (relative, '/'-separated) whose last component is `name` is left out.
  bool excluded(std::string_view path, std::string_view name) const;
  bool empty() const { return m_names.empty() && m_paths.empty(); }

 private:
  std::vector<std::string> m_names;
  std::vector<std::string> m_paths;
};

}  // namespace jailed::snapshot
