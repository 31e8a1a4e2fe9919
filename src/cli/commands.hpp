// The command table: names, summaries, and dispatch from argv to cmd_<name>.
#pragma once

#include <string>
#include <vector>

namespace jailed::cli {

using Args = std::vector<std::string>;

// One subcommand of jailed.
struct Command {
  const char* name;
  const char* synopsis;  // arguments after the name, for usage lines
  const char* summary;   // one line for `jailed --help`
  int (*run)(const Args& args);
  bool hidden;           // internal (completion helper)
  const char* examples = "";  // lines "  jailed ...   what it does", for --help
};

// Returns every command in help order.
const std::vector<Command>& commands();

// Runs jailed with `argv` (without the program name) and returns the exit status.
int dispatch(const Args& args);

// Returns the command named `name`; it must exist.
const Command& command_named(const std::string& name);

// The current version.
extern const char* const k_version;

int cmd_hook(const Args&);
int cmd_export(const Args&);
int cmd_allow(const Args&);
int cmd_edit(const Args&);
int cmd_init(const Args&);
int cmd_deny(const Args&);
int cmd_status(const Args&);
int cmd_prune(const Args&);
int cmd_run(const Args&);
int cmd_explain(const Args&);
int cmd_resolve(const Args&);
int cmd_cache(const Args&);
int cmd_doctor(const Args&);
int cmd_help(const Args&);
int cmd_snapshot(const Args&);
int cmd_snapshots(const Args&);
int cmd_log(const Args&);
int cmd_diff(const Args&);
int cmd_restore(const Args&);
int cmd_complete(const Args&);

}  // namespace jailed::cli
