// Reads /etc/passwd and /etc/group the way NSS's files module does, for a statically linked jailed.
#include "util/accounts.hpp"

#include <charconv>
#include <string_view>
#include <vector>

#include "util/files.hpp"
#include "util/strings.hpp"

namespace jailed::util {
namespace {

// Returns the id in the third field, or nullopt if it is not a number.
std::optional<unsigned long> id_field(const std::string& text_id) {
  unsigned long value = 0;
  auto [end, error] = std::from_chars(text_id.data(), text_id.data() + text_id.size(), value);
  if (error != std::errc() || end != text_id.data() + text_id.size() || text_id.empty()) return std::nullopt;
  return value;
}

// Returns the colon-separated fields of the first line of `file` for which `wanted` holds.
template <class Predicate>
std::optional<std::vector<std::string>> find_entry(const std::string& file, size_t min_fields, Predicate wanted) {
  auto text = read_file(file, 16 * 1024 * 1024);
  if (!text) return std::nullopt;
  for (const auto& line : split(*text, '\n')) {
    if (line.empty() || line[0] == '#' || line[0] == '+' || line[0] == '-') continue;  // NIS compat lines
    auto fields = split(line, ':');
    if (fields.size() >= min_fields && wanted(fields)) return fields;
  }
  return std::nullopt;
}

// Returns the fields of the first line whose third field is `id`.
std::optional<std::vector<std::string>> find_by_id(const std::string& file, unsigned long id, size_t min_fields) {
  return find_entry(file, min_fields, [&](const std::vector<std::string>& fields) { return id_field(fields[2]) == id; });
}

}  // namespace

std::optional<PasswdEntry> passwd_entry(uid_t uid, const std::string& file) {
  auto fields = find_by_id(file, uid, 7);  // name:password:uid:gid:gecos:home:shell
  if (!fields || (*fields)[0].empty()) return std::nullopt;
  return PasswdEntry{(*fields)[0], (*fields)[5], (*fields)[6]};
}

std::optional<std::string> group_name(gid_t gid, const std::string& file) {
  auto fields = find_by_id(file, gid, 3);  // name:password:gid[:members]
  if (!fields || (*fields)[0].empty()) return std::nullopt;
  return (*fields)[0];
}

std::optional<GroupEntry> group_entry(const std::string& name, const std::string& file) {
  auto fields = find_entry(file, 3, [&](const std::vector<std::string>& f) { return f[0] == name; });
  if (!fields) return std::nullopt;
  auto gid = id_field((*fields)[2]);
  if (!gid) return std::nullopt;
  GroupEntry entry{static_cast<gid_t>(*gid), {}};
  if (fields->size() > 3) {
    for (const auto& member : split((*fields)[3], ',')) {
      if (!member.empty()) entry.members.push_back(member);
    }
  }
  return entry;
}

}  // namespace jailed::util
