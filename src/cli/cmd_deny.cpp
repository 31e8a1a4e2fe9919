// jailed deny [PATH]: refuses a .jailed by path, whatever its content now or later.
#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "cli/output.hpp"
#include "config/find.hpp"
#include "trust/trust_store.hpp"
#include "util/files.hpp"
#include "util/paths.hpp"

namespace jailed::cli {

int cmd_deny(const Args& args) {
  auto values = parse_options(command_named("deny"), args, {{{"path", OptionKind::value, "a .jailed file or its directory (default: the nearest)"}}, "path"});
  if (!values) return 0;

  std::string path = config::locate_jailed_file(values->value("path")).take();
  // Deny by path without reading the file: it may be unreadable or unsafe, and deny must still work.
  std::string real = util::real_path(util::parent_dir(path)).take() + "/" + config::k_file_name;
  trust::TrustStore store(trust::TrustStore::default_path(), true);
  store.deny(real);
  info("denied " + display_path(path));
  return 0;
}

}  // namespace jailed::cli
