// Turns environment changes into code for the prompt hook to eval, and fills in the hook scripts.
#include "shell/emit.hpp"

#include "util/embedded.hpp"
#include "util/strings.hpp"

namespace jailed::embedded {
extern const util::EmbeddedFile k_hooks[];
extern const unsigned long k_hooks_count;
}  // namespace jailed::embedded

namespace jailed::shell {
namespace {

// Names are identifiers chosen by jailed (PATH, JAILED_*), so they are written as they are;
// every value goes through quote().
std::string emit_posix(Shell shell, const std::vector<EnvChange>& changes, bool rehash) {
  std::string out;
  for (const auto& change : changes) {
    if (change.value) {
      out += "export " + change.name + "=" + quote(shell, *change.value) + ";";
    } else {
      out += "unset " + change.name + ";";
    }
  }
  // bash and zsh remember where they found each command; after PATH changes a shim (or the
  // real agent it hid) would otherwise keep running from the old location.
  if (rehash) out += shell == Shell::bash ? "hash -r;" : "rehash;";
  return out;
}

// fish looks commands up afresh on every run, so it needs no rehash. `--` ends set's options:
// a value such as "-h" or "--" would otherwise be read as one.
std::string emit_fish(const std::vector<EnvChange>& changes) {
  std::string out;
  for (const auto& change : changes) {
    if (!change.value) {
      out += "set -e " + change.name + ";";
      continue;
    }
    out += "set -gx -- " + change.name;
    // fish keeps PATH as a list and joins it with ':' when exporting.
    auto items = change.name == "PATH" ? util::split(*change.value, ':')
                                       : std::vector<std::string>{*change.value};
    for (const auto& item : items) out += " " + quote(Shell::fish, item);
    out += ";";
  }
  return out;
}

std::string emit_json(const std::vector<EnvChange>& changes) {
  if (changes.empty()) return "";
  std::string out = "{";
  for (size_t i = 0; i < changes.size(); ++i) {
    if (i > 0) out += ",";
    out += quote(Shell::json, changes[i].name) + ":";
    out += changes[i].value ? quote(Shell::json, *changes[i].value) : "null";
  }
  out += "}\n";
  return out;
}

std::string hook_name(Shell shell) {
  switch (shell) {
    case Shell::bash: return "jailed.bash";
    case Shell::zsh: return "jailed.zsh";
    case Shell::fish: return "jailed.fish";
    case Shell::json: break;
  }
  return "";
}

}  // namespace

std::string emit(Shell shell, const std::vector<EnvChange>& changes, bool rehash) {
  switch (shell) {
    case Shell::bash:
    case Shell::zsh:
      return emit_posix(shell, changes, rehash);
    case Shell::fish:
      return emit_fish(changes);
    case Shell::json:
      return emit_json(changes);
  }
  return "";
}

std::string hook_script(Shell shell, const std::string& jailed_path) {
  std::string name = hook_name(shell);
  const std::string placeholder = "@JAILED@";
  for (unsigned long i = 0; i < embedded::k_hooks_count; ++i) {
    if (embedded::k_hooks[i].name != name) continue;
    std::string text(embedded::k_hooks[i].text);
    std::string quoted = quote(shell, jailed_path);
    for (size_t at = text.find(placeholder); at != std::string::npos;
         at = text.find(placeholder, at + quoted.size())) {
      text.replace(at, placeholder.size(), quoted);
    }
    return text;
  }
  // json has no hook: tools reading `export json` call it themselves.
  return "";
}

}  // namespace jailed::shell
