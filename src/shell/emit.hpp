// The shell code `jailed export` prints: environment changes, in each shell's syntax.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "shell/shell.hpp"

namespace jailed::shell {

// Sets `name` to `value`, or unsets it when `value` is empty.
struct EnvChange {
  std::string name;
  std::optional<std::string> value;
};

// Returns code that applies `changes` (exported) and, when `rehash`, forgets hashed
// command locations. For fish, PATH is split at ':' into a list. For json, returns one
// object {"NAME": "value" | null}.
std::string emit(Shell shell, const std::vector<EnvChange>& changes, bool rehash);

// Returns the hook script for `shell` with `jailed_path` (absolute) embedded, quoted.
std::string hook_script(Shell shell, const std::string& jailed_path);

}  // namespace jailed::shell
