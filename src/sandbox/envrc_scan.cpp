// The direnv stdlib commands that load files, and the words of an .envrc line.
#include "sandbox/envrc_scan.hpp"

#include "util/strings.hpp"

namespace jailed::sandbox {
namespace {

// Splits a shell line into words: quotes removed, a comment ends it; `;`, `&&`, `||` and `|`
// start a new command (returned as separate word lists).
std::vector<std::vector<std::string>> commands_of(std::string_view line) {
  std::vector<std::vector<std::string>> out(1);
  std::string word;
  bool in_word = false;
  char quote = 0;
  auto end_word = [&] {
    if (in_word) out.back().push_back(word);
    word.clear();
    in_word = false;
  };
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quote) {
      if (c == quote) {
        quote = 0;
      } else if (c == '\\' && quote == '"' && i + 1 < line.size()) {
        word += line[++i];
      } else {
        word += c;
      }
      continue;
    }
    if (c == '\'' || c == '"') {
      quote = c;
      in_word = true;
    } else if (c == '\\' && i + 1 < line.size()) {
      word += line[++i];
      in_word = true;
    } else if (c == '#' && !in_word) {
      break;
    } else if (c == ' ' || c == '\t') {
      end_word();
    } else if (c == ';' || c == '&' || c == '|') {
      end_word();
      if (!out.back().empty()) out.emplace_back();
    } else {
      word += c;
      in_word = true;
    }
  }
  end_word();
  return out;
}

// Returns `word` with $PWD and ${PWD} (the .envrc's directory) made relative, or "" when it
// holds another expansion or a glob jailed cannot work out.
std::string plain_path(std::string word) {
  for (const char* pwd : {"${PWD}", "$PWD"}) {
    std::string_view prefix = pwd;
    if (util::starts_with(word, prefix)) word = "." + word.substr(prefix.size());
  }
  if (word.find_first_of("$`*?[~") != std::string::npos) return "";
  return word;
}

}  // namespace

EnvrcReferences envrc_references(std::string_view text) {
  EnvrcReferences refs;
  auto add = [&](const std::string& command, const std::string& word, bool directory) {
    std::string path = plain_path(word);
    bool loads = command != "watch_file" && command != "watch_dir" && command != "nix_direnv_watch_file" &&
                 !util::starts_with(command, "use ");
    if (path.empty()) {
      refs.unresolved.push_back(command + " " + word);
    } else {
      refs.paths.push_back({path, directory, command, loads});
    }
  };
  for (const auto& line : util::split(text, '\n')) {
    for (const auto& words : commands_of(line)) {
      if (words.empty()) continue;
      const std::string& cmd = words[0];
      std::vector<std::string> args(words.begin() + 1, words.end());
      // Options (use nix -p ..., source_env --flag) name no files.
      std::vector<std::string> files;
      for (const auto& arg : args) {
        if (!arg.empty() && arg[0] != '-') files.push_back(arg);
      }
      if (cmd == "source_env" || cmd == "source_env_if_exists") {
        // A directory argument means its .envrc; the name is kept as written, both are protected.
        for (const auto& f : files) add(cmd, f, false);
      } else if (cmd == "source_up" || cmd == "source_up_if_exists") {
        // The .envrc files above are found by the scan (every .envrc is protected); another name
        // is looked up in every directory above, which the caller resolves.
        add(cmd, files.empty() ? "../.envrc" : "../" + files[0], false);
      } else if (cmd == "dotenv" || cmd == "dotenv_if_exists") {
        add(cmd, files.empty() ? ".env" : files[0], false);
      } else if (cmd == "source" || cmd == ".") {
        if (!files.empty()) add(cmd, files[0], false);
      } else if (cmd == "PATH_add" || cmd == "load_prefix" || cmd == "watch_dir") {
        for (const auto& f : files) add(cmd, f, true);
      } else if (cmd == "path_add" || cmd == "MANPATH_add") {
        // path_add VAR DIR...: the first word names the variable.
        size_t first = cmd == "path_add" ? 1 : 0;
        for (size_t i = first; i < files.size(); ++i) add(cmd, files[i], true);
      } else if (cmd == "watch_file" || cmd == "nix_direnv_watch_file") {
        for (const auto& f : files) add(cmd, f, false);
      } else if (cmd == "use" && !files.empty()) {
        std::string what = files[0];
        std::vector<std::string> rest(files.begin() + 1, files.end());
        if (what == "flake") {
          // use flake [REF]: a local flake ("." by default, ./dir, path:dir) is read from disk.
          std::string ref = rest.empty() ? "." : rest[0];
          ref = ref.substr(0, ref.find('#'));
          if (util::starts_with(ref, "path:")) ref = ref.substr(5);
          if (ref.empty()) ref = ".";
          if (ref[0] == '.' || ref[0] == '/') {
            add("use flake", ref + "/flake.nix", false);
            add("use flake", ref + "/flake.lock", false);
          }
        } else if (what == "nix") {
          bool named = false;
          for (const auto& f : rest) {
            if (f.size() > 4 && f.compare(f.size() - 4, 4, ".nix") == 0) {
              add("use nix", f, false);
              named = true;
            }
          }
          bool packages = false;
          for (const auto& arg : args) packages = packages || arg == "-p" || arg == "--packages";
          if (!named && !packages) {
            add("use nix", "shell.nix", false);
            add("use nix", "default.nix", false);
          }
        } else if (what == "devenv") {
          for (const char* f : {"devenv.nix", "devenv.yaml", "devenv.lock"}) add("use devenv", f, false);
        }
      }
    }
  }
  return refs;
}

}  // namespace jailed::sandbox
