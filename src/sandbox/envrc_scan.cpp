// The direnv stdlib commands that load files, and the words of an .envrc line.
#include "sandbox/envrc_scan.hpp"

#include <algorithm>
#include <utility>

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

// Shell words that may stand before a command: `if [ -f x ]; then source_env x; fi` runs source_env.
bool is_shell_keyword(const std::string& word) {
  for (const char* keyword : {"then", "do", "else", "elif", "{", "}", "!", "(", "time", "command", "builtin"}) {
    if (word == keyword) return true;
  }
  return false;
}

// The stdlib commands this reader follows: one met elsewhere than as a command word is on a line
// it cannot follow (eval, a subshell, a function call), which explain names as unprotected.
bool is_loader(const std::string& word) {
  for (const char* name : {"source_env", "source_env_if_exists", "source_up", "source_up_if_exists", "dotenv",
                           "dotenv_if_exists", "source", ".", "PATH_add", "path_add", "MANPATH_add", "load_prefix",
                           "layout", "use", "watch_file", "watch_dir"}) {
    if (word == name) return true;
  }
  return false;
}

// What `layout NAME` puts on PATH or reads in the .envrc's directory (direnv's stdlib.sh):
// node and php add node_modules/.bin and vendor/bin; python, go, perl and ruby keep their
// programs in direnv_layout_dir (.direnv); pipenv installs what Pipfile names; opam a local
// switch (_opam). Empty: a layout whose paths lie outside the project (pyenv, julia).
std::vector<std::pair<std::string, bool>> layout_paths(const std::string& name) {
  if (name == "node") return {{"node_modules/.bin", true}};
  if (name == "php") return {{"vendor/bin", true}};
  if (name == "python" || name == "python2" || name == "python3" || name == "go" || name == "perl" ||
      name == "ruby") {
    return {{".direnv", true}};
  }
  if (name == "pipenv") return {{"Pipfile", false}, {"Pipfile.lock", false}, {".venv", true}};
  if (name == "opam") return {{"_opam", true}};
  return {};
}

}  // namespace

EnvrcReferences envrc_references(std::string_view text) {
  EnvrcReferences refs;
  auto add = [&](const std::string& command, const std::string& word, bool directory) {
    std::string path = plain_path(word);
    bool loads = command != "watch_file" && command != "watch_dir" && command != "nix_direnv_watch_file" &&
                 (!util::starts_with(command, "use ") || command == "use vim");
    if (path.empty()) {
      refs.unresolved.push_back(command + " " + word);
    } else {
      refs.paths.push_back({path, directory, command, loads});
    }
  };
  for (const auto& line : util::split(text, '\n')) {
    bool followed_all = true;
    for (const auto& all_words : commands_of(line)) {
      auto start = std::find_if_not(all_words.begin(), all_words.end(), is_shell_keyword);
      if (start == all_words.end()) continue;
      const std::string& cmd = *start;
      std::vector<std::string> args(start + 1, all_words.end());
      // eval "source_env x", bash -c '. x': a loader inside a word, or as a later word.
      if (!is_loader(cmd) && std::any_of(args.begin(), args.end(), [](const std::string& arg) {
            if (is_loader(arg) && arg != "." && arg != "source" && arg != "use" && arg != "layout") return true;
            auto inner = commands_of(arg);
            return std::any_of(inner.begin(), inner.end(), [](const auto& words) {
              auto first = std::find_if_not(words.begin(), words.end(), is_shell_keyword);
              return first != words.end() && is_loader(*first);
            });
          })) {
        followed_all = false;
      }
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
        } else if (what == "vim") {
          // The direnv.vim plugin sources it in vim.
          add("use vim", rest.empty() ? ".vimrc.local" : rest[0], false);
        }
      } else if (cmd == "layout" && !files.empty()) {
        auto paths = layout_paths(files[0]);
        for (const auto& [path, directory] : paths) add("layout " + files[0], path, directory);
        // layout anaconda PATH: a prefix in the project holds the programs.
        if (files[0] == "anaconda" && files.size() > 1 && files[1].find('/') != std::string::npos) {
          add("layout anaconda", files[1] + "/bin", true);
        }
        if (paths.empty() && files[0] != "anaconda" && files[0] != "pyenv" && files[0] != "julia") {
          refs.unresolved.push_back("layout " + files[0]);
        }
      }
    }
    if (!followed_all) refs.unfollowed.push_back(std::string(util::trim(line)));
  }
  return refs;
}

}  // namespace jailed::sandbox
