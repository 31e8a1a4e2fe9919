// Reads /etc/passwd and /etc/group the way NSS's files module does, for a statically linked jailed.
#include "util/accounts.hpp"

#include <charconv>
#include <string_view>
#include <vector>

#include "util/files.hpp"
#include "util/strings.hpp"

namespace jailed::util {
namespace {

// Returns the colon-separated fields of the first line whose third field is `id`.
std::optional<std::vector<std::string>> find_by_id(const std::string& file, unsigned long id, size_t min_fields) {
  auto text = read_file(file, 16 * 1024 * 1024);
  if (!text) return std::nullopt;
  for (const auto& line : split(*text, '\n')) {
    if (line.empty() || line[0] == '#' || line[0] == '+' || line[0] == '-') continue;  // NIS compat lines
    auto fields = split(line, ':');
    if (fields.size() < min_fields) continue;
    unsigned long value = 0;
    const auto& text_id = fields[2];
    auto [end, error] = std::from_chars(text_id.data(), text_id.data() + text_id.size(), value);
    if (error == std::errc() && end == text_id.data() + text_id.size() && !text_id.empty() && value == id) {
      return fields;
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<PasswdEntry> passwd_entry(uid_t uid, const std::string& file) {
  auto fields = find_by_id(file, uid, 7);  // name:password:uid:gid:gecos:home:shell
  if (!fields || (*fields)[0].empty()) return std::nullopt;
  return PasswdEntry{(*fields)[0], (*fields)[5]};
}

std::optional<std::string> group_name(gid_t gid, const std::string& file) {
  auto fields = find_by_id(file, gid, 3);  // name:password:gid[:members]
  if (!fields || (*fields)[0].empty()) return std::nullopt;
  return (*fields)[0];
}

}  // namespace jailed::util
