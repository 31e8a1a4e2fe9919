#include "util/line_diff.hpp"

#include <algorithm>

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
    } else if (i < a.size() && (j == b.size() || lcs[i + 1][j] >= lcs[i][j + 1])) {
      // On a tie the old line goes first, so a replaced line reads "-old" then "+new".
      out.push_back("-" + a[i++]);
    } else {
      out.push_back("+" + b[j++]);
    }
  }
  return out;
}

std::vector<std::string> diff_hunks(const std::vector<std::string>& diff, size_t context) {
  // Distance of each line to the nearest change, looking both ways.
  const size_t far = diff.size() + context + 1;
  std::vector<size_t> distance(diff.size(), far);
  size_t since = far;
  for (size_t i = 0; i < diff.size(); ++i) {
    since = diff[i][0] == ' ' ? (since == far ? far : since + 1) : 0;
    distance[i] = since;
  }
  since = far;
  for (size_t i = diff.size(); i-- > 0;) {
    since = diff[i][0] == ' ' ? (since == far ? far : since + 1) : 0;
    distance[i] = std::min(distance[i], since);
  }
  std::vector<std::string> out;
  size_t skipped = 0;
  for (size_t i = 0; i < diff.size(); ++i) {
    if (distance[i] <= context) {
      if (skipped) out.push_back("@" + std::to_string(skipped));
      skipped = 0;
      out.push_back(diff[i]);
    } else {
      ++skipped;
    }
  }
  if (skipped) out.push_back("@" + std::to_string(skipped));
  return out;
}

}  // namespace jailed::util
