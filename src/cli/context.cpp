#include "cli/context.hpp"

#include <unistd.h>



#include "cli/output.hpp"
#include "resolve/nix_spec.hpp"
#include "util/error.hpp"
#include "util/files.hpp"
#include "util/paths.hpp"
#include "util/tree_digest.hpp"

namespace jailed::cli {

std::string self_path() {
  auto self = util::read_link("/proc/self/exe");
  if (!self || self->empty()) throw Error("cannot find the jailed binary (is /proc mounted?)");
  std::string path = *self;
  // After a reinstall the running binary reads "PATH (deleted)"; the new one is at PATH.
  const std::string deleted = " (deleted)";
  if (path.size() > deleted.size() && path.compare(path.size() - deleted.size(), deleted.size(), deleted) == 0) {
    path.erase(path.size() - deleted.size());
  }
  return path;
}

config::UserContext user_context() { return {util::home_dir(), util::xdg_dir("CONFIG") + "/jailed"}; }

std::string LocalInputs::text() const {
  std::string out;
  for (const auto& [dir, digest] : digests) {
    // An unreadable tree has its own, changing digest: it can never match an allowed one by accident.
    out += dir + '\0' + (digest.ok() ? *digest : "unreadable: " + digest.error()) + '\0';
  }
  return out;
}

LocalInputs local_inputs(const config::JailConfig& config) {
  LocalInputs inputs;
  for (const auto& agent : config.agents) {
    auto specs = resolve::agent_specs(agent);
    if (!specs.ok()) continue;  // host: packages, or a bad spec reported when it runs
    for (const auto& spec : specs->all()) {
      if (!spec.local_dir.empty() && !inputs.digests.count(spec.local_dir)) {
        inputs.digests.emplace(spec.local_dir, util::tree_digest(spec.local_dir));
      }
    }
  }
  return inputs;
}

Checked check_file(trust::TrustStore& store, const config::LoadedFile& file,
                   const Result<config::JailConfig>& merged) {
  // An invalid file activates nothing anyway: its inputs do not matter.
  return check_inputs(store, file, merged.ok() ? local_inputs(*merged) : LocalInputs{});
}

Checked check_inputs(trust::TrustStore& store, const config::LoadedFile& file, LocalInputs inputs) {
  Checked checked;
  checked.inputs = std::move(inputs);
  checked.verdict = store.check(file.real_path, file.content, checked.inputs.text());
  checked.inputs_only = checked.verdict.status == trust::Status::changed && checked.verdict.allowed_content &&
                        *checked.verdict.allowed_content == file.content;
  return checked;
}

std::string blocked_message(const Checked& checked, const std::string& path) {
  std::string shown = display_path(path);
  switch (checked.verdict.status) {
    case trust::Status::not_allowed:
      return shown + " is not allowed; review it, then run 'jailed allow'";
    case trust::Status::changed:
      if (checked.inputs_only) {
        return "a local flake that " + shown + " uses changed since you allowed it; review it, then run 'jailed allow'";
      }
      return shown + " changed since you allowed it; review it ('jailed allow' shows what changed)";
    case trust::Status::denied:
      return shown + " is denied; run 'jailed allow' if you want to trust it";
    case trust::Status::allowed:
      break;
  }
  return shown + " is allowed";
}

Allowed load_allowed(const std::string& path, const LaunchMemo* memo) {
  auto file = config::read_jailed_file(path).take();
  auto merged = config::load_config(path, file.content, user_context());
  LocalInputs inputs = merged.ok() ? local_inputs(*merged) : LocalInputs{};
  std::string hash = memo ? trust::trust_hash(file.real_path, file.content, inputs.text()) : "";
  if (!memo || !merged.ok() || !memo->vouches_for(file.real_path, hash)) {
    trust::TrustStore store(trust::TrustStore::default_path(), false);
    auto checked = check_inputs(store, file, std::move(inputs));
    // Trust first: the user is told to review an untrusted file before hearing of its errors.
    if (checked.verdict.status != trust::Status::allowed) {
      throw Error(blocked_message(checked, path), ExitCode::not_allowed);
    }
    inputs = std::move(checked.inputs);
  }
  return {std::move(file), std::move(merged).take(), std::move(inputs), std::move(hash)};
}

}  // namespace jailed::cli
