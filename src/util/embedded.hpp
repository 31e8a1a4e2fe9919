// Text files compiled into the binary (see scripts/embed).
#pragma once

#include <string_view>

namespace jailed::util {

// One embedded file: its base name and its content.
struct EmbeddedFile {
  std::string_view name;
  std::string_view text;
};

}  // namespace jailed::util
