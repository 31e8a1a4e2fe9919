// Per-project directories of jailed-<agent> commands that the prompt hook puts on PATH.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.hpp"

namespace jailed::shim {

// Returns $XDG_STATE_HOME/jailed/shims/<hash of the .jailed real path>.
std::string shim_dir_for(const std::string& jailed_real_path);

// Returns true if `dir` has the shape of a shim directory: ".../jailed/shims/" and 16 hex
// digits. Checks the text only, so a shim dir from another state home (a tool that restored
// an old PATH) is recognised too.
bool looks_like_shim_dir(std::string_view dir);

// Makes `dir` hold exactly one entry per name in `shim_names`: a symlink to `jailed_binary`
// (no shell between the shim and jailed), plus a record of the project file. Each entry is
// written atomically (temp + rename); entries already correct are left untouched; entries
// for names no longer listed are removed.
Status sync(const std::string& dir, const std::string& jailed_real_path, const std::vector<std::string>& shim_names,
            const std::string& jailed_binary);

// What a shim invocation refers to.
struct ShimCall {
  std::string jailed_file;  // the project's .jailed (real path)
  std::string shim_name;    // the command name, e.g. jailed-crush
};

// Identifies a shim from the path the kernel executed (AT_EXECFN): returns nothing if
// `exec_path` is not inside a shim directory made by sync().
std::optional<ShimCall> identify(const std::string& exec_path);

}  // namespace jailed::shim
