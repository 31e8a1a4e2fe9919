// Canonical package specs for the Nix backend.
#include "resolve/nix_spec.hpp"

#include <algorithm>

#include "util/paths.hpp"
#include "util/strings.hpp"

namespace jailed::resolve {
namespace {

constexpr std::string_view k_store_dir = "/nix/store/";
constexpr std::string_view k_path_scheme = "path:";
// Flake schemes that read the local file system (besides path:); Nix also accepts them without "//".
constexpr std::string_view k_local_file_schemes[] = {"git+file:", "hg+file:", "tarball+file:", "file+file:", "file:"};

// Returns "FILE:LINE: " for messages, or "" for a built-in default.
std::string where(const config::Origin& origin) { return origin.file.empty() ? "" : origin.text() + ": "; }

std::string bad_spec(const config::AgentConfig& agent, const config::Value& spec, const std::string& why) {
  return where(spec.origin) + "agent \"" + agent.name + "\": package " + util::printable(spec.text) + " " + why;
}

// Nix's base-32 alphabet: digits and lowercase letters without e, o, t, u.
bool is_store_hash(std::string_view hash) {
  return hash.size() == 32 && std::all_of(hash.begin(), hash.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z' && c != 'e' && c != 'o' && c != 't' && c != 'u');
         });
}

// Store path names: letters, digits and +-._?= (Nix rejects anything else).
bool is_store_name(std::string_view name) {
  return !name.empty() && name[0] != '.' && std::all_of(name.begin(), name.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  std::string_view("+-._?=").find(c) != std::string_view::npos;
         });
}

// Returns the directory relative specs in the file of `origin` are relative to.
Result<std::string> base_dir(const config::Origin& origin) {
  // Built-in presets are labelled "preset NAME" and have no directory: they use absolute refs only.
  if (origin.file.empty() || util::starts_with(origin.file, "preset ")) {
    return fail("a relative path has no directory to be relative to here");
  }
  std::string dir = util::parent_dir(origin.file);
  if (dir.empty() || dir[0] != '/') dir = util::join_path(util::current_dir(), dir);
  return util::normalize(dir);
}

// Returns `path` (absolute) with "." and ".." removed lexically, as Nix's canonPath does, so
// two spellings of one directory are one spec.
std::string collapse(const std::string& path) {
  std::vector<std::string> parts;
  for (const auto& part : util::split(path, '/')) {
    if (part.empty() || part == ".") continue;
    if (part == "..") {
      if (!parts.empty()) parts.pop_back();
    } else {
      parts.push_back(part);
    }
  }
  return "/" + util::join(parts, "/");
}

// Splits "REF#ATTR" at the first '#': Nix's own rule for flake refs.
std::pair<std::string, std::string> split_fragment(const std::string& text) {
  size_t hash = text.find('#');
  if (hash == std::string::npos) return {text, ""};
  return {text.substr(0, hash), text.substr(hash)};
}

Result<NixSpec> local_flake(const config::AgentConfig& agent, const config::Value& spec, const std::string& location) {
  auto [ref, fragment] = split_fragment(location);
  size_t query_at = ref.find('?');
  std::string path = ref.substr(0, query_at);
  std::string query = query_at == std::string::npos ? "" : ref.substr(query_at);
  if (path.empty()) return fail(bad_spec(agent, spec, "names no directory"));
  if (path[0] != '/') {
    auto base = base_dir(spec.origin);
    if (!base) return fail(bad_spec(agent, spec, "is relative, but " + base.error() + "; use an absolute path"));
    path = util::join_path(*base, path);
  }
  path = collapse(path);
  return NixSpec{std::string(k_path_scheme) + path + query + fragment, path};
}

}  // namespace

std::vector<NixSpec> AgentSpecs::all() const {
  std::vector<NixSpec> out{package};
  out.insert(out.end(), packages.begin(), packages.end());
  out.insert(out.end(), base.begin(), base.end());
  return out;
}

