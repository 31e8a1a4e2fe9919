// The one translation unit that compiles Boost.Program_options (its headers cost seconds a file).
#include "cli/options.hpp"

#include <iostream>

#include <boost/program_options.hpp>

#include "util/error.hpp"
#include "util/spellcheck.hpp"

namespace po = boost::program_options;

namespace jailed::cli {

// Returns Boost's description of `table`, --help last.
static po::options_description describe(const OptionTable& table) {
  po::options_description options("options");
  for (const auto& option : table.options) {
    if (option.kind == OptionKind::flag) {
      options.add_options()(option.name, option.help);
    } else {
      options.add_options()(option.name, po::value<std::string>(), option.help);
    }
  }
  options.add_options()("help,h", "show this help");
  return options;
}

static void print_help(const Command& command, const po::options_description& options) {
  std::cout << "usage: jailed " << command.name;
  if (*command.synopsis) std::cout << " " << command.synopsis;
  std::cout << "\n\n" << command.summary << "\n\n" << options;
  if (*command.examples) std::cout << "\nexamples:\n" << command.examples;
  std::cout.flush();
}

void print_command_help(const Command& command, const OptionTable& table) {
  print_help(command, describe(table));
}

std::optional<ParsedOptions> parse_options(const Command& command, const Args& args, const OptionTable& table) {
  po::options_description options = describe(table);
  po::positional_options_description positional;
  if (table.positional) positional.add(table.positional, 1);
  // Operands are a hidden option: parsed, never listed in --help.
  po::options_description hidden, all;
  if (table.operands) {
    hidden.add_options()("__operands", po::value<std::vector<std::string>>(), "");
    positional.add("__operands", -1);
  }
  all.add(options).add(hidden);
  po::variables_map values;
  try {
    po::store(po::command_line_parser(args).options(all).positional(positional).run(), values);
    po::notify(values);
  } catch (const po::unknown_option& e) {
    std::vector<std::string> known;
    for (const auto& option : options.options()) known.push_back(option->canonical_display_name(po::command_line_style::allow_long));
    std::string name = e.get_option_name();
    throw Error("jailed " + std::string(command.name) + ": unknown option " + name + util::did_you_mean(name, known) +
                    " (see 'jailed " + command.name + " --help')",
                ExitCode::usage);
  } catch (const po::error& e) {
    throw Error("jailed " + std::string(command.name) + ": " + e.what() + " (see 'jailed " + command.name + " --help')",
                ExitCode::usage);
  }
  if (values.count("help")) {
    print_help(command, options);
    return std::nullopt;
  }
  ParsedOptions parsed;
  if (table.operands && values.count("__operands")) parsed.set_operands(values["__operands"].as<std::vector<std::string>>());
  for (const auto& option : table.options) {
    if (!values.count(option.name)) continue;
    parsed.set(option.name, option.kind == OptionKind::flag ? std::string() : values[option.name].as<std::string>());
  }
  return parsed;
}

}  // namespace jailed::cli
