// jailed allow [PATH]: trusts the exact content of a .jailed and what it uses, showing it first
// (all of it on a first allow, what changed since the last one otherwise).
#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "cli/context.hpp"
#include "cli/output.hpp"
#include "cli/resolve_agent.hpp"
#include "cli/review.hpp"
#include "config/find.hpp"
#include "config/jail_config.hpp"
#include "trust/trust_store.hpp"
#include "util/error.hpp"
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
  // Texts of the local flakes are kept: the record stores them, so the next allow can show a diff.
  auto checked = check_file(store, file, loaded, true);
  const auto& verdict = checked.verdict;
  if (verdict.status == trust::Status::allowed) {
    info(display_path(path) + " is already allowed");
    return resolve_allowed(*loaded, file.real_path, tree_digests(checked.subject));
  }
  if (checked.file_unchanged) {
    info(std::string("the file is unchanged; ") + (checked.flakes_only ? "a local flake it uses" : "what it uses") +
         " changed since you allowed it");
  }
  for (const auto& line : review_lines(checked.subject, verdict)) info_styled(line);
  store.allow(checked.subject);

  std::vector<std::string> agents;
  for (const auto& agent : loaded->agents) agents.push_back(agent.name);
  info("allowed " + display_path(path) + " (agents: " + (agents.empty() ? "none" : util::join(agents, ", ")) + ")");
  return resolve_allowed(*loaded, file.real_path, tree_digests(checked.subject));
}

}  // namespace jailed::cli
