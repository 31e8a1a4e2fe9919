#include "trust/changes.hpp"

#include <map>

namespace jailed::trust {
namespace {

std::vector<EntryChange> entry_changes(const LocalTree& before, const LocalTree& after) {
  std::map<std::string, const util::TreeEntry*> old_entries;
  for (const auto& entry : before.entries) old_entries[entry.path] = &entry;
  std::map<std::string, EntryChange> out;
  for (const auto& entry : after.entries) {
    auto found = old_entries.find(entry.path);
    if (found == old_entries.end()) {
      out[entry.path] = EntryChange{entry.path, How::added, std::nullopt, entry};
      continue;
    }
    const util::TreeEntry& old = *found->second;
    if (old.kind != entry.kind || old.digest != entry.digest) {
      out[entry.path] = EntryChange{entry.path, How::changed, old, entry};
    }
    old_entries.erase(found);
  }
  for (const auto& [path, entry] : old_entries) out[path] = EntryChange{path, How::removed, *entry, std::nullopt};
  std::vector<EntryChange> listed;
  listed.reserve(out.size());
  for (auto& [path, change] : out) listed.push_back(std::move(change));
  return listed;
}

Change flake_change(How how, const std::string& dir, const LocalTree* before, const LocalTree* after) {
  Change change;
  change.part = Part::flake;
  change.how = how;
  change.label = dir;
  // A flake that appeared or went away is listed against an empty tree.
  LocalTree empty;
  const LocalTree& old = before ? *before : empty;
  const LocalTree& now = after ? *after : empty;
  change.listed = old.listed && now.listed;
  if (change.listed) change.entries = entry_changes(old, now);
  return change;
}

}  // namespace

std::vector<Change> changes_between(const Subject& before, const Subject& after) {
  std::vector<Change> out;
  if (before.content != after.content || before.real_path != after.real_path) {
    out.push_back(Change{Part::file, How::changed, after.real_path, before.content, after.content, {}, true});
  }

  auto find_source = [](const Subject& subject, const std::string& label) -> const SourceFile* {
    for (const auto& source : subject.sources) {
      if (source.label == label) return &source;
    }
    return nullptr;
  };
  for (const auto& source : after.sources) {
    const SourceFile* old = find_source(before, source.label);
    if (!old) {
      out.push_back(Change{Part::source, How::added, source.label, std::nullopt, source.content, {}, true});
    } else if (old->content != source.content) {
      out.push_back(Change{Part::source, How::changed, source.label, old->content, source.content, {}, true});
    }
  }
  for (const auto& source : before.sources) {
    if (!find_source(after, source.label)) {
      out.push_back(Change{Part::source, How::removed, source.label, source.content, std::nullopt, {}, true});
    }
  }

  std::map<std::string, std::pair<const LocalTree*, const LocalTree*>> trees;
  for (const auto& tree : before.trees) trees[tree.dir].first = &tree;
  for (const auto& tree : after.trees) trees[tree.dir].second = &tree;
  for (const auto& [dir, pair] : trees) {
    auto [old, now] = pair;
    if (!old) {
      out.push_back(flake_change(How::added, dir, nullptr, now));
    } else if (!now) {
      out.push_back(flake_change(How::removed, dir, old, nullptr));
    } else if (old->digest != now->digest) {
      out.push_back(flake_change(How::changed, dir, old, now));
    }
  }
  return out;
}

}  // namespace jailed::trust
