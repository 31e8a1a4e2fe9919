#include "config/schema.hpp"

#include <map>
#include <optional>

#include "util/spellcheck.hpp"
#include "util/strings.hpp"

namespace jailed::config {
namespace {

std::vector<KeySpec> make_specs() {
  using T = ValueType;
  return {
      {"name", T::word, {}, true, "jailed-<agent>", "command name of the agent's shim"},
      {"package", T::word, {}, true, "from the preset", "the agent's package (required without a preset)"},
      {"command", T::word, {}, true, "a host: package's program, else the agent name",
       "program to run from the package"},
      {"packages", T::list, {}, false, "none", "more packages on PATH inside the jail"},
      {"base-packages", T::list, {}, false, "the common packages",
       "replaces the default common packages (bash, coreutils, git, ...)"},
      {"readwrite", T::path_list, {}, false, "none", "extra paths the agent may change"},
      {"readonly", T::path_list, {}, false, "none", "extra paths the agent may read"},
      {"config", T::path_list, {}, false, "none", "agent state: read-write, created if missing"},
      {"network", T::boolean, {}, false, "off", "allow network access"},
      {"timezone", T::boolean, {}, false, "on", "share the host's time zone"},
      {"workdir", T::choice, {"project", "cwd"}, false, "project",
       "directory made writable: the project or the current directory"},
      {"env", T::env_names, {}, false, "none", "variables forwarded from the host when set"},
      {"setenv", T::assignments, {}, false, "none", "variables set inside the jail (NAME=VALUE)"},
      {"store", T::choice, {"closure", "full"}, false, "closure",
       "bind only the packages' closure, or all of /nix/store"},
      {"backend", T::choice, {"auto", "nix", "host"}, false, "auto",
       "where packages come from: nix, the host's system directories, or auto (nix when installed)"},
      {"snapshot", T::boolean, {}, false, "on", "snapshot the project before each session"},
      {"snapshot-exclude", T::list, {}, false, "none", "patterns of paths snapshots leave out (node_modules, target)"},
      {"snapshot-max-size", T::word, {}, false, "1G", "a project bigger than this is not snapshotted"},
      {"snapshot-keep", T::word, {}, false, "20", "how many snapshots of the project are kept"},
      {"snapshot-max-total", T::word, {}, false, "2G", "disk space the project's snapshots may use"},
  };
}

bool is_scalar(ValueType type) {
  return type == ValueType::word || type == ValueType::boolean || type == ValueType::choice;
}

bool is_env_name(std::string_view name) {
  if (name.empty() || (name[0] >= '0' && name[0] <= '9')) return false;
  for (char c : name) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    if (!ok) return false;
  }
  return true;
}

// Shim names become file names on PATH and shell words, so they stay plain.
bool is_command_name(std::string_view name) {
  auto alnum = [](char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  if (name.empty() || !alnum(name[0])) return false;
  for (char c : name) {
    if (!alnum(c) && c != '.' && c != '_' && c != '+' && c != '-') return false;
  }
  return true;
}

std::vector<std::string> key_names() {
  std::vector<std::string> names;
  for (const auto& spec : key_specs()) names.push_back(spec.name);
  return names;
}

// Checks one entry on its own; returns what is wrong with it, without the FILE:LINE prefix.
std::optional<std::string> check_entry(const Entry& entry, const Section& section) {
  const KeySpec* spec = find_key(entry.key);
  const std::string quoted_key = "\"" + entry.key + "\"";
  if (!spec) {
    std::string hint = util::did_you_mean(entry.key, key_names());
    if (hint.empty()) hint = " (see \"man 5 jailed\" for the keys)";
    return "unknown key " + quoted_key + hint;
  }
  if (spec->agent_only && section.kind == SectionKind::jail) {
    return "key " + quoted_key + " belongs in an [agent NAME] section";
  }
  // Snapshots are of the project, whichever agent runs: one setting for all of them.
  if (util::starts_with(entry.key, "snapshot") && section.kind == SectionKind::agent) {
    return "key " + quoted_key + " applies to the whole project: set it in [jail] (or in the global config)";
  }
  if (is_scalar(spec->type) && entry.values.size() != 1) {
    return "key " + quoted_key + " takes one value, not " + std::to_string(entry.values.size()) +
           " (quote a value that holds spaces)";
  }
  for (const auto& value : entry.values) {
    const std::string shown = util::printable(value);
    if (value.empty() && spec->type != ValueType::assignments) {
      return "key " + quoted_key + " has an empty value (remove the \"\")";
    }
    switch (spec->type) {
      case ValueType::word:
        if (entry.key == "name" && !is_command_name(value)) {
          return "invalid command name " + shown +
                 " for \"name\" (use letters, digits, \".\", \"_\", \"+\" and \"-\", starting with a letter or digit)";
        }
        if ((entry.key == "snapshot-max-size" || entry.key == "snapshot-max-total") && parse_size(value) < 0) {
          return "invalid size " + shown + " for " + quoted_key + " (write a number with K, M, G or T, e.g. 500M)";
        }
        if (entry.key == "snapshot-keep" && (parse_size(value) < 1 || value.find_first_not_of("0123456789") != std::string::npos)) {
          return "invalid count " + shown + " for " + quoted_key + " (write a whole number of snapshots, 1 or more)";
        }
        if (entry.key == "name" && value == "jailed") {
          return "\"name\" cannot be \"jailed\", which is jailed itself (choose another command name)";
        }
        break;
      case ValueType::boolean: {
        bool ignored = false;
        if (!parse_bool(value, ignored)) {
          return "invalid value " + shown + " for " + quoted_key + " (use on, off, true, false, yes or no)";
        }
        break;
      }
      case ValueType::choice: {
        bool known = false;
        for (const auto& choice : spec->choices) known = known || choice == value;
        if (!known) {
          std::string hint = util::did_you_mean(value, spec->choices);
          if (!hint.empty()) hint = "; " + hint.substr(2, hint.size() - 3);
          return "invalid value " + shown + " for " + quoted_key + " (use " + util::join(spec->choices, " or ") +
                 hint + ")";
        }
        break;
      }
      case ValueType::path_list:
        // ~user would need a passwd lookup and names someone else's files; say so plainly.
        if (value[0] == '~' && value.size() > 1 && value[1] != '/') {
          return "path " + shown + " in " + quoted_key + " uses ~user, which is not supported (write the full path)";
        }
        break;
      case ValueType::env_names:
        if (!is_env_name(value)) {
          return "invalid variable name " + shown + " in " + quoted_key +
                 " (use letters, digits and \"_\", not starting with a digit)";
        }
        break;
      case ValueType::assignments: {
        size_t equals = value.find('=');
        if (equals == std::string::npos) {
          return shown + " in " + quoted_key + " has no \"=\" (write NAME=VALUE)";
        }
        if (!is_env_name(std::string_view(value).substr(0, equals))) {
          return "invalid variable name " + util::printable(value.substr(0, equals)) + " in " + quoted_key +
                 " (use letters, digits and \"_\", not starting with a digit)";
        }
        break;
      }
      case ValueType::list:
        break;
    }
  }
  return std::nullopt;
}

}  // namespace

const std::vector<KeySpec>& key_specs() {
  static const std::vector<KeySpec> specs = make_specs();
  return specs;
}

const KeySpec* find_key(std::string_view name) {
  for (const auto& spec : key_specs()) {
    if (spec.name == name) return &spec;
  }
  return nullptr;
}

int64_t parse_size(std::string_view text) {
  size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
  if (digits == 0 || digits > 12) return -1;
  int64_t number = std::stoll(std::string(text.substr(0, digits)));
  std::string_view unit = text.substr(digits);
  const std::string_view units = "KMGT";
  if (unit.empty()) return number;
  if (unit.size() > 3 || (unit.size() >= 2 && unit.substr(1) != "B" && unit.substr(1) != "iB")) return -1;
  size_t power = units.find(static_cast<char>(unit[0] & ~0x20));
  if (power == std::string_view::npos) return -1;
  for (size_t i = 0; i <= power; ++i) number *= 1024;
  return number;
}

bool parse_bool(std::string_view word, bool& out) {
  if (word == "on" || word == "true" || word == "yes") {
    out = true;
    return true;
  }
  if (word == "off" || word == "false" || word == "no") {
    out = false;
    return true;
  }
  return false;
}

Status validate(const Document& doc) {
  for (const auto& section : doc.sections) {
    std::map<std::string, int> scalar_lines;  // scalar key -> line of its first setting
    for (const auto& entry : section.entries) {
      std::string where = shown_file(doc.file) + ":" + std::to_string(entry.line) + ": ";
      if (auto problem = check_entry(entry, section)) return fail(where + *problem, ExitCode::bad_config);
      // A repeated list key adds to the list; a repeated scalar is almost always a mistake.
      const KeySpec* spec = find_key(entry.key);
      if (!is_scalar(spec->type)) continue;
      auto [first, inserted] = scalar_lines.emplace(entry.key, entry.line);
      if (!inserted) {
        return fail(where + "key \"" + entry.key + "\" is set twice in this section (the first is at line " +
                        std::to_string(first->second) + "; keep one)",
                    ExitCode::bad_config);
      }
    }
  }
  return success();
}

}  // namespace jailed::config
