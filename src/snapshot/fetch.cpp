#include "snapshot/fetch.hpp"

#include "snapshot/content.hpp"
#include "snapshot/pack.hpp"
#include "util/strings.hpp"

namespace jailed::snapshot {

Result<std::map<std::string, std::string>> fetch_contents(Store& store, const std::set<std::string>& hashes) {
  std::map<std::string, std::map<std::string, std::string>> by_pack;  // pack -> hex -> raw hash
  for (const auto& hash : hashes) {
    if (auto pack = store.pack_of(hash)) by_pack[*pack][hash_hex(hash)] = hash;
  }
  std::map<std::string, std::string> contents;
  for (const auto& entry : by_pack) {
    const auto& wanted = entry.second;  // a plain reference: lambdas may not capture bindings before C++20
    const auto& pack = entry.first;
    auto read = read_pack(
        store.pack_path(pack), [&](const std::string& name) { return wanted.count(name) > 0; },
        [&](const std::string& name, std::string_view chunk, bool) {
          contents[wanted.at(name)].append(chunk);
          return success();
        });
    if (!read) return read.failure();
  }
  return contents;
}

}  // namespace jailed::snapshot
