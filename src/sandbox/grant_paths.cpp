// Grants and config paths, resolved once and refused when an agent could have redirected them.
#include "sandbox/grant_paths.hpp"

#include "util/path_walk.hpp"
#include "util/paths.hpp"
#include "util/strings.hpp"

namespace jailed::sandbox {
namespace {

struct Checked {
  const config::Value* value;
  const char* key;
  util::WalkedPath walked;
};

}  // namespace

Result<std::map<std::string, std::string>> resolve_grants(const config::AgentConfig& agent,
                                                           const std::vector<std::string>& writable_roots) {
  std::vector<Checked> checked;
  std::vector<std::string> writable = writable_roots;
  auto walk = [&](const std::vector<config::Value>& paths, const char* key, bool writable_key, bool must_exist) -> Status {
    for (const auto& path : paths) {
      auto walked = util::walk_path(path.text);
      if (!walked) {
        return fail(path.origin.label() + ": " + key + " path " + util::printable(path.text) + ": " + walked.error(),
                    ExitCode::bad_config);
      }
      if (must_exist && !walked->exists) {
        return fail(path.origin.label() + ": " + key + " path " + util::printable(path.text) +
                        " does not exist; create it, or remove it from the file",
                    ExitCode::bad_config);
      }
      if (writable_key) writable.push_back(walked->real);
      checked.push_back({&path, key, std::move(*walked)});
    }
    return success();
  };
  if (auto done = walk(agent.config, "config", true, false); !done) return done.failure();
  if (auto done = walk(agent.readwrite, "readwrite", true, true); !done) return done.failure();
  if (auto done = walk(agent.readonly, "readonly", false, true); !done) return done.failure();

  std::map<std::string, std::string> out;
  for (const auto& entry : checked) {
    for (const auto& link : entry.walked.links) {
      for (const auto& area : writable) {
        if (!util::is_within(link, area)) continue;
        return fail(entry.value->origin.label() + ": " + entry.key + " path " + util::printable(entry.value->text) +
                        " goes through the symlink " + util::printable(link) + ", which lies in " +
                        util::printable(area) +
                        " where agents can write: an agent could have made it to have the jail bind what it points "
                        "at. Remove the link, or name the real path",
                    ExitCode::not_allowed);
      }
    }
    out[entry.value->text] = entry.walked.real;
  }
  return out;
}

}  // namespace jailed::sandbox
