#include "cli/context.hpp"

#include "cli/setup_check.hpp"

#include <unistd.h>

#include <algorithm>
#include <set>

#include "cli/output.hpp"
#include "cli/review.hpp"
#include "resolve/nix_spec.hpp"
#include "trust/changes.hpp"
#include "util/error.hpp"
#include "util/files.hpp"
#include "util/paths.hpp"
#include "util/strings.hpp"
#include "util/terminal_text.hpp"
#include "util/tree_digest.hpp"

namespace jailed::cli {

std::string self_path() {
  auto self = util::read_link("/proc/self/exe");
  if (!self || self->empty()) throw Error("cannot find the jailed binary (is /proc mounted?)");
  std::string path = *self;
  // After a reinstall the running binary reads "PATH (deleted)"; the new one is at PATH.
  const std::string deleted = " (deleted)";
  if (path.size() > deleted.size() && path.compare(path.size() - deleted.size(), deleted.size(), deleted) == 0) {
    path.erase(path.size() - deleted.size());
  }
  return path;
}

config::UserContext user_context() { return {util::home_dir(), util::xdg_dir("CONFIG") + "/jailed"}; }

trust::Subject subject_of(const config::LoadedFile& file, const Result<config::JailConfig>& merged,
                          const config::UserContext& user, bool keep_texts) {
  trust::Subject subject{file.real_path, file.content, {}, {}};
  std::vector<config::Source> sources;
  if (merged.ok()) {
    sources = merged->sources;
  } else if (auto listed = config::sources_of(file.path, file.content, user); listed.ok()) {
    // A preset that no longer merges is still a changed preset: say which.
    sources = std::move(*listed);
  }
  for (auto& source : sources) subject.sources.push_back(trust::SourceFile{source.label, std::move(source.content)});
  if (!merged.ok()) return subject;  // an invalid file activates nothing: its flakes do not matter
  std::set<std::string> dirs;
  for (const auto& agent : merged->agents) {
    auto specs = resolve::agent_specs(agent);
    if (!specs.ok()) continue;  // host: packages, or a bad spec reported when it runs
    for (const auto& spec : specs->all()) {
      if (!spec.local_dir.empty()) dirs.insert(spec.local_dir);
    }
  }
  for (const auto& dir : dirs) {
    auto tree = keep_texts ? util::read_tree(dir, trust::k_kept_text, trust::k_kept_tree_text) : util::read_tree(dir);
    subject.trees.push_back(trust::local_tree(dir, std::move(tree)));
  }
  return subject;
}

util::TreeDigests tree_digests(const trust::Subject& subject) {
  util::TreeDigests digests;
  const std::string unreadable = "unreadable: ";
  for (const auto& tree : subject.trees) {
    if (util::starts_with(tree.digest, unreadable)) {
      digests.emplace(tree.dir, fail(tree.digest.substr(unreadable.size())));
    } else {
      digests.emplace(tree.dir, tree.digest);
    }
  }
  return digests;
}

Checked check_file(trust::TrustStore& store, const config::LoadedFile& file, const Result<config::JailConfig>& merged,
                   bool keep_texts) {
  return check_subject(store, subject_of(file, merged, user_context(), keep_texts));
}

Checked check_subject(trust::TrustStore& store, trust::Subject subject) {
  Checked checked;
  checked.verdict = store.check(subject);
  checked.subject = std::move(subject);
  const auto& allowed = checked.verdict.allowed;
  checked.file_unchanged = checked.verdict.status == trust::Status::changed && allowed &&
                           allowed->content == checked.subject.content;
  if (checked.file_unchanged && checked.verdict.complete) {
    auto changes = trust::changes_between(*allowed, checked.subject);
    checked.flakes_only = std::all_of(changes.begin(), changes.end(),
                                      [](const trust::Change& change) { return change.part == trust::Part::flake; });
  }
  return checked;
}

namespace {

// Returns `path` relative to the directory of the allowed .jailed `enclosing`, for messages.
std::string relative_to_project(const std::string& path, const std::string& enclosing) {
  std::string dir = util::parent_dir(enclosing);
  std::string prefix = dir == "/" ? dir : dir + "/";
  std::string relative = util::starts_with(path, prefix) ? path.substr(prefix.size()) : path;
  return util::find_deceptive(relative) ? util::printable(relative) : relative;
}

// Returns what changed besides the file, in words: "~/.config/jailed/config changed, ...".
std::string what_it_uses_changed(const Checked& checked) {
  std::vector<std::string> parts;
  for (const auto& change : trust::changes_between(*checked.verdict.allowed, checked.subject)) {
    std::string label = part_label(change.part, change.label);
    switch (change.how) {
      case trust::How::added: parts.push_back(label + " is new"); break;
      case trust::How::removed: parts.push_back(label + " is gone"); break;
      case trust::How::changed: parts.push_back(label + " changed"); break;
    }
  }
  return util::join(parts, ", ");
}

}  // namespace

std::string blocked_message(const Checked& checked, const std::string& path) {
  std::string shown = display_path(path);
  const auto& verdict = checked.verdict;
  const std::string& enclosing = verdict.enclosing;
  switch (verdict.status) {
    case trust::Status::not_allowed:
      if (!enclosing.empty()) {
        return relative_to_project(checked.subject.real_path, enclosing) + " is new inside the allowed project " +
               display_path(util::parent_dir(enclosing)) +
               "; an agent may have written it: review it before 'jailed allow'";
      }
      return shown + " is not allowed; review it, then run 'jailed allow'";
    case trust::Status::changed:
      if (checked.file_unchanged && !verdict.complete) {
        // Allowed by a jailed that trusted the file alone: what it uses was never reviewed.
        return shown + " is unchanged, but the presets and config files it uses were not part of its allow; " +
               "review them, then run 'jailed allow'";
      }
      if (checked.file_unchanged) {
        if (checked.flakes_only) {
          return "a local flake that " + shown + " uses changed since you allowed it; review it, then run 'jailed allow'";
        }
        return what_it_uses_changed(checked) + " since you allowed " + shown +
               "; review it, then run 'jailed allow' (it shows what changed)";
      }
      if (!enclosing.empty()) {
        return relative_to_project(checked.subject.real_path, enclosing) +
               " changed since you allowed it; it lies inside the allowed project " +
               display_path(util::parent_dir(enclosing)) +
               ", where an agent may have changed it: review it ('jailed allow' shows what changed)";
      }
      return shown + " changed since you allowed it; review it ('jailed allow' shows what changed)";
    case trust::Status::denied:
      return shown + " is denied; run 'jailed allow' if you want to trust it";
    case trust::Status::allowed:
      break;
  }
  return shown + " is allowed";
}

Allowed load_allowed(const std::string& path, const LaunchMemo* memo) {
  auto file = config::read_jailed_file(path).take();
  if (auto why = broad_project(util::parent_dir(path), user_context().home)) {
    throw Error("refusing " + display_path(path) + ": " + *why, ExitCode::not_allowed);
  }
  auto merged = config::load_config(path, file.content, user_context());
  // The subject holds the presets and global config as merged: an edit to any of them changes
  // the hash, so a launch record made before it no longer vouches for the file.
  trust::Subject subject = subject_of(file, merged, user_context());
  std::string hash = memo ? trust::trust_hash(subject) : "";
  if (!memo || !merged.ok() || !memo->vouches_for(file.real_path, hash)) {
    trust::TrustStore store(trust::TrustStore::default_path(), false);
    auto checked = check_subject(store, std::move(subject));
    // Trust first: the user is told to review an untrusted file before hearing of its errors.
    if (checked.verdict.status != trust::Status::allowed) {
      throw Error(blocked_message(checked, path), ExitCode::not_allowed);
    }
    subject = std::move(checked.subject);
  }
  util::TreeDigests trees = tree_digests(subject);
  config::JailConfig config = std::move(merged).take();
  // A file allowed before allow refused such grants (or whose global config gained one since)
  // does not get them either: string comparisons only, so a launch pays nothing noticeable.
  std::string home = user_context().home;
  for (const auto& agent : config.agents) {
    for (const auto* paths : {&agent.readonly, &agent.readwrite, &agent.config}) {
      for (const auto& value : *paths) {
        if (auto why = broad_grant(value.text, home)) {
          throw Error(value.origin.text() + ": refusing " + display_path(value.text) + ": " + *why,
                      ExitCode::bad_config);
        }
      }
    }
  }
  return {std::move(file), std::move(config), std::move(trees), std::move(hash)};
}

}  // namespace jailed::cli
