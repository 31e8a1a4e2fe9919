// Computing closure cache keys; reads local flake files, starts no process.
#include "cache/cache_key.hpp"

#include <sys/utsname.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "util/files.hpp"
#include "util/hash.hpp"
#include "util/strings.hpp"

namespace jailed::cache {
namespace {

// Bumped whenever the meaning of a key's fields changes, so old rows simply miss.
constexpr const char* k_key_format = "jailed-closure-key-1";

}  // namespace

std::string make_key(const KeyInputs& inputs) {
  std::string material;
  util::append_field(material, "format", k_key_format);
  util::append_field(material, "system", inputs.system);
  util::append_field(material, "nix", inputs.nix);
  std::vector<std::string> specs = inputs.specs;
  std::sort(specs.begin(), specs.end());
  specs.erase(std::unique(specs.begin(), specs.end()), specs.end());
  for (const auto& spec : specs) util::append_field(material, "spec", spec);
  auto trees = inputs.trees;
  std::sort(trees.begin(), trees.end());
  trees.erase(std::unique(trees.begin(), trees.end()), trees.end());
  for (const auto& [dir, digest] : trees) {
    util::append_field(material, "tree", dir);
    util::append_field(material, "digest", digest);
  }
  return util::xxh128_hex(material);
}

std::string spec_text(std::vector<std::string> specs) {
  std::sort(specs.begin(), specs.end());
  specs.erase(std::unique(specs.begin(), specs.end()), specs.end());
  std::string out;
  for (const auto& spec : specs) out += spec + "\n";
  return out;
}

std::string system_name() {
  struct utsname name {};
  if (::uname(&name) != 0) return "unknown-linux";
  std::string machine = name.machine;
  // Nix calls every 32-bit x86 "i686"; other machines it names as the kernel does.
  if (machine.size() == 4 && machine[0] == 'i' && machine.substr(2) == "86") machine = "i686";
  return machine + "-linux";
}

Result<std::string> nix_identity(const std::string& nix_path) {
  auto real = util::real_path(nix_path);
  if (!real) return fail("cannot find the nix binary: " + real.error());
  auto st = util::stat_path(*real);
  if (!st) return fail("cannot stat the nix binary " + *real);
  auto stamp = util::stamp_of(*st);
  return *real + " " + std::to_string(stamp.size) + " " + std::to_string(stamp.mtime_ns);
}

}  // namespace jailed::cache
