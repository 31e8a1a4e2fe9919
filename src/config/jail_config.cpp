#include "config/jail_config.hpp"

#include <dirent.h>

#include <algorithm>

#include "config/find.hpp"
#include "config/presets.hpp"
#include "config/schema.hpp"
#include "util/paths.hpp"
#include "util/spellcheck.hpp"
#include "util/strings.hpp"

namespace jailed::config {
namespace {

constexpr std::string_view k_preset_suffix = ".jailed";

// How the paths of one layer expand.
struct PathContext {
  std::string home;
  std::string base_dir;           // directory a relative path is relative to
  bool allow_relative = true;     // built-in presets have no directory of their own
};

Result<Document> parse_checked(std::string_view text, const std::string& label) {
  auto doc = read_document(text, label);
  if (!doc.ok()) return doc;
  auto valid = validate(*doc);
  if (!valid.ok()) return valid.failure();
  return doc;
}

std::string at(const std::string& file, int line) { return shown_file(file) + ":" + std::to_string(line) + ": "; }

std::string absolute_dir_of(const std::string& file) {
  std::string dir = util::parent_dir(file);
  if (dir[0] != '/') dir = util::join_path(util::current_dir(), dir);
  return util::normalize(dir);
}

const Section* find_section(const Document& doc, SectionKind kind, const std::string& name) {
  for (const auto& section : doc.sections) {
    if (section.kind == kind && section.name == name) return &section;
  }
  return nullptr;
}

// Expands ~ to the home directory and makes a relative path absolute, without resolving symlinks.
Result<std::string> expand_path(const std::string& path, const PathContext& paths, const Origin& origin) {
  if (path == "~") return util::normalize(paths.home);
  if (util::starts_with(path, "~/")) return util::normalize(util::join_path(paths.home, path.substr(2)));
  if (path[0] == '/') return util::normalize(path);
  if (!paths.allow_relative) {
    return fail(at(origin.file, origin.line) + "relative path " + util::printable(path) +
                    " in a built-in preset (use ~ or an absolute path)",
                ExitCode::bad_config);
  }
  return util::normalize(util::join_path(paths.base_dir, path));
}

// Appends values not already present; the first occurrence keeps its origin.
void append_unique(std::vector<Value>& list, const std::vector<std::string>& words, const Origin& origin) {
  for (const auto& word : words) {
    bool present = std::any_of(list.begin(), list.end(), [&](const Value& v) { return v.text == word; });
    if (!present) list.push_back(Value{word, origin});
  }
}

std::vector<Value>* list_of(AgentConfig& agent, const std::string& key) {
  if (key == "args") return &agent.args;
  if (key == "packages") return &agent.packages;
  if (key == "base-packages") return &agent.base_packages;
  if (key == "readwrite") return &agent.readwrite;
  if (key == "readonly") return &agent.readonly;
  if (key == "config") return &agent.config;
  if (key == "env") return &agent.env;
  if (key == "setenv") return &agent.setenv;
  if (key == "bind-ports") return &agent.bind_ports;
  if (key == "snapshot-exclude") return &agent.snapshot_exclude;
  return nullptr;
}

// Applies one layer's section on top of `agent`: a scalar replaces, a list appends.
Status apply_section(AgentConfig& agent, const Section& section, const std::string& label, const PathContext& paths) {
  for (const auto& entry : section.entries) {
    Origin origin{label, entry.line};
    const std::string& first = entry.values.front();
    const KeySpec* spec = find_key(entry.key);  // validated before, so never null
    if (std::vector<Value>* list = list_of(agent, entry.key)) {
      std::vector<std::string> words = entry.values;
      if (spec->type == ValueType::path_list) {
        for (auto& word : words) {
          auto expanded = expand_path(word, paths, origin);
          if (!expanded.ok()) return expanded.failure();
          word = std::move(*expanded);
        }
      }
      if (entry.key == "base-packages") agent.base_packages_set = true;
      if (entry.key == "args") {
        // Arguments keep their order and repeats (-c a -c b).
        for (auto& word : words) list->push_back(Value{std::move(word), origin});
        continue;
      }
      append_unique(*list, words, origin);
    } else if (entry.key == "name") {
      agent.shim_name = Value{first, origin};
    } else if (entry.key == "package") {
      agent.package = Value{first, origin};
    } else if (entry.key == "command") {
      agent.command = Value{first, origin};
      // Arguments adapt the program they were written for: another command drops them.
      agent.args.clear();
    } else if (entry.key == "network") {
      parse_bool(first, agent.network);
      agent.network_origin = origin;
    } else if (entry.key == "config-share") {
      parse_bool(first, agent.config_share);
      agent.config_share_origin = origin;
    } else if (entry.key == "timezone") {
      parse_bool(first, agent.timezone);
    } else if (entry.key == "workdir") {
      agent.workdir = first;
    } else if (entry.key == "git") {
      agent.git = first;
    } else if (entry.key == "store") {
      agent.store = first;
    } else if (entry.key == "backend") {
      agent.backend = first;
    } else if (entry.key == "tmpfs-size") {
      agent.tmpfs_size = Value{first, origin};
    } else if (entry.key == "processes") {
      agent.processes = Value{first, origin};
    } else if (entry.key == "memory") {
      agent.memory = Value{first, origin};
    } else if (entry.key == "snapshot") {
      parse_bool(first, agent.snapshot);
    } else if (entry.key == "snapshot-max-size" || entry.key == "snapshot-keep" || entry.key == "snapshot-max-total") {
      uint64_t number = 0;  // validated before
      if (entry.key == "snapshot-keep" ? parse_count(first, number) : parse_size(first, number)) {
        auto& field = entry.key == "snapshot-keep"       ? agent.snapshot_keep
                      : entry.key == "snapshot-max-size" ? agent.snapshot_max_size
                                                         : agent.snapshot_max_total;
        field = static_cast<int64_t>(number);
      }
    } else {
      return fail(at(label, entry.line) + "key \"" + entry.key + "\" is not supported here");
    }
  }
  return success();
}

// Refuses "name" in any file but the project's. The prompt hook creates shims from the project
// text alone (shim_names reads no user files) while `jailed run` via a shim looks the agent up
// by the merged name; a name set elsewhere would make the two disagree.
Status check_no_shim_name(const Document& doc) {
  for (const auto& section : doc.sections) {
    for (const auto& entry : section.entries) {
      if (entry.key != "name") continue;
      return fail(at(doc.file, entry.line) +
                      "key \"name\" may only be set in a project's .jailed (it names the project's command)",
                  ExitCode::bad_config);
    }
  }
  return success();
}

// Checks that a preset file holds exactly one section, [agent NAME] named after the file.
Status check_preset_shape(const Document& doc, const std::string& name) {
  const std::string expected = "[agent " + name + "]";
  if (doc.sections.empty()) {
    return fail(shown_file(doc.file) + ": preset has no " + expected + " section (a preset file holds exactly one)",
                ExitCode::bad_config);
  }
  const Section& first = doc.sections.front();
  if (first.kind != SectionKind::agent || first.name != name) {
    return fail(at(doc.file, first.line) + "expected " + expected +
                    " (a preset file holds one section, named after the file)",
                ExitCode::bad_config);
  }
  if (doc.sections.size() > 1) {
    return fail(at(doc.file, doc.sections[1].line) + "a preset file holds only " + expected +
                    " (move other sections to the global config)",
                ExitCode::bad_config);
  }
  return success();
}

// Returns the names of the user's presets (agents/NAME.jailed); for suggestions only.
std::vector<std::string> user_preset_names(const std::string& config_dir) {
  std::vector<std::string> names;
  DIR* dir = ::opendir(util::join_path(config_dir, "agents").c_str());
  if (!dir) return names;
  while (dirent* entry = ::readdir(dir)) {
    std::string_view file = entry->d_name;
    if (file.size() <= k_preset_suffix.size() || file.substr(file.size() - k_preset_suffix.size()) != k_preset_suffix) {
      continue;
    }
    std::string name(file.substr(0, file.size() - k_preset_suffix.size()));
    if (is_valid_agent_name(name)) names.push_back(name);
  }
  ::closedir(dir);
  return names;
}

Failure no_package_error(const std::string& project_file, const Section& section, bool from_preset,
                         const std::string& config_dir) {
  const std::string& name = section.name;
  if (from_preset) {
    return fail(at(project_file, section.line) + "agent \"" + name +
                    "\" has no package (its preset sets none; add \"package = ...\")",
                ExitCode::bad_config);
  }
  std::vector<std::string> presets = builtin_preset_names();
  for (auto& user_name : user_preset_names(config_dir)) presets.push_back(user_name);
  std::sort(presets.begin(), presets.end());
  presets.erase(std::unique(presets.begin(), presets.end()), presets.end());

  std::string hint;
  if (auto near = util::nearest(name, presets)) hint = "did you mean \"" + *near + "\"? otherwise ";
  return fail(at(project_file, section.line) + "agent \"" + name + "\" has no package and there is no preset \"" +
                  name + "\" (" + hint + "add \"package = ...\"; presets: " + util::join(presets, ", ") + ")",
              ExitCode::bad_config);
}

// Everything read from the user's config directory that applies to every agent.
struct UserLayer {
  std::optional<Document> doc;
  PathContext paths;
};

// The user's files a project document uses, read once: merging parses them, trust hashes them.
struct UserFiles {
  std::optional<std::string> global;                          // the global config, if it exists
  std::vector<std::pair<std::string, std::string>> presets;   // agent name, user preset text
};

std::string user_preset_path(const UserContext& user, const std::string& name) {
  return util::join_path(util::join_path(user.config_dir, "agents"), name + std::string(k_preset_suffix));
}

std::string global_config_path(const UserContext& user) { return util::join_path(user.config_dir, "config"); }

// Reads the global config and the user presets of the agents of `project`.
Result<UserFiles> read_user_files(const Document& project, const UserContext& user) {
  UserFiles files;
  auto global = read_user_file(global_config_path(user));
  if (!global.ok()) return global.failure();
  files.global = std::move(*global);
  for (const auto& section : project.sections) {
    if (section.kind != SectionKind::agent) continue;
    auto text = read_user_file(user_preset_path(user, section.name));
    if (!text.ok()) return text.failure();
    if (*text) files.presets.emplace_back(section.name, std::move(**text));
  }
  return files;
}

const std::string* user_preset_text(const UserFiles& files, const std::string& name) {
  for (const auto& [preset, text] : files.presets) {
    if (preset == name) return &text;
  }
  return nullptr;
}

// Lists the files merged into `project`'s agents, in merge order (see sources_of).
std::vector<Source> list_sources(const Document& project, const UserFiles& files, const UserContext& user) {
  std::vector<Source> sources;
  for (const auto& section : project.sections) {
    if (section.kind != SectionKind::agent) continue;
    if (auto text = builtin_preset(section.name)) {
      sources.push_back(Source{"preset " + section.name + " (built in)", std::string(*text)});
    }
    if (const std::string* text = user_preset_text(files, section.name)) {
      sources.push_back(Source{user_preset_path(user, section.name), *text});
    }
  }
  bool has_agents = std::any_of(project.sections.begin(), project.sections.end(),
                                [](const Section& section) { return section.kind == SectionKind::agent; });
  // Without an agent nothing is merged from it: editing it cannot change this project's jail.
  if (has_agents && files.global) sources.push_back(Source{global_config_path(user), *files.global});
  return sources;
}

// Builds one agent of the project from every layer, lowest first.
Result<AgentConfig> merge_agent(const Document& project, const Section& project_section, const UserLayer& global,
                                const UserFiles& files, const UserContext& user, const std::string& project_dir) {
  const std::string& name = project_section.name;
  AgentConfig agent;
  agent.name = name;
  // Defaults point at the agent's own section: that is where the user would override them.
  const Origin agent_line{project.file, project_section.line};
  agent.shim_name = Value{"jailed-" + name, agent_line};
  agent.network_origin = agent_line;

  if (auto text = builtin_preset(name)) {
    std::string label = "preset " + name;
    auto doc = parse_checked(*text, label);
    if (!doc.ok()) return doc.failure();
    if (auto shape = check_preset_shape(*doc, name); !shape.ok()) return shape.failure();
    if (auto named = check_no_shim_name(*doc); !named.ok()) return named.failure();
    auto applied = apply_section(agent, doc->sections.front(), label, PathContext{user.home, "", false});
    if (!applied.ok()) return applied.failure();
    agent.from_preset = true;
  }
  agent.preset_network = agent.network;

  std::string presets_dir = util::join_path(user.config_dir, "agents");
  std::string user_preset = user_preset_path(user, name);
  if (const std::string* user_text = user_preset_text(files, name)) {
    auto doc = parse_checked(*user_text, user_preset);
    if (!doc.ok()) return doc.failure();
    if (auto shape = check_preset_shape(*doc, name); !shape.ok()) return shape.failure();
    if (auto named = check_no_shim_name(*doc); !named.ok()) return named.failure();
    auto applied = apply_section(agent, doc->sections.front(), user_preset, PathContext{user.home, presets_dir, true});
    if (!applied.ok()) return applied.failure();
    agent.from_preset = true;
    agent.preset_network = agent.network;
  }

  // Global [jail], then global [agent NAME], then the project's [jail] and [agent NAME].
  std::vector<std::pair<const Section*, const Document*>> upper;
  if (global.doc) {
    upper.emplace_back(find_section(*global.doc, SectionKind::jail, ""), &*global.doc);
    upper.emplace_back(find_section(*global.doc, SectionKind::agent, name), &*global.doc);
  }
  upper.emplace_back(find_section(project, SectionKind::jail, ""), &project);
  upper.emplace_back(&project_section, &project);
  for (const auto& [section, doc] : upper) {
    if (!section) continue;
    PathContext paths = doc == &project ? PathContext{user.home, project_dir, true} : global.paths;
    auto applied = apply_section(agent, *section, doc->file, paths);
    if (!applied.ok()) return applied.failure();
  }

  if (!agent.package) return no_package_error(project.file, project_section, agent.from_preset, user.config_dir);
  return agent;
}

// Refuses two agents whose shims would have the same command name.
Status check_unique_shims(const std::vector<AgentConfig>& agents) {
  for (size_t i = 0; i < agents.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      if (agents[i].shim_name.text != agents[j].shim_name.text) continue;
      const Origin& later = agents[i].shim_name.origin;
      return fail(at(later.file, later.line) + "agents \"" + agents[j].name + "\" and \"" + agents[i].name +
                      "\" both use the command name \"" + agents[i].shim_name.text + "\" (" +
                      agents[j].shim_name.origin.text() + " and " + later.text() + "; set \"name\" for one of them)",
                  ExitCode::bad_config);
    }
  }
  return success();
}

}  // namespace

