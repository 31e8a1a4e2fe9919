#include "snapshot/unified.hpp"

#include <algorithm>
#include <string_view>

#include "util/line_diff.hpp"
#include "util/strings.hpp"

namespace jailed::snapshot {
namespace {

std::vector<std::string> lines_of(const std::string& text) {
  auto lines = util::split(text, '\n');
  if (!lines.empty() && lines.back().empty()) lines.pop_back();
  return lines;
}

std::string joined(const std::vector<std::string>& lines, size_t from, size_t to) {
  std::string text;
  for (size_t i = from; i < to; ++i) text += lines[i] + "\n";
  return text;
}

std::string range(size_t start, size_t count) {
  // An empty range names the line before it, as diff -u does.
  return std::to_string(count == 0 ? start - 1 : start) + "," + std::to_string(count);
}

}  // namespace

bool looks_like_text(const std::string& bytes) {
  std::string_view head(bytes.data(), std::min<size_t>(bytes.size(), 8192));
  return head.find('\0') == std::string_view::npos;
}

std::vector<Hunk> unified_hunks(const std::string& before, const std::string& after, size_t context) {
  auto a = lines_of(before);
  auto b = lines_of(after);
  // The common head and tail need no comparison (and would make line_diff's table huge).
  size_t head = 0;
  while (head < a.size() && head < b.size() && a[head] == b[head]) ++head;
  size_t tail = 0;
  while (tail < a.size() - head && tail < b.size() - head && a[a.size() - 1 - tail] == b[b.size() - 1 - tail]) ++tail;
  size_t lead = std::min(head, context);
  std::vector<std::string> ops;
  for (size_t i = head - lead; i < head; ++i) ops.push_back(" " + a[i]);
  for (auto& line : util::line_diff(joined(a, head, a.size() - tail), joined(b, head, b.size() - tail))) {
    ops.push_back(std::move(line));
  }
  for (size_t i = a.size() - tail; i < std::min(a.size(), a.size() - tail + context); ++i) ops.push_back(" " + a[i]);

  // Group changes closer than 2*context into one hunk, with line numbers of both sides.
  std::vector<Hunk> hunks;
  size_t old_line = head - lead + 1, new_line = head - lead + 1;
  size_t i = 0;
  while (i < ops.size()) {
    size_t first_change = i;
    while (first_change < ops.size() && ops[first_change][0] == ' ') ++first_change;
    if (first_change == ops.size()) break;
    size_t start = first_change > context ? std::max(i, first_change - context) : i;
    for (size_t k = i; k < start; ++k) ++old_line, ++new_line;
    size_t end = first_change;
    size_t quiet = 0;
    for (size_t k = first_change; k < ops.size(); ++k) {
      if (ops[k][0] == ' ') {
        if (++quiet > 2 * context) break;
      } else {
        quiet = 0;
        end = k + 1;
      }
    }
    end = std::min(ops.size(), end + context);
    Hunk hunk;
    size_t old_count = 0, new_count = 0;
    for (size_t k = start; k < end; ++k) {
      hunk.lines.push_back(ops[k]);
      if (ops[k][0] != '+') ++old_count;
      if (ops[k][0] != '-') ++new_count;
    }
    hunk.header = "@@ -" + range(old_line, old_count) + " +" + range(new_line, new_count) + " @@";
    old_line += old_count;
    new_line += new_count;
    hunks.push_back(std::move(hunk));
    i = end;
  }
  return hunks;
}

}  // namespace jailed::snapshot
