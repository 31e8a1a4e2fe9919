// jailed prune: forgets trust records of .jailed files that no longer exist.
#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "cli/output.hpp"
#include "trust/trust_store.hpp"

namespace jailed::cli {

int cmd_prune(const Args& args) {
  if (!parse_options(command_named("prune"), args, {})) return 0;

  trust::TrustStore store(trust::TrustStore::default_path(), false);
  auto removed = store.prune();
  for (const auto& path : removed) info("forgot " + display_path(path));
  info("pruned " + std::to_string(removed.size()) + (removed.size() == 1 ? " record" : " records"));
  return 0;
}

}  // namespace jailed::cli