const AgentConfig* JailConfig::find_agent(const std::string& name) const {
  for (const auto& agent : agents) {
    if (agent.name == name) return &agent;
  }
  return nullptr;
}

const AgentConfig* JailConfig::find_shim(const std::string& shim_name) const {
  for (const auto& agent : agents) {
    if (agent.shim_name.text == shim_name) return &agent;
  }
  return nullptr;
}

Result<JailConfig> load_config(const std::string& project_file, std::string_view project_text,
                               const UserContext& user) {
  auto project = parse_checked(project_text, project_file);
  if (!project.ok()) return project.failure();

  auto files = read_user_files(*project, user);
  if (!files.ok()) return files.failure();
  UserLayer global;
  global.paths = PathContext{user.home, user.config_dir, true};
  std::string global_file = global_config_path(user);
  if (files->global) {
    auto doc = parse_checked(*files->global, global_file);
    if (!doc.ok()) return doc.failure();
    if (auto named = check_no_shim_name(*doc); !named.ok()) return named.failure();
    global.doc = std::move(*doc);
  }

  JailConfig config;
  config.file = project_file;
  config.project_dir = absolute_dir_of(project_file);
  for (const auto& section : project->sections) {
    if (section.kind != SectionKind::agent) continue;
    auto agent = merge_agent(*project, section, global, *files, user, config.project_dir);
    if (!agent.ok()) return agent.failure();
    config.agents.push_back(std::move(*agent));
  }
  config.sources = list_sources(*project, *files, user);
  if (auto unique = check_unique_shims(config.agents); !unique.ok()) return unique.failure();
  return config;
}

Result<std::vector<Source>> sources_of(const std::string& project_file, std::string_view project_text,
                                       const UserContext& user) {
  auto project = parse_checked(project_text, project_file);
  if (!project.ok()) return project.failure();
  auto files = read_user_files(*project, user);
  if (!files.ok()) return files.failure();
  return list_sources(*project, *files, user);
}

Result<std::vector<std::string>> agent_names(const std::string& project_file, std::string_view project_text) {
  auto project = parse_checked(project_text, project_file);
  if (!project.ok()) return project.failure();
  std::vector<std::string> names;
  for (const auto& section : project->sections) {
    if (section.kind == SectionKind::agent) names.push_back(section.name);
  }
  return names;
}

Result<std::vector<std::string>> shim_names(const std::string& project_file, std::string_view project_text) {
  auto project = parse_checked(project_text, project_file);
  if (!project.ok()) return project.failure();
  std::vector<std::string> names;
  for (const auto& section : project->sections) {
    if (section.kind != SectionKind::agent) continue;
    std::string shim = "jailed-" + section.name;
    for (const auto& entry : section.entries) {
      if (entry.key == "name") shim = entry.values.front();
    }
    names.push_back(shim);
  }
  return names;
}

}  // namespace jailed::config
