// jailed diff [SESSION|SNAPSHOT] [--stat|--name-only] [PATH...]: what changed in the project
// since a snapshot, as a unified diff for text and in words for the rest.
#include <unistd.h>

#include <cstdio>
#include <set>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "cli/output.hpp"
#include "cli/project_snapshots.hpp"
#include "snapshot/content.hpp"
#include "snapshot/fetch.hpp"
#include "snapshot/host_files.hpp"
#include "snapshot/tree_walk.hpp"
#include "snapshot/unified.hpp"
#include "util/error.hpp"
#include "util/terminal_text.hpp"

namespace jailed::cli {
namespace {

using snapshot::Change;
using snapshot::ChangeKind;
using snapshot::Entry;
using snapshot::Kind;

// Text larger than this is reported by size, not line by line.
constexpr int64_t k_diff_limit = 1024 * 1024;

class Printer {
 public:
  explicit Printer(bool color) : m_color(color) {}
  void line(const std::string& text, const char* sgr = nullptr) {
    std::string out = util::escape_deceptive(text, "\t");
    if (m_color && sgr) out = std::string("\033[") + sgr + "m" + out + "\033[0m";
    out += '\n';
    std::fwrite(out.data(), 1, out.size(), stdout);
  }

 private:
  bool m_color;
};

std::string mode_text(const Entry& e) {
  char text[16];
  unsigned type = e.kind == Kind::link ? 0120000 : e.kind == Kind::dir ? 040000 : 0100000;
  std::snprintf(text, sizeof text, "%06o", type | e.mode);
  return text;
}

std::string kind_word(const Entry& e) {
  switch (e.kind) {
    case Kind::file: return e.executable() ? "executable file" : "file";
    case Kind::dir: return "directory";
    case Kind::link: return "link to " + e.target;
    case Kind::other: return "special file";
  }
  return "entry";
}

std::string what_it_is(const Entry& e) {
  std::string word = kind_word(e);
  return (word[0] == 'e' ? "an " : "a ") + word;
}

// The content of each text-diffable side, fetched in one pass over the packs.
struct Contents {
  std::map<std::string, std::string> before;  // by raw hash
  std::map<std::string, std::string> after;   // by path
};

Contents load_contents(snapshot::Store& store, int root, const std::vector<Change>& changes) {
  Contents contents;
  std::set<std::string> wanted;
  for (const auto& c : changes) {
    if (c.before && c.before->kind == Kind::file && c.before->size <= k_diff_limit) wanted.insert(c.before->hash);
    if (c.after && c.after->kind == Kind::file && c.after->size <= k_diff_limit) {
      auto content = snapshot::read_content(root, c.path);
      if (content && *content && (*content)->bytes) contents.after[c.path] = *(*content)->bytes;
    }
  }
  contents.before = snapshot::fetch_contents(store, wanted).take();
  return contents;
}

const std::string* find(const std::map<std::string, std::string>& map, const std::string& key) {
  auto it = map.find(key);
  return it == map.end() ? nullptr : &it->second;
}

void print_change(Printer& out, const Change& c, const Contents& contents) {
  std::string a = "a/" + c.path, b = "b/" + c.path;
  out.line("diff " + a + " " + b, "1");
  if (c.what == ChangeKind::added) out.line("new " + kind_word(*c.after) + ", mode " + mode_text(*c.after));
  if (c.what == ChangeKind::deleted) out.line("deleted " + kind_word(*c.before) + ", mode " + mode_text(*c.before));
  if (c.what == ChangeKind::kind) {
    out.line("was " + what_it_is(*c.before) + ", now " + what_it_is(*c.after), "33");
    return;
  }
  if (c.before && c.after && c.before->mode != c.after->mode) {
    out.line("old mode " + mode_text(*c.before));
    out.line("new mode " + mode_text(*c.after));
  }
  const Entry& some = c.after ? *c.after : *c.before;
  if (some.kind == Kind::link && c.before && c.after) {
    out.line("link to " + c.before->target + ", now to " + c.after->target, "33");
    return;
  }
  if (some.kind != Kind::file || (c.what == ChangeKind::mode)) return;
  const std::string* old_text = c.before ? find(contents.before, c.before->hash) : nullptr;
  const std::string* new_text = c.after ? find(contents.after, c.path) : nullptr;
  static const std::string k_empty;
  if ((c.before && !old_text) || (c.after && !new_text)) {
    out.line("large file: " + std::to_string(c.before ? c.before->size : 0) + " bytes, now " +
             std::to_string(c.after ? c.after->size : 0));
    return;
  }
  if (!old_text) old_text = &k_empty;
  if (!new_text) new_text = &k_empty;
  if (!snapshot::looks_like_text(*old_text) || !snapshot::looks_like_text(*new_text)) {
    out.line("Binary files " + (c.before ? a : "/dev/null") + " and " + (c.after ? b : "/dev/null") + " differ");
    return;
  }
  out.line("--- " + (c.before ? a : "/dev/null"), "1");
  out.line("+++ " + (c.after ? b : "/dev/null"), "1");
  for (const auto& hunk : snapshot::unified_hunks(*old_text, *new_text)) {
    out.line(hunk.header, "36");
    for (const auto& text : hunk.lines) out.line(text, text[0] == '-' ? "31" : text[0] == '+' ? "32" : nullptr);
  }
}

// Returns "+N -M" for a text change, or a word for the rest.
std::string stat_of(const Change& c, const Contents& contents) {
  if (c.what == ChangeKind::kind) return "type";
  if (c.what == ChangeKind::mode) return "mode";
  const Entry& some = c.after ? *c.after : *c.before;
  if (some.kind != Kind::file) return c.what == ChangeKind::added ? "new" : c.what == ChangeKind::deleted ? "gone" : "link";
  const std::string* old_text = c.before ? find(contents.before, c.before->hash) : nullptr;
  const std::string* new_text = c.after ? find(contents.after, c.path) : nullptr;
  static const std::string k_empty;
  if ((c.before && !old_text) || (c.after && !new_text)) return "large";
  if (!old_text) old_text = &k_empty;
  if (!new_text) new_text = &k_empty;
  if (!snapshot::looks_like_text(*old_text) || !snapshot::looks_like_text(*new_text)) return "binary";
  int64_t plus = 0, minus = 0;
  for (const auto& hunk : snapshot::unified_hunks(*old_text, *new_text, 0)) {
    for (const auto& text : hunk.lines) (text[0] == '+' ? plus : minus) += text[0] != ' ';
  }
  return "+" + std::to_string(plus) + " -" + std::to_string(minus);
}

}  // namespace

int cmd_diff(const Args& args) {
  OptionTable options = {{{"stat", OptionKind::flag, "one line per changed path and a total"},
                          {"name-only", OptionKind::flag, "only the changed paths, one per line"}}};
  options.operands = true;
  auto values = parse_options(command_named("diff"), args, options);
  if (!values) return 0;
  if (values->has("stat") && values->has("name-only")) {
    throw Error("jailed diff: --stat and --name-only do not go together", ExitCode::usage);
  }
  auto project = open_project_snapshots(false);
  auto [id, paths] = select_target(project, values->operands(), "diff");
  auto info = project.store->snapshot(id);
  int root = snapshot::open_project(project.project_dir).take();
  auto changes = snapshot::compare_tree(project.store->manifest(id), root, snapshot::Excludes(info->excludes)).take();
  changes = snapshot::select_paths(std::move(changes), paths);
  if (values->has("name-only")) {
    for (const auto& c : changes) print_out(shown(c.path) + "\n");
    ::close(root);
    return 0;
  }
  auto contents = load_contents(*project.store, root, changes);
  ::close(root);
  Printer out(color_enabled(1));
  if (values->has("stat")) {
    for (const auto& c : changes) {
      std::string flag = snapshot::host_tool_reason(c).empty() ? "" : "  (" + snapshot::host_tool_reason(c) + ")";
      out.line(" " + c.path + " | " + stat_of(c, contents) + flag);
    }
    auto counts = snapshot::count_changes(changes);
    out.line(" " + std::to_string(counts.added) + " added, " + std::to_string(counts.changed) + " changed, " +
             std::to_string(counts.deleted) + " deleted since snapshot " + std::to_string(id));
  } else {
    for (const auto& c : changes) print_change(out, c, contents);
  }
  std::fflush(stdout);
  return 0;
}

}  // namespace jailed::cli
