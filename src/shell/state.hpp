// JAILED_STATE: what the prompt hook loaded last, so an unchanged prompt costs only stat().
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "util/files.hpp"

namespace jailed::shell {

enum class Activation : char {
  loaded = 'L',   // allowed; shims on PATH
  blocked = 'B',  // not allowed / denied / unsafe; message shown once
  invalid = 'E',  // allowed but invalid; message shown once
};

// The state kept in the JAILED_STATE environment variable (short, ASCII).
struct State {
  Activation activation = Activation::loaded;
  std::string path_hash;  // XXH3-64 hex of the .jailed path as found
  util::FileStamp file;   // the .jailed when it was loaded
  util::FileStamp trust;   // the trust stamp file then (all zero if missing); replaced on every change
  bool operator==(const State&) const = default;
};

// Returns the text of `state` for JAILED_STATE.
std::string encode(const State& state);

// Parses JAILED_STATE; returns nothing for a missing, foreign or older format.
std::optional<State> decode(std::string_view text);

}  // namespace jailed::shell
