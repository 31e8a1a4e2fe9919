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
      {"args", T::list, {}, true, "none", "arguments placed before yours when the agent starts"},
      {"packages", T::list, {}, false, "none", "more packages on PATH inside the jail"},
      {"base-packages", T::list, {}, false, "the common packages",
       "replaces the default common packages (bash, coreutils, git, ...)"},
      {"readwrite", T::path_list, {}, false, "none", "extra paths the agent may change"},
      {"readonly", T::path_list, {}, false, "none", "extra paths the agent may read"},
      {"config", T::path_list, {}, false, "none",
       "agent state: a private copy kept by jailed (seeded once from yours), created if missing"},
      {"config-share", T::boolean, {}, false, "off",
       "bind the real config paths read-write instead of private copies (the agent can change them)"},
      {"network", T::boolean, {}, false, "off", "allow network access"},
      {"timezone", T::boolean, {}, false, "on", "share the host's time zone"},
      {"workdir", T::choice, {"project", "cwd"}, false, "project",
       "directory made writable: the project or the current directory"},
      {"git", T::choice, {"read", "commit"}, false, "read",
       "the project's .git: read-only, or commit (objects, refs, index writable; config, hooks read-only)"},
      {"env", T::env_names, {}, false, "none", "variables forwarded from the host when set"},
      {"setenv", T::assignments, {}, false, "none", "variables set inside the jail (NAME=VALUE)"},
      {"store", T::choice, {"closure", "full"}, false, "closure",
       "bind only the packages' closure, or all of /nix/store"},
      {"backend", T::choice, {"auto", "nix", "host"}, false, "auto",
       "where packages come from: nix, the host's system directories, or auto (nix when installed)"},
      {"tmpfs-size", T::size, {}, false, "1G", "most bytes /tmp and the empty home may hold, each"},
      {"processes", T::count, {}, false, "4096", "most processes and threads running at once in the jail"},
      {"memory", T::size, {}, false, "8G", "most heap and other data memory each process may use"},
      {"bind-ports", T::ports, {}, false, "none", "TCP ports the agent may listen on with network = on"},
      {"snapshot", T::boolean, {}, false, "on", "snapshot the project before each session"},
      {"snapshot-exclude", T::list, {}, false, "none", "patterns of paths snapshots leave out (node_modules, target)"},
      {"snapshot-max-size", T::size, {}, false, "1G", "a project bigger than this is not snapshotted"},
      {"snapshot-keep", T::count, {}, false, "20", "how many snapshots of the project are kept"},
      {"snapshot-max-total", T::size, {}, false, "2G", "disk space the project's snapshots may use"},
  };
}

bool is_scalar(ValueType type) {
  return type == ValueType::word || type == ValueType::boolean || type == ValueType::choice ||
         type == ValueType::size || type == ValueType::count;
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
  for (const auto& value : entry.values) {
    // A '#' after the value is data (flake refs hold one), so `key = value # note` makes the
    // note part of the value: say so rather than that the value needs quoting.
    if (!value.empty() && value[0] == '#') {
      return "key " + quoted_key + ": " + util::printable(value) +
             " looks like a comment, but '#' starts a comment only at the start of a line (put the comment on a "
             "line of its own)";
    }
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
      case ValueType::size: {
        uint64_t ignored = 0;
        if (!parse_size(value, ignored) || ignored == 0) {
          return "invalid size " + shown + " for " + quoted_key + " (use a number with K, M, G or T, such as 512M)";
        }
        break;
      }
      case ValueType::count: {
        uint64_t ignored = 0;
        if (!parse_count(value, ignored)) return "invalid number " + shown + " for " + quoted_key + " (use a whole number above 0)";
        break;
      }
      case ValueType::ports: {
        uint64_t port = 0;
        if (!parse_count(value, port) || port > 65535) {
          return "invalid port " + shown + " in " + quoted_key + " (use TCP port numbers from 1 to 65535)";
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

bool parse_count(std::string_view word, uint64_t& out) {
  if (word.empty() || word.size() > 10) return false;
  uint64_t value = 0;
  for (char c : word) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + static_cast<uint64_t>(c - '0');
  }
  if (value == 0 || value > (1ULL << 31)) return false;
  out = value;
  return true;
}

bool parse_size(std::string_view word, uint64_t& out) {
  uint64_t unit = 1;
  if (!word.empty()) {
    switch (word.back()) {
      case 'K': case 'k': unit = 1ULL << 10; break;
      case 'M': case 'm': unit = 1ULL << 20; break;
      case 'G': case 'g': unit = 1ULL << 30; break;
      case 'T': case 't': unit = 1ULL << 40; break;
      default: break;
    }
    if (unit != 1) word.remove_suffix(1);
  }
  uint64_t number = 0;
  // Up to 2^50 bytes (a pebibyte): far beyond any machine, and safe from overflow.
  if (!parse_count(word, number) || number > (1ULL << 50) / unit) return false;
  out = number * unit;
  return true;
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
