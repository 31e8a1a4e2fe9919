// A command's options as plain data, parsed by the one file that includes Boost.Program_options.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cli/commands.hpp"

namespace jailed::cli {

// Whether an option stands alone or takes a value.
enum class OptionKind { flag, value };

// One long option of a command, in --help order.
struct OptionSpec {
  const char* name;  // long name, without dashes
  OptionKind kind;
  const char* help;  // one line for --help
};

// The options one command accepts (-h/--help is always added).
struct OptionTable {
  std::vector<OptionSpec> options;
  const char* positional = nullptr;  // the value option the one positional argument fills, if any
  bool operands = false;             // any number of positional arguments (ParsedOptions::operands)
};

// What a command line said, by option name.
class ParsedOptions {
 public:
  // Records that option `name` was given with `value` ("" for a flag).
  void set(std::string name, std::string value) { m_values[std::move(name)] = std::move(value); }
  // Returns true when option `name` was given.
  bool has(std::string_view name) const { return m_values.find(name) != m_values.end(); }
  // Returns the value of option `name`, or "" when it was not given.
  std::string value(std::string_view name) const {
    auto found = m_values.find(name);
    return found == m_values.end() ? std::string() : found->second;
  }
  // Returns the positional arguments of a table with `operands`, in order.
  const std::vector<std::string>& operands() const { return m_operands; }
  void set_operands(std::vector<std::string> operands) { m_operands = std::move(operands); }

 private:
  std::vector<std::string> m_operands;
  std::map<std::string, std::string, std::less<>> m_values;
};

// Parses `args` against `table`; prints the command's help and returns nothing when --help was
// given; throws a usage Error (with a suggestion for a misspelt option) for a bad command line.
std::optional<ParsedOptions> parse_options(const Command& command, const Args& args, const OptionTable& table);

// Prints the usage and options of `command` to stdout.
void print_command_help(const Command& command, const OptionTable& table);

}  // namespace jailed::cli
