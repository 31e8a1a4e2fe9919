#include "cli/review.hpp"

#include "cli/output.hpp"
#include "util/line_diff.hpp"
#include "util/paths.hpp"
#include "util/strings.hpp"
#include "util/terminal_text.hpp"

namespace jailed::cli {
namespace {

constexpr size_t k_context = 3;         // kept lines shown around each change
constexpr size_t k_max_lines = 400;     // lines shown of one text
constexpr size_t k_max_entries = 200;   // files named of one local flake

// Returns a line of a file, escaped; tabs stay (a terminal only moves the cursor on for them).
std::string file_line(std::string_view line) { return util::escape_deceptive(line, "\t"); }

std::string how_word(trust::How how) {
  switch (how) {
    case trust::How::added: return "new";
    case trust::How::removed: return "gone";
    case trust::How::changed: return "changed";
  }
  return "";
}

std::string kind_note(const util::TreeEntry& entry) {
  if (entry.kind == "exec") return " (executable)";
  if (entry.kind == "link") return " -> " + shown(entry.digest);
  if (entry.kind == "dir") return " (directory)";
  return "";
}

std::string entry_name(const util::TreeEntry& entry) {
  return entry.path.empty() ? std::string("(the flake is this one file)") : shown(entry.path);
}

// Adds the diff from `before` to `after` (all '+' for a new text), in hunks, coloured.
void add_diff(std::vector<std::string>& out, const std::string& indent, const std::string& before,
              const std::string& after) {
  auto lines = util::diff_hunks(util::line_diff(before, after), k_context);
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string& line = lines[i];
    if (i == k_max_lines) {
      out.push_back(indent + "... " + std::to_string(lines.size() - i) + " more lines (read the file itself)");
      return;
    }
    if (line[0] == '@') {
      out.push_back(indent + "... " + line.substr(1) + " unchanged lines");
      continue;
    }
    std::string text = line.substr(0, 1) + file_line(std::string_view(line).substr(1));
    if (line[0] == '+') text = styled(text, "32");
    if (line[0] == '-') text = styled(text, "31");
    out.push_back(indent + text);
  }
}

// Adds the names of a local flake's files (directories are implied by them).
void add_listing(std::vector<std::string>& out, const trust::LocalTree& tree) {
  if (!tree.listed) {
    bool unreadable = util::starts_with(tree.digest, "unreadable: ");
    out.push_back("  " + part_label(trust::Part::flake, tree.dir) +
                  (unreadable ? ": " + shown(tree.digest) : ": more than " + std::to_string(trust::k_kept_entries) +
                                                                " entries, not listed (review it yourself)"));
    return;
  }
  std::vector<const util::TreeEntry*> files;
  for (const auto& entry : tree.entries) {
    if (entry.kind != "dir") files.push_back(&entry);
  }
  out.push_back("  " + part_label(trust::Part::flake, tree.dir) + " (" + std::to_string(files.size()) +
                (files.size() == 1 ? " file" : " files") + "):");
  for (size_t i = 0; i < files.size(); ++i) {
    if (i == k_max_entries) {
      out.push_back("    ... and " + std::to_string(files.size() - i) + " more");
      break;
    }
    out.push_back("    " + entry_name(*files[i]) + kind_note(*files[i]));
  }
}

// Adds what the file uses: its sources by name, its local flakes with their files.
void add_uses(std::vector<std::string>& out, const trust::Subject& subject) {
  if (subject.sources.empty() && subject.trees.empty()) return;
  out.push_back("it uses (all part of what you allow):");
  for (const auto& source : subject.sources) out.push_back("  " + part_label(trust::Part::source, source.label));
  for (const auto& tree : subject.trees) add_listing(out, tree);
}

void add_entry_change(std::vector<std::string>& out, const trust::EntryChange& change) {
  const util::TreeEntry& entry = change.after ? *change.after : *change.before;
  if (entry.kind == "dir" && (!change.before || !change.after || change.before->kind == change.after->kind)) return;
  std::string head = "    " + how_word(change.how) + " " + entry_name(entry) + kind_note(entry);
  if (change.how == trust::How::changed && change.before->kind != change.after->kind) {
    head += " (was " + change.before->kind + ")";
  }
  if (change.how == trust::How::removed || entry.kind == "link" || entry.kind == "dir") {
    out.push_back(head);
    return;
  }
  bool before_known = change.how == trust::How::added || (change.before && change.before->text);
  if (!entry.text || !before_known) {
    out.push_back(head + ": not shown (not text, or larger than " + std::to_string(trust::k_kept_text / 1024) +
                  " KiB: read it yourself)");
    return;
  }
  out.push_back(head + ":");
  add_diff(out, "      ", change.how == trust::How::added ? "" : *change.before->text, *entry.text);
}

void add_change(std::vector<std::string>& out, const trust::Change& change) {
  std::string label = part_label(change.part, change.label);
  if (change.part == trust::Part::file) {
    out.push_back("  " + label + ":");
    add_diff(out, "    ", change.before.value_or(""), change.after.value_or(""));
    return;
  }
  out.push_back("  " + label + " (" + how_word(change.how) + "):");
  if (change.part == trust::Part::source) {
    add_diff(out, "    ", change.before.value_or(""), change.after.value_or(""));
    return;
  }
  if (!change.listed) {
    out.push_back("    its files were not all listed (unreadable, or more than " +
                  std::to_string(trust::k_kept_entries) + " entries): review it yourself");
    return;
  }
  size_t shown_entries = 0;
  for (const auto& entry : change.entries) {
    if (shown_entries++ == k_max_entries) {
      out.push_back("    ... and " + std::to_string(change.entries.size() - k_max_entries) + " more changes");
      break;
    }
    add_entry_change(out, entry);
  }
}

}  // namespace

std::string part_label(trust::Part part, const std::string& label) {
  switch (part) {
    case trust::Part::file:
      return display_path(label);
    case trust::Part::source:
      // "preset NAME (built in)": agent names are plain words, and jailed wrote the rest.
      return util::starts_with(label, "preset ") ? label : display_path(label);
    case trust::Part::flake:
      return "the local flake " + display_path(label);
  }
  return display_path(label);
}

std::vector<std::string> review_lines(const trust::Subject& subject, const trust::Verdict& verdict) {
  std::vector<std::string> out;
  if (!verdict.enclosing.empty()) {
    out.push_back(styled("note:", "33") + " it lies inside the allowed project " +
                  display_path(util::parent_dir(verdict.enclosing)) +
                  ", where an agent may have written it: read it before you allow it");
  }
  bool earlier = verdict.status == trust::Status::changed && verdict.allowed;
  if (!earlier) {
    out.push_back(display_path(subject.real_path) + ", as you allow it:");
    for (const auto& line : util::split(subject.content, '\n')) out.push_back("  | " + file_line(line));
    if (!subject.content.empty() && subject.content.back() == '\n') out.pop_back();
    add_uses(out, subject);
    return out;
  }
  if (!verdict.complete) {
    // A record from before jailed kept what a file uses: only the file itself can be compared.
    if (verdict.allowed->content != subject.content) {
      out.push_back("changes since you last allowed it:");
      add_change(out, trust::Change{trust::Part::file, trust::How::changed, subject.real_path,
                                    verdict.allowed->content, subject.content, {}, true});
    }
    out.push_back("your last allow of it covered the file alone; this one also covers what it uses:");
    add_uses(out, subject);
    return out;
  }
  out.push_back("changes since you last allowed it:");
  for (const auto& change : trust::changes_between(*verdict.allowed, subject)) add_change(out, change);
  return out;
}

}  // namespace jailed::cli
