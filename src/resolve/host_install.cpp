// Install layouts of host programs: npm packages, Python virtual environments, #! interpreters.
#include "resolve/host_install.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <vector>

#include "util/files.hpp"
#include "util/paths.hpp"
#include "util/strings.hpp"

namespace jailed::resolve {
namespace {

// A #! line is short; the kernel itself reads no more than this.
constexpr size_t k_shebang_max = 256;

bool is_file(const std::string& path) {
  auto st = util::stat_path(path);
  return st && S_ISREG(st->st_mode);
}

bool is_dir(const std::string& path) {
  auto st = util::stat_path(path);
  return st && S_ISDIR(st->st_mode);
}

// Returns the outermost npm package directory on `real`'s path, or "".
std::string npm_package(const std::string& real, std::string& name) {
  auto parts = util::split(real, '/');
  std::string dir;
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    if (!parts[i].empty()) dir += "/" + parts[i];
    if (parts[i] != "node_modules") continue;
    // node_modules/NAME/... or node_modules/@SCOPE/NAME/...: the file must lie beneath it.
    bool scoped = !parts[i + 1].empty() && parts[i + 1][0] == '@';
    size_t last = i + (scoped ? 2 : 1);
    if (last + 1 >= parts.size()) return "";
    std::string package = dir;
    for (size_t j = i + 1; j <= last; ++j) package += "/" + parts[j];
    name = scoped ? parts[i + 1] + "/" + parts[last] : parts[last];
    return package;
  }
  return "";
}

}  // namespace

std::optional<InstallDir> install_dir_of(const std::string& real, const std::string& program) {
  std::string name;
  std::string package = npm_package(real, name);
  if (!package.empty() && is_dir(package)) {
    return InstallDir{package, "npm package " + name + " holding " + program + ", with its node_modules"};
  }
  // A venv's scripts live in VENV/bin; pyvenv.cfg marks VENV.
  std::string bin = util::parent_dir(real);
  std::string venv = util::parent_dir(bin);
  if (venv != "/" && util::base_name(bin) == "bin" && is_file(util::join_path(venv, "pyvenv.cfg"))) {
    return InstallDir{venv, "Python virtual environment holding " + program + " (pyvenv.cfg)"};
  }
  return std::nullopt;
}

std::optional<Shebang> read_shebang(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return std::nullopt;
  char buffer[k_shebang_max];
  ssize_t got = ::read(fd, buffer, sizeof buffer);
  ::close(fd);
  if (got < 3 || buffer[0] != '#' || buffer[1] != '!') return std::nullopt;
  std::string line(buffer + 2, static_cast<size_t>(got) - 2);
  line = line.substr(0, line.find('\n'));
  if (!line.empty() && line.back() == '\r') line.pop_back();
  std::vector<std::string> words;
  for (const auto& word : util::split(std::string(util::trim(line)), ' ')) {
    for (const auto& part : util::split(word, '\t')) {
      if (!part.empty()) words.push_back(part);
    }
  }
  if (words.empty()) return std::nullopt;
  Shebang shebang{words[0], false, "#!" + std::string(util::trim(line))};
  if (util::base_name(words[0]) != "env") return shebang;
  // env [-S] [-i] [NAME=VALUE...] PROGRAM [ARGS]: the first word that is neither.
  for (size_t i = 1; i < words.size(); ++i) {
    const std::string& word = words[i];
    if (word[0] == '-' || word.find('=') != std::string::npos) continue;
    return Shebang{word, true, shebang.line};
  }
  return shebang;
}

std::string interpreter_lib_dir(const std::string& real) {
  std::string bin = util::parent_dir(real);
  if (util::base_name(bin) != "bin") return "";
  std::string lib = util::join_path(util::parent_dir(bin), "lib");
  return is_dir(lib) ? lib : "";
}

}  // namespace jailed::resolve
