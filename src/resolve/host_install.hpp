// How a program is installed on the host: the npm package or Python virtual environment it
// lives in, and the interpreter its #! line names. The host backend binds these, not just the
// program's own file, so that a launcher loading files beside it runs in the jail.
#pragma once

#include <optional>
#include <string>

namespace jailed::resolve {

// A directory a program needs in full, with why (for explain).
struct InstallDir {
  std::string path;
  std::string reason;
};

// Returns the install `real` (a program's realpath) lies in: the outermost npm package
// (node_modules/NAME or node_modules/@SCOPE/NAME: its own node_modules hold its dependencies,
// such as a vendored native binary), or a Python virtual environment (pyvenv.cfg beside the
// program's bin directory: pipx, venv, uv tools). Nothing for a file that stands alone (a
// single binary in ~/.cargo/bin or ~/go/bin). `program` names the program in the reason.
std::optional<InstallDir> install_dir_of(const std::string& real, const std::string& program);

// The interpreter a script's #! line names.
struct Shebang {
  std::string interpreter;  // an absolute path, or with via_env a name looked up on PATH
  bool via_env = false;     // #!/usr/bin/env NAME (also with -S and options)
  std::string line;         // the #! line as written, for messages
};

// Returns the interpreter of the script at `path`, or nothing for a file without a #! line
// (a binary) or one that cannot be read.
std::optional<Shebang> read_shebang(const std::string& path);

// Returns the library directory of an interpreter's prefix (PREFIX/lib for PREFIX/bin/NAME:
// pyenv's Python keeps its standard library there), or "" when there is none.
std::string interpreter_lib_dir(const std::string& real);

}  // namespace jailed::resolve
