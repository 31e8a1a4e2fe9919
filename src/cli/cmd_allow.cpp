// jailed allow [PATH] [--yes]: trusts the exact content of a .jailed and what it uses, after
// showing it (all of it on a first allow, what changed since the last one otherwise) and what
// it grants; on a terminal it asks first.
#include <unistd.h>

#include <iostream>
#include <string>

#include "cli/allow_flow.hpp"
#include "cli/commands.hpp"
#include "cli/context.hpp"
#include "cli/grant_summary.hpp"
#include "cli/options.hpp"
#include "cli/output.hpp"
#include "cli/resolve_agent.hpp"
#include "cli/review.hpp"
#include "cli/setup_check.hpp"
#include "config/find.hpp"
#include "config/jail_config.hpp"
#include "trust/trust_store.hpp"
#include "util/error.hpp"
#include "util/paths.hpp"
#include "util/strings.hpp"

namespace jailed::cli {
namespace {

// Resolves the Nix agents now, in the foreground, so the first launch does not wait. Trust is
// about the file and is already recorded: a failure here leaves it in place. `trees`: the local
// flakes as the trust check read them.
int resolve_allowed(const config::JailConfig& config, const std::string& real_path, const util::TreeDigests& trees) {
  int status = resolve_agents_now(config, real_path, ResolveMode::allow, trees);
  if (status != 0) info("the file stays allowed; fix the problem, then run 'jailed resolve'");
  return status;
}

// Prints what check_setup found; returns true if anything refuses the allow.
bool show_findings(const std::vector<SetupFinding>& findings) {
  bool refused = false;
  for (const auto& finding : findings) {
    if (finding.error) {
      error(finding.text);
      refused = true;
    } else {
      warn(finding.text);
    }
  }
  return refused;
}

// Asks on the terminal; only "y" or "yes" trusts.
bool confirmed() {
  std::cerr << "jailed: allow it? [y/N] " << std::flush;
  std::string answer;
  if (!std::getline(std::cin, answer)) {
    std::cerr << "\n";
    return false;
  }
  answer = std::string(util::trim(answer));
  return answer == "y" || answer == "Y" || answer == "yes";
}

}  // namespace

int review_and_allow(const std::string& path, bool assume_yes) {
  auto file = config::read_jailed_file(path).take();
  config::UserContext user = user_context();
  if (auto why = broad_project(util::parent_dir(path), user.home)) {
    throw Error("refusing " + display_path(path) + ": " + *why, ExitCode::not_allowed);
  }
  // An invalid file would activate nothing, so trusting it would only hide the error.
  auto loaded = config::load_config(path, file.content, user);
  if (!loaded.ok()) {
    throw Error(loaded.error() + "\nnot allowed: fix the file, then run 'jailed allow' again", loaded.failure().code);
  }
  trust::TrustStore store(trust::TrustStore::default_path(), true);
  // Texts of the local flakes are kept: the record stores them, so the next allow can show a diff.
  auto checked = check_file(store, file, loaded, true);
  const auto& verdict = checked.verdict;
  auto findings = check_setup(*loaded, user.home);
  if (verdict.status == trust::Status::allowed) {
    show_findings(findings);
    info(display_path(path) + " is already allowed");
    return resolve_allowed(*loaded, file.real_path, tree_digests(checked.subject));
  }
  if (checked.file_unchanged) {
    info(std::string("the file is unchanged; ") + (checked.flakes_only ? "a local flake it uses" : "what it uses") +
         " changed since you allowed it");
  }
  for (const auto& line : review_lines(checked.subject, verdict)) info_styled(line);
  // After the file, so that the lines they name can be read above them.
  if (show_findings(findings)) throw Error("not allowed: fix the file, then run 'jailed allow' again", ExitCode::bad_config);
  for (const auto& line : grant_lines(*loaded)) info(line);
  // On a terminal the user has just been shown what they trust: ask. Scripts (no terminal)
  // and --yes keep the one-step allow.
  bool interactive = ::isatty(0) == 1 && ::isatty(2) == 1;
  if (interactive && !assume_yes && !confirmed()) {
    throw Error("not allowed (nothing changed)", ExitCode::not_allowed);
  }
  store.allow(checked.subject);

  std::vector<std::string> agents;
  for (const auto& agent : loaded->agents) agents.push_back(agent.name);
  info("allowed " + display_path(path) + " (agents: " + (agents.empty() ? "none" : util::join(agents, ", ")) + ")");
  return resolve_allowed(*loaded, file.real_path, tree_digests(checked.subject));
}

int cmd_allow(const Args& args) {
  auto values = parse_options(command_named("allow"), args,
                              {{{"path", OptionKind::value, "a .jailed file or its directory (default: the nearest)"},
                                {"yes", OptionKind::flag, "allow without asking (as when not on a terminal)"}},
                               "path"});
  if (!values) return 0;
  std::string path = config::locate_jailed_file(values->value("path")).take();
  return review_and_allow(path, values->has("yes"));
}

}  // namespace jailed::cli
