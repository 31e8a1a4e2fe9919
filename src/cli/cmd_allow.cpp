// jailed allow [PATH]: trusts the exact content of a .jailed, showing what changed first.
#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "cli/context.hpp"
#include "cli/output.hpp"
#include "cli/resolve_agent.hpp"
#include "config/find.hpp"
#include "config/jail_config.hpp"
#include "trust/trust_store.hpp"
#include "util/error.hpp"
#include "util/line_diff.hpp"
#include "util/strings.hpp"

namespace jailed::cli {
namespace {

// Resolves the Nix agents now, in the foreground, so the first launch does not wait. Trust is
// about the file and is already recorded: a failure here leaves it in place. `trees`: the local
// flakes as the trust check read them.
int resolve_allowed(const config::JailConfig& config, const std::string& real_path, const util::TreeDigests& trees) {
  int status = resolve_agents_now(config, real_path, ResolveMode::allow, trees);
  if (status != 0) info("the file stays allowed; fix the problem, then run 'jailed reload'");
  return status;
}

void show_changes(const std::string& before, const std::string& after) {
  info("changes since you last allowed it:");
  for (const auto& line : util::line_diff(before, after)) {
    std::string shown = util::printable(line).substr(1);
    shown.pop_back();  // printable() quotes; keep the escaping, drop the quotes
    if (line[0] == '+') shown = styled(shown, "32");
    if (line[0] == '-') shown = styled(shown, "31");
    info("  " + shown);
  }
}

}  // namespace

int cmd_allow(const Args& args) {
  auto values = parse_options(command_named("allow"), args, {{{"path", OptionKind::value, "a .jailed file or its directory (default: the nearest)"}}, "path"});
  if (!values) return 0;

  std::string path = config::locate_jailed_file(values->value("path")).take();
  auto file = config::read_jailed_file(path).take();
  // An invalid file would activate nothing, so trusting it would only hide the error.
  auto loaded = config::load_config(path, file.content, user_context());
  if (!loaded.ok()) {
    throw Error(loaded.error() + "\nnot allowed: fix the file, then run 'jailed allow' again", loaded.failure().code);
  }
  trust::TrustStore store(trust::TrustStore::default_path(), true);
  auto checked = check_file(store, file, loaded);
  const auto& verdict = checked.verdict;
  if (verdict.status == trust::Status::allowed) {
    info(display_path(path) + " is already allowed");
    return resolve_allowed(*loaded, file.real_path, checked.inputs.digests);
  }
  if (checked.inputs_only) info("the file is unchanged; a local flake it uses changed since you allowed it");
  if (verdict.status == trust::Status::changed && verdict.allowed_content) show_changes(*verdict.allowed_content, file.content);
  store.allow(file.real_path, file.content, checked.inputs.text());

  std::vector<std::string> agents;
  for (const auto& agent : loaded->agents) agents.push_back(agent.name);
  info("allowed " + display_path(path) + " (agents: " + (agents.empty() ? "none" : util::join(agents, ", ")) + ")");
  return resolve_allowed(*loaded, file.real_path, checked.inputs.digests);
}

}  // namespace jailed::cli
