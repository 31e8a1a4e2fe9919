// The merged configuration of a project's agents: presets, user config and .jailed combined.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "config/reader.hpp"
#include "util/result.hpp"

namespace jailed::config {

// Where a value came from, for `jailed explain` ("~/src/app/.jailed:7", "preset crush:3").
struct Origin {
  std::string file;
  int line = 0;
  std::string text() const { return shown_file(file) + ":" + std::to_string(line); }
  // Returns text() for a place in a file, the file alone without a line, "built in" for none.
  std::string label() const {
    if (file.empty()) return "built in";
    return line > 0 ? text() : file;
  }
};

// A value with its origin. Paths are already absolute (~ and relative paths expanded).
struct Value {
  std::string text;
  Origin origin;
};

// One agent's settings after merging every layer (lowest first: built-in preset, user preset,
// global config, [jail], [agent NAME]). A later scalar replaces; a later list adds.
struct AgentConfig {
  std::string name;
  Value shim_name;                 // default "jailed-<name>"
  std::optional<Value> package;    // required after merging
  std::optional<Value> command;    // unset: a host: package's program, else the agent name
  std::vector<Value> args;          // arguments placed before the user's
  std::vector<Value> packages;
  std::vector<Value> base_packages;
  bool base_packages_set = false;  // base-packages replaced the defaults
  std::vector<Value> readonly;
  std::vector<Value> readwrite;
  std::vector<Value> config;       // agent state paths: private copies (or shared), created if missing
  bool config_share = false;       // bind the real config paths instead of private copies
  Origin config_share_origin;      // where config-share was set (empty file: the default)
  bool network = false;
  Origin network_origin;
  bool preset_network = false;     // the network a preset gave the agent: it needs one to work
  bool timezone = true;
  std::string workdir = "project";  // project | cwd
  std::string git = "read";         // read | commit: what the agent may do with the project's .git
  std::string store = "closure";    // closure | full
  std::string backend = "auto";     // auto | nix | host
  std::vector<Value> env;          // names of variables forwarded if set
  std::vector<Value> setenv;       // NAME=VALUE
  std::optional<Value> tmpfs_size; // unset: the defaults of key_specs()
  std::optional<Value> processes;
  std::optional<Value> memory;
  std::vector<Value> bind_ports;   // TCP ports the agent may bind (network = on)
  bool from_preset = false;        // a preset (built-in or user) defines this agent
  // Snapshots of the project ([jail] and global config only: the same for every agent).
  bool snapshot = true;
  std::vector<Value> snapshot_exclude;
  int64_t snapshot_max_size = 1LL << 30;
  int64_t snapshot_keep = 20;
  int64_t snapshot_max_total = 2LL << 30;
};

// A file besides the project's .jailed that its configuration is merged from: part of what
// the user trusts when allowing the project, as an edit to it changes the jail.
struct Source {
  std::string label;    // the file's path; "preset NAME (built in)" for a built-in preset
  std::string content;
  bool operator==(const Source&) const = default;
};

// Everything `jailed run` and `jailed export` need from a project.
struct JailConfig {
  std::string file;         // path of the .jailed as found
  std::string project_dir;  // directory holding it
  std::vector<AgentConfig> agents;  // in file order
  std::vector<Source> sources;      // as sources_of() lists them

  // Returns the agent named `name`, or nullptr.
  const AgentConfig* find_agent(const std::string& name) const;
  // Returns the agent whose shim command is `shim_name`, or nullptr.
  const AgentConfig* find_shim(const std::string& shim_name) const;
};

// Where the user's own files live and how paths expand.
struct UserContext {
  std::string home;        // for ~
  std::string config_dir;  // $XDG_CONFIG_HOME/jailed
};

// Reads the global config and user presets from `user.config_dir` (missing files are fine;
// a file owned by another user or writable by others is an error), merges them with the
// built-in presets and the project document, and returns every agent the project lists.
// "name" (the shim command) may be set only in the project document, as shim_names() reads nothing else.
// `project_text` is the exact content that was checked for trust.
Result<JailConfig> load_config(const std::string& project_file, std::string_view project_text,
                               const UserContext& user);

// Returns the files the project document's agents are merged from besides the document, in
// merge order: each agent's built-in preset and user preset where they exist, then the global
// config if it exists (with no agent, none). Fails as load_config does on a document that does
// not parse and on a user file that is unsafe or unreadable; reads nothing but those files.
Result<std::vector<Source>> sources_of(const std::string& project_file, std::string_view project_text,
                                       const UserContext& user);

// Returns the agent names of a project document without merging (for shims and completion).
Result<std::vector<std::string>> agent_names(const std::string& project_file, std::string_view project_text);

// Returns the shim command names ("name" key or jailed-<agent>) of a project document.
Result<std::vector<std::string>> shim_names(const std::string& project_file, std::string_view project_text);

}  // namespace jailed::config
