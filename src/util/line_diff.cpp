#include "util/line_diff.hpp"

#include "util/strings.hpp"

namespace jailed::util {
namespace {

std::vector<std::string> lines_of(const std::string& text) {
  auto lines = split(text, '\n');
  if (!lines.empty() && lines.back().empty()) lines.pop_back();
  return lines;
}

}  // namespace

std::vector<std::string> line_diff(const std::string& before, const std::string& after) {
  std::vector<std::string> out;
  if (before == after) return out;
  auto a = lines_of(before);
  auto b = lines_of(after);
  // Longest common subsequence table; bounded so a huge file cannot exhaust memory.
  if (a.size() * b.size() > 4'000'000) {
    for (auto& line : a) out.push_back("-" + line);
    for (auto& line : b) out.push_back("+" + line);
    return out;
  }
  std::vector<std::vector<unsigned>> lcs(a.size() + 1, std::vector<unsigned>(b.size() + 1, 0));
  for (size_t i = a.size(); i-- > 0;) {
    for (size_t j = b.size(); j-- > 0;) {
      lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : std::max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  size_t i = 0, j = 0;
  while (i < a.size() || j < b.size()) {
    if (i < a.size() && j < b.size() && a[i] == b[j]) {
      out.push_back(" " + a[i++]);
      ++j;
    } else if (j < b.size() && (i == a.size() || lcs[i][j + 1] >= lcs[i + 1][j])) {
      out.push_back("+" + b[j++]);
    } else {
      out.push_back("-" + a[i++]);
    }
  }
  return out;
}

}  // namespace jailed::util
