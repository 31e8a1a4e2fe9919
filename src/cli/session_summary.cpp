#include "cli/session_summary.hpp"

#include <unistd.h>

#include <ctime>

#include "cli/output.hpp"
#include "cli/project_snapshots.hpp"
#include "snapshot/host_files.hpp"
#include "snapshot/store.hpp"
#include "snapshot/tree_walk.hpp"
#include "util/strings.hpp"

namespace jailed::cli {
namespace {

// Returns up to `limit` paths, then how many more.
std::string some_paths(const std::vector<std::string>& paths, size_t limit) {
  std::vector<std::string> shown_paths;
  for (size_t i = 0; i < paths.size() && i < limit; ++i) shown_paths.push_back(shown(paths[i]));
  std::string text = util::join(shown_paths, ", ");
  if (paths.size() > limit) text += " and " + std::to_string(paths.size() - limit) + " more";
  return text;
}

}  // namespace

std::string summary_line(const std::string& agent, int64_t session, const std::vector<snapshot::Change>& changes) {
  auto counts = snapshot::count_changes(changes);
  if (counts.empty()) return agent + " changed nothing in the project";
  std::string line = agent + ": " + std::to_string(counts.added) + " added, " + std::to_string(counts.changed) + " changed, " +
         std::to_string(counts.deleted) + " deleted (review: jailed diff s" + std::to_string(session) +
         "; undo: jailed restore s" + std::to_string(session) + ")";
  auto risky = snapshot::host_tool_paths(changes);
  if (!risky.empty()) {
    line += "; " + styled("warning:", "1;33") + " changed what host tools run: " + some_paths(risky, 4);
  }
  return line;
}

void end_session(const std::string& project, int64_t session_id, int status) {
  try {
    snapshot::Store store(snapshot::Store::default_root(), project, false);
    auto session = store.session(session_id);
    if (!session) return;
    session->ended = static_cast<int64_t>(::time(nullptr));
    session->status = status;
    auto info = session->snapshot ? store.snapshot(session->snapshot) : std::nullopt;
    if (!info) {
      store.end_session(*session);
      return;
    }
    int root = snapshot::open_project(project).take();
    auto changes = snapshot::compare_tree(store.manifest(info->id), root, snapshot::Excludes(info->excludes));
    ::close(root);
    if (!changes) {
      store.end_session(*session);
      warn("cannot tell what the session changed: " + changes.error());
      return;
    }
    auto counts = snapshot::count_changes(*changes);
    session->added = counts.added;
    session->changed = counts.changed;
    session->deleted = counts.deleted;
    session->warnings = util::join(snapshot::host_tool_paths(*changes), std::string_view("\0", 1));
    store.end_session(*session);
    info_styled(summary_line(session->agent, session_id, *changes));
  } catch (const std::exception& e) {
    warn(std::string("cannot record the end of the session: ") + e.what());
  }
}

}  // namespace jailed::cli