const std::vector<std::string>& default_base_packages() {
  // bashInteractive rather than bash: agents open interactive shells, which want readline.
  static const std::vector<std::string> packages = {
      "nixpkgs#bashInteractive", "nixpkgs#coreutils", "nixpkgs#curl",     "nixpkgs#wget",      "nixpkgs#jq",
      "nixpkgs#git",             "nixpkgs#ripgrep",   "nixpkgs#gnugrep",  "nixpkgs#gawk",      "nixpkgs#ps",
      "nixpkgs#findutils",       "nixpkgs#gzip",      "nixpkgs#unzip",    "nixpkgs#gnutar",    "nixpkgs#diffutils",
  };
  return packages;
}

Result<NixSpec> canonical_spec(const config::AgentConfig& agent, const config::Value& spec) {
  const std::string& text = spec.text;
  if (text.empty()) return fail(bad_spec(agent, spec, "is empty"));
  // A leading '-' would reach nix as an option rather than a package.
  if (text[0] == '-') return fail(bad_spec(agent, spec, "starts with '-'; name a flake ref or a store path"));
  if (util::starts_with(text, "host:")) {
    return fail(bad_spec(agent, spec, "is a host program, but this agent's packages come from Nix; use a Nix package "
                                      "(e.g. nixpkgs#" + text.substr(5) + ") or set backend = host"));
  }
  if (util::starts_with(text, k_store_dir)) {
    std::string_view rest = std::string_view(text).substr(k_store_dir.size());
    size_t slash = rest.find('/');
    if (slash != std::string_view::npos) {
      return fail(bad_spec(agent, spec, "is a file inside a store path; name the store path " +
                                            std::string(k_store_dir) + std::string(rest.substr(0, slash))));
    }
    if (rest.size() < 34 || !is_store_hash(rest.substr(0, 32)) || rest[32] != '-' || !is_store_name(rest.substr(33))) {
      return fail(bad_spec(agent, spec, "is not a valid store path (/nix/store/HASH-NAME)"));
    }
    return NixSpec{text, ""};
  }
  if (util::starts_with(text, k_path_scheme)) return local_flake(agent, spec, text.substr(k_path_scheme.size()));
  // A bare path is a local flake; path: keeps Nix from treating a git checkout as git+file
  // (which would ignore untracked files the user just wrote).
  if (text[0] == '.' || text[0] == '/') return local_flake(agent, spec, text);
  // Every other local-file flake (git+file:, file:, tarball+file:, ..., with or without "//"):
  // Nix reads it on the host, so its files belong to trust, the cache key and the protected
  // paths like a path: flake's. Relative spellings of these are refused rather than guessed.
  for (std::string_view scheme : k_local_file_schemes) {
    if (!util::starts_with(text, scheme)) continue;
    std::string location = split_fragment(text.substr(scheme.size())).first;
    location = location.substr(0, location.find('?'));
    if (util::starts_with(location, "//localhost/")) location = location.substr(11);
    else if (util::starts_with(location, "//")) location = location.substr(2);
    if (location.empty() || location[0] != '/') {
      return fail(bad_spec(agent, spec, "names a local file flake by a relative path; use an absolute path or path:./DIR"));
    }
    return NixSpec{text, collapse(location)};
  }
  return NixSpec{text, ""};
}

Result<AgentSpecs> agent_specs(const config::AgentConfig& agent) {
  if (!agent.package) return fail("agent \"" + agent.name + "\" has no package; add \"package = ...\"", ExitCode::bad_config);
  AgentSpecs out;
  auto package = canonical_spec(agent, *agent.package);
  if (!package) return fail(package.error(), ExitCode::bad_config);
  out.package = *package;
  std::vector<std::string> seen{out.package.text};
  auto add = [&](const config::Value& value, std::vector<NixSpec>& list) -> Status {
    auto spec = canonical_spec(agent, value);
    if (!spec) return fail(spec.error(), ExitCode::bad_config);
    if (std::find(seen.begin(), seen.end(), spec->text) != seen.end()) return success();
    seen.push_back(spec->text);
    list.push_back(*spec);
    return success();
  };
  for (const auto& value : agent.packages) {
    if (auto added = add(value, out.packages); !added) return added.failure();
  }
  if (agent.base_packages_set) {
    for (const auto& value : agent.base_packages) {
      if (auto added = add(value, out.base); !added) return added.failure();
    }
  } else {
    for (const auto& text : default_base_packages()) {
      if (auto added = add(config::Value{text, {}}, out.base); !added) return added.failure();
    }
  }
  return out;
}

}  // namespace jailed::resolve
