// Running Nix for a resolution: one evaluation, one build, one closure query.
#include "resolve/nix_calls.hpp"

#include <dirent.h>
#include <unistd.h>

#include <algorithm>
#include <optional>

#include "util/files.hpp"
#include "util/paths.hpp"
#include "util/strings.hpp"

namespace jailed::resolve {
namespace {

// Flakes and the `nix` command are still "experimental" in Nix 2.8 and later.
const char* const k_features = "nix-command flakes";
constexpr size_t k_max_error_lines = 40;

Result<util::Completed> run_nix(util::CommandRunner& runner, const std::vector<std::string>& argv) {
  auto done = runner.run(argv);
  if (!done) return done.failure();
  if (done->status != 0) return fail(nix_error_text(*done));
  return done;
}

// Reads a root name made by nix-store --add-root ROOT: "r" (first argument, output out),
// "r-2" (second), "r-2-dev" (second, output dev), "r-dev" (first, dev). Returns the
// 0-based argument index.
std::optional<size_t> root_index(const std::string& name, const std::string& stem) {
  if (!util::starts_with(name, stem)) return std::nullopt;
  std::string rest = name.substr(stem.size());
  if (rest.empty()) return 0;
  if (rest[0] != '-') return std::nullopt;
  size_t digits = 1;
  while (digits < rest.size() && rest[digits] >= '0' && rest[digits] <= '9') ++digits;
  if (digits == 1 || (digits < rest.size() && rest[digits] != '-')) return 0;  // "-dev": the first argument
  size_t number = std::stoul(rest.substr(1, digits - 1));
  return number >= 2 ? std::optional<size_t>(number - 1) : std::nullopt;
}

// Maps the roots nix-store made back to its arguments: outputs per argument, sorted.
Result<std::vector<std::vector<std::string>>> read_roots(const std::string& dir, const std::string& stem, size_t count) {
  std::vector<std::vector<std::string>> outputs(count);
  DIR* handle = ::opendir(dir.c_str());
  if (!handle) return fail("cannot list the GC roots in " + dir);
  while (dirent* entry = ::readdir(handle)) {
    std::string name = entry->d_name;
    auto index = root_index(name, stem);
    if (!index || *index >= count) continue;
    auto target = util::read_link(dir + "/" + name);
    if (!target || target->empty()) continue;
    outputs[*index].push_back(*target);
  }
  ::closedir(handle);
  for (size_t i = 0; i < count; ++i) {
    if (outputs[i].empty()) return fail("nix-store made no GC root for argument " + std::to_string(i + 1) + " in " + dir);
    std::sort(outputs[i].begin(), outputs[i].end());
  }
  return outputs;
}

}  // namespace

std::string nix_error_text(const util::Completed& done) {
  std::string text = done.err;
  size_t at = util::starts_with(text, "error:") ? 0 : text.find("\nerror:");
  if (at != std::string::npos) text = text.substr(at == 0 ? 0 : at + 1);
  std::vector<std::string> lines;
  for (auto& line : util::split(util::trim(text), '\n')) {
    // Nix's hint names an option of its own command line, which jailed's user cannot pass.
    if (util::starts_with(util::trim(line), "(use '--show-trace'")) continue;
    lines.push_back(std::move(line));
  }
  while (!lines.empty() && util::trim(lines.back()).empty()) lines.pop_back();
  if (lines.size() > k_max_error_lines) {
    lines.resize(k_max_error_lines);
    lines.push_back("…");
  }
  std::string out = util::join(lines, "\n");
  return out.empty() ? "nix exited with status " + std::to_string(done.status) + " and printed no error" : out;
}

NixTools nix_tools(const std::string& nix) {
  // The nix-store of the same installation; a bare name (found on PATH when run) otherwise.
  std::string sibling = util::join_path(util::parent_dir(nix), "nix-store");
  return {nix, ::access(sibling.c_str(), X_OK) == 0 ? sibling : "nix-store"};
}

std::vector<std::string> eval_argv(const NixTools& tools, const std::vector<std::string>& specs) {
  std::vector<std::string> argv = {tools.nix, "--extra-experimental-features", k_features, "build", "--dry-run", "--json"};
  // "--" ends nix's options: specs are packages, never flags.
  argv.push_back("--");
  argv.insert(argv.end(), specs.begin(), specs.end());
  return argv;
}

std::vector<std::string> realise_argv(const NixTools& tools, const std::vector<DerivedPath>& paths, const std::string& root) {
  // --indirect: the root lives outside /nix/var/nix/gcroots (Nix 2.8 needs the flag; later
  // Nix makes every such root indirect and ignores it).
  std::vector<std::string> argv = {tools.nix_store, "--realise", "--add-root", root, "--indirect"};
  for (const auto& path : paths) {
    if (!path.path.empty()) {
      argv.push_back(path.path);
      continue;
    }
    bool all = std::find(path.outputs.begin(), path.outputs.end(), "*") != path.outputs.end();
    // DRV!out,dev builds just the outputs the flake asked for; a bare DRV builds all of them.
    argv.push_back(all ? path.drv_path : path.drv_path + "!" + util::join(path.outputs, ","));
  }
  return argv;
}

std::vector<std::string> closure_argv(const NixTools& tools, const std::vector<std::string>& outputs) {
  std::vector<std::string> argv = {tools.nix_store, "--query", "--requisites"};
  argv.insert(argv.end(), outputs.begin(), outputs.end());
  return argv;
}

Result<Realised> realise_specs(util::CommandRunner& runner, const NixTools& tools, const std::vector<std::string>& specs,
                               const std::string& roots_dir, const std::function<bool()>& interrupted) {
  auto evaluated = run_nix(runner, eval_argv(tools, specs));
  if (!evaluated) return evaluated.failure();
  if (interrupted()) return fail("interrupted");
  auto paths = parse_derived_paths(evaluated->out);
  if (!paths) return paths.failure();
  if (paths->size() != specs.size()) {
    return fail("nix evaluated " + std::to_string(specs.size()) + " packages to " + std::to_string(paths->size()) +
                " results; cannot tell which is which");
  }

  const std::string stem = "r";
  auto built = run_nix(runner, realise_argv(tools, *paths, util::join_path(roots_dir, stem)));
  if (!built) return built.failure();
  if (interrupted()) return fail("interrupted");
  auto outputs = read_roots(roots_dir, stem, specs.size());
  if (!outputs) return outputs.failure();

  std::vector<std::string> all;
  for (const auto& list : *outputs) all.insert(all.end(), list.begin(), list.end());
  std::sort(all.begin(), all.end());
  all.erase(std::unique(all.begin(), all.end()), all.end());
  auto queried = run_nix(runner, closure_argv(tools, all));
  if (!queried) return queried.failure();
  if (interrupted()) return fail("interrupted");

  Realised out;
  out.outputs = std::move(*outputs);
  for (const auto& line : util::split(queried->out, '\n')) {
    if (!line.empty()) out.closure.push_back(line);
  }
  std::sort(out.closure.begin(), out.closure.end());
  out.closure.erase(std::unique(out.closure.begin(), out.closure.end()), out.closure.end());
  if (out.closure.empty()) return fail("nix-store printed an empty closure for " + util::join(all, " "));
  return out;
}

}  // namespace jailed::resolve
