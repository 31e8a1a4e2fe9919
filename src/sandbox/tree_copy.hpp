// Private copies of an agent's state directories: seeded once from the user's real ones.
#pragma once

#include <string>

#include "util/result.hpp"

namespace jailed::sandbox {

// Copies the directory open as `real_fd` (the user's real one) to `name` beneath the directory
// `parent_fd` (in the agent's private home), unless `name` exists there already. The copy is
// made under a temporary name and renamed into place without replacing anything, so a jail of
// the agent that is already running never sees half a tree. Directories, regular files and
// symlinks (as links) are copied, owner-only; nothing in the private home is followed, as the
// agent could plant symlinks there. `shown` names the destination in errors.
Status seed_private_dir(int parent_fd, const std::string& name, int real_fd, const std::string& shown);

}  // namespace jailed::sandbox
