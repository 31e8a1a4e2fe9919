// Reading an .envrc for the files direnv loads with it: direnv trusts only the bytes of the
// .envrc, so what it sources, reads or puts on PATH runs on the host without a new allow.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace jailed::sandbox {

// A path an .envrc names, relative to its directory unless absolute.
struct EnvrcReference {
  std::string path;
  bool directory = false;  // a directory put on PATH or watched, not a file loaded
  std::string command;     // the stdlib command that names it (source_env, PATH_add, use flake, ...)
  // Missing, it may be held by an empty placeholder: the command treats an empty file or
  // directory as one that is not there. Not so for watched files, nor for flake.lock and
  // shell.nix, whose empty form breaks `use flake` and `use nix`.
  bool placeholder = false;
};

// What an .envrc names: the paths it loads, and the words jailed cannot work out (a
// variable other than $PWD, a glob), each with its command, for explain.
struct EnvrcReferences {
  std::vector<EnvrcReference> paths;
  std::vector<std::string> unresolved;
  std::vector<std::string> unfollowed;  // lines naming a stdlib command elsewhere than as their command
};

// Returns the paths `text` (an .envrc) loads through direnv's stdlib: source_env[_if_exists],
// source_up[_if_exists], dotenv[_if_exists], source / ., PATH_add, path_add, load_prefix,
// watch_file, watch_dir, use flake (flake.nix, flake.lock), use nix (shell.nix, default.nix),
// use devenv, use vim, layout (node, php, python, go, perl, ruby, pipenv, opam, anaconda).
// Reads the text only: keywords before a command (then, do, else, !, {) are skipped, other
// shell logic (eval, functions, subshells) is not followed.
EnvrcReferences envrc_references(std::string_view text);

}  // namespace jailed::sandbox
