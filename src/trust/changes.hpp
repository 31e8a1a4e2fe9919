// What changed between two versions of what an allow trusts: the .jailed, its sources, its
// local flakes, and in a flake which files.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "trust/subject.hpp"

namespace jailed::trust {

// How a part or an entry changed.
enum class How { added, removed, changed };

// A file, link or directory of a local flake that changed.
struct EntryChange {
  std::string path;
  How how = How::changed;
  std::optional<util::TreeEntry> before;  // as last allowed
  std::optional<util::TreeEntry> after;   // as now
};

// Which part of a subject a change is about.
enum class Part { file, source, flake };

// One part of a subject that changed.
struct Change {
  Part part = Part::file;
  How how = How::changed;
  std::string label;                         // the .jailed's real path, a source's label, a flake's directory
  std::optional<std::string> before, after;  // file and source: the texts (as far as known)
  std::vector<EntryChange> entries;          // flake: what changed in it, in path order
  bool listed = true;                        // flake: both versions were listed, so `entries` is complete
};

// Returns the parts of `after` that differ from `before`, in this order: the file, the sources
// (in `after`'s order, then removed ones), the local flakes (by directory).
std::vector<Change> changes_between(const Subject& before, const Subject& after);

}  // namespace jailed::trust
