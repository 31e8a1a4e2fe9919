// jailed export SHELL: run by the prompt hook on every prompt; prints environment changes.
//
// The common case is "nothing changed": then this does a few stat() calls, opens no
// database and prints nothing. Everything else (trust, parsing, shims) happens only when
// the nearest .jailed, its content, or the trust records changed since the last prompt.
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <iostream>
#include <optional>
#include <string_view>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "cli/context.hpp"
#include "cli/output.hpp"
#include "cli/setup_check.hpp"
#include "config/find.hpp"
#include "config/jail_config.hpp"
#include "shell/emit.hpp"
#include "shell/state.hpp"
#include "shim/shim_dir.hpp"
#include "trust/trust_store.hpp"
#include "util/error.hpp"
#include "util/files.hpp"
#include "util/hash.hpp"
#include "util/paths.hpp"
#include "util/strings.hpp"

namespace jailed::cli {
namespace {

const char* env_or_null(const char* name) {
  const char* value = std::getenv(name);
  return value && *value ? value : nullptr;
}

util::FileStamp trust_stamp() {
  auto st = util::stat_path(trust::TrustStore::stamp_path(trust::TrustStore::default_path()));
  return st ? util::stamp_of(*st) : util::FileStamp{};
}

// Returns PATH without any shim directory and without `old_shims` (other entries, even ones
// the user added after we loaded, stay where they are). Every shim dir goes, not just ours: a
// tool that saves and restores PATH (direnv, leaving or reloading) can put back an old one.
std::string path_without_shims(const std::string& path, const char* old_shims) {
  std::vector<std::string> kept;
  for (auto& part : util::split(path, ':')) {
    if (!shim::looks_like_shim_dir(part) && !(old_shims && part == old_shims)) kept.push_back(part);
  }
  return util::join(kept, ":");
}

// Returns true if PATH holds the shim dirs the hook wants: exactly `shims` (none when null).
// Costs a substring search when no shim dir is on PATH, the common case outside projects.
bool path_as_wanted(const char* shims) {
  const char* path = std::getenv("PATH");
  if (!path || !std::strstr(path, "/jailed/shims/")) return shims == nullptr;
  // Walked in place: this runs at every prompt inside a project.
  std::string_view rest = path;
  bool found = false;
  while (true) {
    size_t colon = rest.find(':');
    std::string_view part = rest.substr(0, colon);
    if (shim::looks_like_shim_dir(part)) {
      if (!shims || part != shims) return false;
      found = true;
    }
    if (colon == std::string_view::npos) break;
    rest.remove_prefix(colon + 1);
  }
  return found || shims == nullptr;
}

// Prints a line of the hook the way JAILED_LOG_FORMAT says (as DIRENV_LOG_FORMAT does for
// direnv): unset, "jailed: MESSAGE"; empty, nothing; otherwise the format with its first %s
// replaced by the message.
void hook_line(const std::string& message) {
  const char* format = std::getenv("JAILED_LOG_FORMAT");
  if (!format) {
    info(message);
    return;
  }
  if (!*format) return;
  std::string text = format;
  auto at = text.find("%s");
  if (at != std::string::npos) text.replace(at, 2, shown(message));
  std::cerr << text << '\n';
}

// What the new prompt should have: computed on the slow path only.
struct Outcome {
  std::optional<shell::State> state;  // nothing: no .jailed here
  std::string project_dir;            // when loaded
  std::string shim_dir;               // when loaded
  std::string agents;                 // when loaded: its shim commands, space-separated
  std::string message;                // one line for stderr, or empty
};

// Returns the start of the line for a file whose agents were on PATH until this prompt and
// vanish now, naming them: without it, `command not found` would be the only sign.
std::string unloaded_note(const std::optional<shell::State>& previous, const shell::State& now) {
  bool was_loaded = previous && previous->activation == shell::Activation::loaded && previous->path_hash == now.path_hash;
  if (!was_loaded) return "";
  const char* agents = env_or_null("JAILED_AGENTS");
  return "unloaded " + (agents ? shown(agents) : std::string("its agents")) + ": ";
}

Outcome load(const config::Found& found, const util::FileStamp& trust, const std::optional<shell::State>& previous) {
  Outcome out;
  shell::State state;
  state.path_hash = util::xxh64_hex(found.path);
  state.file = found.stamp;
  state.trust = trust;
  state.activation = shell::Activation::blocked;
  out.state = state;

  auto file = config::read_jailed_file(found.path);
  if (!file.ok()) {
    out.message = file.error();
    return out;
  }
  out.state->file = file->stamp;
  if (auto why = broad_project(util::parent_dir(found.path), user_context().home)) {
    out.message = unloaded_note(previous, state) + "refusing " + display_path(found.path) + ": " + *why;
    return out;
  }
  try {
    trust::TrustStore store(trust::TrustStore::default_path(), false);
    auto checked = check_file(store, *file, config::load_config(found.path, file->content, user_context()));
    if (checked.verdict.status != trust::Status::allowed) {
      out.message = unloaded_note(previous, state) + blocked_message(checked, found.path);
      return out;
    }
  } catch (const Error& e) {
    out.message = e.what();
    return out;
  }
  auto names = config::shim_names(found.path, file->content);
  if (!names.ok()) {
    out.state->activation = shell::Activation::invalid;
    out.message = unloaded_note(previous, state) + names.error() + " (nothing loaded; fix the file, then 'jailed allow')";
    return out;
  }
  out.shim_dir = shim::shim_dir_for(file->real_path);
  auto synced = shim::sync(out.shim_dir, file->real_path, *names, self_path());
  if (!synced.ok()) {
    out.message = synced.error();
    return out;
  }
  out.state->activation = shell::Activation::loaded;
  out.agents = util::join(*names, " ");
  out.project_dir = util::parent_dir(found.path);
  bool same_as_before = previous && previous->activation == shell::Activation::loaded &&
                        previous->path_hash == out.state->path_hash;
  if (!same_as_before) {
    out.message = "loaded " + display_path(found.path) + (names->empty() ? " (no agents)" : " (" + util::join(*names, ", ") + ")");
  }
  return out;
}

std::vector<shell::EnvChange> changes_for(const Outcome& out, const std::optional<shell::State>& previous) {
  const char* path = std::getenv("PATH");
  const char* old_shims = env_or_null("JAILED_SHIMS");
  std::string new_path = path_without_shims(path ? path : "", old_shims);

  std::vector<shell::EnvChange> changes;
  bool loaded = out.state && out.state->activation == shell::Activation::loaded;
  if (loaded) new_path = out.shim_dir + (new_path.empty() ? "" : ":" + new_path);
  if (!path || new_path != path) changes.push_back({"PATH", new_path});
  if (loaded) {
    changes.push_back({"JAILED_DIR", out.project_dir});
    changes.push_back({"JAILED_SHIMS", out.shim_dir});
    changes.push_back({"JAILED_AGENTS", out.agents});
  } else {
    if (env_or_null("JAILED_DIR")) changes.push_back({"JAILED_DIR", std::nullopt});
    if (old_shims) changes.push_back({"JAILED_SHIMS", std::nullopt});
    if (std::getenv("JAILED_AGENTS")) changes.push_back({"JAILED_AGENTS", std::nullopt});
  }
  if (out.state) {
    changes.push_back({"JAILED_STATE", shell::encode(*out.state)});
  } else if (previous || env_or_null("JAILED_STATE")) {
    changes.push_back({"JAILED_STATE", std::nullopt});
  }
  return changes;
}

}  // namespace

int cmd_export(const Args& args) {
  // The prompt hook passes exactly the shell name: skip option parsing on that hot path.
  std::string name = args.size() == 1 ? args[0] : "";
  if (name.empty() || name[0] == '-') {
    auto values = parse_options(command_named("export"), args, {{{"shell", OptionKind::value, "bash, zsh, fish or json"}}, "shell"});
    if (!values) return 0;
    if (!values->has("shell")) throw Error("jailed export: which shell? (jailed export bash|zsh|fish|json)", ExitCode::usage);
    name = values->value("shell");
  }
  auto shell = shell::parse_shell(name);
  if (!shell) throw Error("jailed export: unsupported shell \"" + name + "\" (supported: bash, zsh, fish, json)", ExitCode::usage);

  // A removed working directory holds no project: unload instead of failing every prompt.
  std::optional<config::Found> found;
  if (char* cwd = ::getcwd(nullptr, 0)) {
    found = config::find_nearest(cwd);
    std::free(cwd);
  }
  std::optional<shell::State> previous;
  if (const char* text = env_or_null("JAILED_STATE")) previous = shell::decode(text);

  // Fast path 1: nothing loaded, nothing here, no shim dir on PATH.
  if (!found && !previous && !env_or_null("JAILED_SHIMS") && path_as_wanted(nullptr)) return 0;
  util::FileStamp trust = found ? trust_stamp() : util::FileStamp{};
  // Fast path 2: the same file, unedited, trust unchanged (and its shims still exist).
  if (found && previous && previous->path_hash == util::xxh64_hex(found->path) && previous->file == found->stamp &&
      previous->trust == trust) {
    // ... and PATH as we left it: direnv reverting its own changes can drop our entry or bring
    // back an old one.
    const char* shims = env_or_null("JAILED_SHIMS");
    bool loaded = previous->activation == shell::Activation::loaded;
    bool shims_ok = loaded ? shims && util::stat_path(shims) && path_as_wanted(shims) : path_as_wanted(nullptr);
    if (shims_ok) return 0;
  }

  Outcome out;
  if (found) {
    out = load(*found, trust, previous);
  } else if (previous && previous->activation == shell::Activation::loaded) {
    const char* dir = env_or_null("JAILED_DIR");
    out.message = "unloaded " + (dir ? display_path(util::join_path(dir, config::k_file_name)) : std::string("project"));
  }
  // A blocked or invalid file is reported once, not again at every trust change elsewhere.
  bool repeated = previous && out.state && out.state->activation != shell::Activation::loaded &&
                  previous->activation == out.state->activation && previous->path_hash == out.state->path_hash &&
                  previous->file == out.state->file;
  if (!out.message.empty() && !repeated) hook_line(out.message);
  // Rehash: bash and zsh remember where commands were found, and PATH may have changed.
  std::cout << shell::emit(*shell, changes_for(out, previous), true);
  return 0;
}

}  // namespace jailed::cli
