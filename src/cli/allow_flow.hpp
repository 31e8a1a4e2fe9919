// The review before trust that `jailed allow` and `jailed edit` share.
#pragma once

#include <string>

namespace jailed::cli {

// Checks the .jailed at `path` (syntax, then its setup: cli/setup_check.hpp), shows what
// allowing it would trust (the whole file on a first allow, what changed otherwise) and what
// it grants each agent, asks on a terminal unless `assume_yes`, then trusts it and resolves its
// Nix agents. Returns the exit status; throws for a file that cannot be allowed.
int review_and_allow(const std::string& path, bool assume_yes);

}  // namespace jailed::cli
