#include "cli/project_snapshots.hpp"

#include <unistd.h>

#include <cstdio>

#include "cli/context.hpp"
#include "cli/output.hpp"
#include "config/find.hpp"
#include "util/files.hpp"
#include "snapshot/retention.hpp"
#include "snapshot/tree_walk.hpp"
#include "util/error.hpp"
#include "util/paths.hpp"
#include "util/strings.hpp"

namespace jailed::cli {

const char* const k_before_restore = "before restore";

namespace {

// Returns the absolute `path` with "." and ".." resolved by name (the current directory comes
// from getcwd, so its ".." is its real parent).
std::string resolve_dots(const std::string& path) {
  std::vector<std::string> kept;
  for (auto& part : util::split(path, '/')) {
    if (part.empty() || part == ".") continue;
    if (part == "..") {
      if (!kept.empty()) kept.pop_back();
      continue;
    }
    kept.push_back(part);
  }
  return "/" + util::join(kept, "/");
}

// Returns `text` with the characters fnmatch() gives a meaning escaped.
std::string glob_escaped(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '*' || c == '?' || c == '[' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

int64_t number_after(const std::string& text, size_t from) {
  if (from >= text.size() || text.size() - from > 15 || text.find_first_not_of("0123456789", from) != std::string::npos) {
    return -1;
  }
  return std::stoll(text.substr(from));
}

}  // namespace

snapshot::Settings snapshot_settings(const config::JailConfig& config, bool* enabled) {
  snapshot::Settings settings;
  if (enabled) *enabled = true;
  std::vector<std::string> patterns;
  // A project that holds jailed's own state (a .jailed in the home) must not snapshot its snapshots.
  auto real = util::real_path(config.project_dir);
  std::string project = real ? *real : config.project_dir;
  std::string root = snapshot::Store::default_root();
  if (util::is_within(root, project) && root != project) {
    patterns.push_back("/" + glob_escaped(root.substr(project.size() + 1)));
  }
  settings.patterns = patterns;
  settings.excludes = snapshot::Excludes(patterns);
  if (config.agents.empty()) return settings;
  const auto& agent = config.agents.front();
  for (const auto& value : agent.snapshot_exclude) patterns.push_back(value.text);
  settings.excludes = snapshot::Excludes(patterns);
  settings.patterns = patterns;
  settings.max_size = agent.snapshot_max_size;
  settings.keep = agent.snapshot_keep;
  settings.max_total = agent.snapshot_max_total;
  if (enabled) *enabled = agent.snapshot;
  return settings;
}

ProjectSnapshots open_project_snapshots(bool create) {
  std::string path = config::locate_jailed_file("").take();
  auto file = config::read_jailed_file(path).take();
  ProjectSnapshots project;
  project.project_dir = util::parent_dir(file.real_path);
  auto merged = config::load_config(path, file.content, user_context());
  if (!merged) throw Error(merged.error(), merged.failure().code);
  project.settings = snapshot_settings(*merged, &project.enabled);
  project.store = std::make_unique<snapshot::Store>(snapshot::Store::default_root(), project.project_dir, create);
  return project;
}

bool is_selector(const std::string& word) {
  return number_after(word, 0) >= 0 || (!word.empty() && word[0] == 's' && number_after(word, 1) >= 0);
}

int64_t select_snapshot(snapshot::Store& store, const std::string& selector, const std::string& command) {
  if (selector.empty()) {
    auto sessions = store.sessions();
    for (auto it = sessions.rbegin(); it != sessions.rend(); ++it) {
      if (it->snapshot && store.snapshot(it->snapshot)) return it->snapshot;
    }
    // Not one taken before a restore: going back to it would undo the restore.
    int64_t latest = 0;
    for (const auto& info : store.snapshots()) {
      if (info.reason != k_before_restore) latest = info.id;
    }
    if (!latest) throw Error("jailed " + command + ": this project has no snapshot yet (take one with 'jailed snapshot')", ExitCode::usage);
    return latest;
  }
  if (selector[0] == 's') {
    int64_t id = number_after(selector, 1);
    auto session = id > 0 ? store.session(id) : std::nullopt;
    if (!session) throw Error("jailed " + command + ": no session " + util::printable(selector) + " (see 'jailed log')", ExitCode::usage);
    if (!session->snapshot || !store.snapshot(session->snapshot)) {
      throw Error("jailed " + command + ": session " + selector + " has no snapshot (none was taken, or it was pruned)",
                  ExitCode::usage);
    }
    return session->snapshot;
  }
  int64_t id = number_after(selector, 0);
  if (id <= 0 || !store.snapshot(id)) {
    throw Error("jailed " + command + ": no snapshot " + util::printable(selector) + " (see 'jailed snapshots')", ExitCode::usage);
  }
  return id;
}

std::vector<std::string> project_relative(const std::string& project_dir, const std::vector<std::string>& paths,
                                          const std::string& command) {
  std::vector<std::string> out;
  std::string cwd = util::current_dir();
  for (const auto& path : paths) {
    std::string absolute = resolve_dots(path.empty() || path[0] != '/' ? cwd + "/" + path : path);
    if (absolute == project_dir) {
      out.emplace_back();
    } else if (util::is_within(absolute, project_dir)) {
      out.push_back(absolute.substr(project_dir.size() + 1));
    } else {
      throw Error("jailed " + command + ": " + util::printable(path) + " is outside the project " + display_path(project_dir),
                  ExitCode::usage);
    }
  }
  return out;
}

std::string human_size(int64_t bytes) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double value = static_cast<double>(bytes);
  int unit = 0;
  while (value >= 1024 && unit < 4) {
    value /= 1024;
    ++unit;
  }
  char text[32];
  if (unit == 0) {
    std::snprintf(text, sizeof text, "%lld B", static_cast<long long>(bytes));
  } else {
    std::snprintf(text, sizeof text, "%.1f %s", value, units[unit]);
  }
  return text;
}

int64_t snapshot_now(ProjectSnapshots& project, const std::string& reason, bool quiet) {
  int root = snapshot::open_project(project.project_dir).take();
  auto taken = snapshot::take_snapshot(*project.store, root, project.settings, reason);
  ::close(root);
  if (!taken) throw Error("cannot snapshot " + display_path(project.project_dir) + ": " + taken.error());
  if (taken->id == 0) {
    warn(display_path(project.project_dir) + " holds " + human_size(taken->project_bytes) +
         ", over snapshot-max-size (" + human_size(project.settings.max_size) +
         "): no snapshot taken; leave big directories out with snapshot-exclude, or raise the cap");
    return 0;
  }
  if (!taken->reused) snapshot::prune(*project.store, project.settings, false);
  if (!quiet) {
    auto taken_info = project.store->snapshot(taken->id);
    std::string what = taken->reused ? "unchanged since snapshot " + std::to_string(taken->id)
                                     : "snapshot " + std::to_string(taken->id);
    info(what + " of " + display_path(project.project_dir) + ": " + std::to_string(taken_info ? taken_info->files : 0) +
         " paths, " + human_size(taken->project_bytes) + " (" + std::to_string(taken->files_read) + " files read, " +
         human_size(taken->stored) + " stored)");
  }
  return taken->id;
}

SnapshotTarget select_target(ProjectSnapshots& project, std::vector<std::string> operands, const std::string& command) {
  std::string selector;
  if (!operands.empty() && is_selector(operands[0])) {
    selector = operands[0];
    operands.erase(operands.begin());
  }
  SnapshotTarget target;
  target.id = select_snapshot(*project.store, selector, command);
  target.paths = project_relative(project.project_dir, operands, command);
  return target;
}

}  // namespace jailed::cli
