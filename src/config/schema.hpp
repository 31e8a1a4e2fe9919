// The keys a .jailed file may use, their types and defaults, and validation against them.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "config/reader.hpp"
#include "util/result.hpp"

namespace jailed::config {

enum class ValueType {
  word,       // exactly one value
  boolean,    // on|off|true|false|yes|no
  choice,     // one of `choices`
  list,       // any number of words; repeating the key adds to the list
  path_list,  // a list of paths (~ and relative paths are expanded)
  env_names,  // a list of environment variable names
  assignments,  // a list of NAME=VALUE
};

// Describes one key of format 1.
struct KeySpec {
  std::string name;
  ValueType type;
  std::vector<std::string> choices;  // for ValueType::choice
  bool agent_only;                   // allowed only in [agent NAME]
  std::string default_text;          // for documentation and explain
  std::string help;                  // one line
};

// Returns every key of format 1 in documentation order.
const std::vector<KeySpec>& key_specs();

// Returns the spec of `name`, or nullptr.
const KeySpec* find_key(std::string_view name);

// Checks every entry of `doc` against the schema: unknown keys (with a suggestion),
// keys in the wrong section, value counts, booleans, choices, variable names.
Status validate(const Document& doc);

// Returns the bytes of a size ("500M", "2G", "1024"; K, M, G, T are powers of 1024), or -1.
int64_t parse_size(std::string_view text);

// Parses a boolean word; returns false for anything not in on|off|true|false|yes|no.
bool parse_bool(std::string_view word, bool& out);

}  // namespace jailed::config
