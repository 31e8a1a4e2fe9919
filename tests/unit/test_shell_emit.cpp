// Unit tests for shell/emit: export code and hook scripts, run in the real bash, zsh and fish.
#include <catch2/catch.hpp>

#include <stdlib.h>

#include "shell/emit.hpp"
#include "util/files.hpp"
#include "util/process.hpp"
#include "util/strings.hpp"
#include "skip.hpp"
#include "temp_dir.hpp"

using namespace jailed;
using namespace jailed::shell;

namespace {

using jailed::testing::TempDir;

// Returns the absolute path of `name`, or reports the test case skipped.
std::optional<std::string> find_tool(const std::string& name) {
  auto path = util::find_in_path(name);
  if (!path) jailed::testing::report_skip(name + " is not installed; checks that need it did not run");
  return path;
}

// The command line that runs a script in `shell` without reading the user's startup files.
std::vector<std::string> shell_argv(Shell shell, const std::string& program) {
  switch (shell) {
    case Shell::bash: return {program, "--norc", "--noprofile", "-c"};
    case Shell::zsh: return {program, "-f", "-c"};
    default: return {program, "--no-config", "-c"};
  }
}

std::string shell_name(Shell shell) {
  switch (shell) {
    case Shell::bash: return "bash";
    case Shell::zsh: return "zsh";
    case Shell::fish: return "fish";
    case Shell::json: return "json";
  }
  return "";
}

// Runs `argv` by execv (no /bin/sh in between) and returns what it did.
util::Completed run(const std::vector<std::string>& argv) {
  util::SystemRunner runner;
  auto done = runner.run(argv);
  REQUIRE(done.ok());
  return *done;
}

// Runs `script` in the real `shell` if it is installed.
std::optional<util::Completed> run_in(Shell shell, const std::string& script) {
  auto program = find_tool(shell_name(shell));
  if (!program) return std::nullopt;
  auto argv = shell_argv(shell, *program);
  argv.push_back(script);
  return run(argv);
}

// Writes a stand-in for jailed into `dir`: it logs each call and prints `export` output that
// sets JAILED_TEST to the shell's name. The directory name needs quoting in every shell.
std::string write_fake_jailed(const std::string& dir) {
  std::string bin = dir + "/bin dir 'q' $(x)";
  REQUIRE(util::make_dirs(bin).ok());
  std::string path = bin + "/jailed";
  std::string log = dir + "/calls";
  std::string script =
      "#!/bin/sh\n"
      "echo \"$*\" >> '" + log + "'\n"
      "case \"$2\" in\n"
      "  bash|zsh) printf 'export JAILED_TEST=%s;' \"$2\" ;;\n"
      "  fish) printf 'set -gx JAILED_TEST fish;' ;;\n"
      "esac\n";
  REQUIRE(util::write_file_atomic(path, script, 0755).ok());
  return path;
}

// Returns how many times the fake jailed in `dir` ran.
size_t fake_calls(const std::string& dir) {
  auto log = util::read_file(dir + "/calls");
  if (!log.ok()) return 0;
  size_t lines = 0;
  for (char c : *log) lines += c == '\n';
  return lines;
}

// Writes the hook for `shell` into `dir` and returns its path, for scripts to source.
std::string write_hook(Shell shell, const std::string& dir, const std::string& jailed) {
  std::string path = dir + "/hook." + shell_name(shell);
  REQUIRE(util::write_file_atomic(path, hook_script(shell, jailed)).ok());
  return path;
}

// Returns `path` as `shell` exports it: fish turns empty PATH entries into "." (both mean the
// current directory), which it would do to the user's own PATH as well.
std::string exported_path(Shell shell, const std::string& path) {
  if (shell != Shell::fish) return path;
  auto items = util::split(path, ':');
  for (auto& item : items) {
    if (item.empty()) item = ".";
  }
  return util::join(items, ":");
}

}  // namespace

TEST_CASE("emit writes each shell's own assignments", "[shell]") {
  std::vector<EnvChange> changes{{"PATH", "/shims/a b:/usr/bin"}, {"JAILED_STATE", std::nullopt}};
  REQUIRE(emit(Shell::bash, changes, true) == "export PATH='/shims/a b:/usr/bin';unset JAILED_STATE;hash -r;");
  REQUIRE(emit(Shell::zsh, changes, true) == "export PATH='/shims/a b:/usr/bin';unset JAILED_STATE;rehash;");
  REQUIRE(emit(Shell::fish, changes, true) == "set -gx -- PATH /shims/a\\X20b /usr/bin;set -e JAILED_STATE;");
  REQUIRE(emit(Shell::json, changes, true) == "{\"PATH\":\"/shims/a b:/usr/bin\",\"JAILED_STATE\":null}\n");
  REQUIRE(emit(Shell::bash, {{"A", "x"}}, false) == "export A=x;");
  // Only PATH becomes a fish list; other values stay one word even with ':' in them.
  REQUIRE(emit(Shell::fish, {{"JAILED_STATE", "1:L"}}, false) == "set -gx -- JAILED_STATE 1:L;");
}

TEST_CASE("emit prints nothing when nothing changed", "[shell]") {
  for (auto shell : {Shell::bash, Shell::zsh, Shell::fish, Shell::json}) {
    REQUIRE(emit(shell, {}, false).empty());
  }
  REQUIRE(emit(Shell::bash, {}, true) == "hash -r;");
  REQUIRE(emit(Shell::zsh, {}, true) == "rehash;");
  REQUIRE(emit(Shell::fish, {}, true).empty());
  REQUIRE(emit(Shell::json, {}, true).empty());
}

TEST_CASE("emitted PATH and values reach the environment byte for byte in real shells", "[shell]") {
  TempDir dir;
  std::string canary = dir.path + "/pwned";
  auto printenv = find_tool("printenv");
  if (!printenv) return;
  const std::string paths[] = {
      "/shims/$(touch " + canary + "):/usr/bin",
      "/a b/`touch " + canary + "`:/it's:/\"q\":/usr/bin",
      "/new\nline:/\xff\xfe:/tab\there:/back\\slash",
      "--:-h:/x",
      "/a::/b:",
      ":/lead",
      "",
      "~:*:!",
  };
  for (auto shell : {Shell::bash, Shell::zsh, Shell::fish}) {
    for (const auto& path : paths) {
      INFO(shell_name(shell) << " PATH " << path);
      std::vector<EnvChange> changes{{"PATH", path}, {"JAILED_TEST", "x'\n$(touch " + canary + ")"},
                                     {"JAILED_GONE", std::nullopt}};
      std::string code = emit(shell, changes, true);
      // printenv shows the exported environment, which is what agents and shims see.
      auto done = run_in(shell, "export JAILED_GONE=1; " + code + " '" + *printenv + "' PATH JAILED_TEST; '" +
                                    *printenv + "' JAILED_GONE");
      if (!done) break;
      INFO("code: " << code << "\nstderr: " << done->err);
      REQUIRE(done->out == exported_path(shell, path) + "\nx'\n$(touch " + canary + ")\n");
      REQUIRE(done->status == 1);  // printenv found no JAILED_GONE
      REQUIRE_FALSE(util::exists_nofollow(canary));
    }
  }
}

TEST_CASE("hook scripts embed the quoted jailed path and pass their shell's syntax check", "[shell]") {
  TempDir dir;
  const std::string jailed = "/opt/my jailed's $(x)/bin/jailed";
  for (auto shell : {Shell::bash, Shell::zsh, Shell::fish}) {
    std::string text = hook_script(shell, jailed);
    INFO(shell_name(shell) << " hook:\n" << text);
    REQUIRE(text.find("@JAILED@") == std::string::npos);
    REQUIRE(text.find(quote(shell, jailed) + " export " + shell_name(shell)) != std::string::npos);
    auto program = find_tool(shell_name(shell));
    if (!program) continue;
    std::string path = write_hook(shell, dir.path, jailed);
    auto done = run({*program, shell == Shell::fish ? "--no-execute" : "-n", path});
    INFO("stderr: " << done.err);
    REQUIRE(done.status == 0);
    REQUIRE(done.err.empty());
  }
  REQUIRE(hook_script(Shell::json, jailed).empty());
}

TEST_CASE("the bash hook passes shellcheck", "[shell]") {
  auto shellcheck = find_tool("shellcheck");
  if (!shellcheck) return;
  TempDir dir;
  std::string path = write_hook(Shell::bash, dir.path, "/opt/my jailed's/bin/jailed");
  auto done = run({*shellcheck, "-s", "bash", path});
  INFO(done.out << done.err);
  REQUIRE(done.status == 0);
}

TEST_CASE("sourcing the bash hook twice installs it once and keeps other PROMPT_COMMAND entries", "[shell]") {
  TempDir dir;
  std::string hook = write_hook(Shell::bash, dir.path, "/usr/bin/jailed");
  std::string source_twice = ". '" + hook + "'; . '" + hook + "'; ";
  // Each case sets PROMPT_COMMAND, sources the hook twice and prints every element in <>.
  const std::pair<std::string, std::string> cases[] = {
      {"unset PROMPT_COMMAND;", "<_jailed_hook>"},
      {"PROMPT_COMMAND=;", "<_jailed_hook>"},
      {"PROMPT_COMMAND='history -a';", "<_jailed_hook;history -a>"},
      {"PROMPT_COMMAND='a;_jailed_hook;b';", "<a;_jailed_hook;b>"},
      {"PROMPT_COMMAND=('history -a' 'echo x');", "<_jailed_hook><history -a><echo x>"},
      {"PROMPT_COMMAND=();", "<_jailed_hook>"},
      {"PROMPT_COMMAND=('a' '_jailed_hook');", "<a><_jailed_hook>"},
  };
  for (const auto& [setup, expected] : cases) {
    for (std::string options : {"", "set -u;"}) {
      INFO(options << setup);
      auto done = run_in(Shell::bash, options + setup + source_twice + "printf '<%s>' \"${PROMPT_COMMAND[@]}\"");
      if (!done) return;
      INFO("stderr: " << done->err);
      REQUIRE(done->out == expected);
      REQUIRE(done->err.empty());
    }
  }
}

TEST_CASE("the bash hook applies the export, keeps $? and the user's INT trap", "[shell]") {
  TempDir dir;
  std::string jailed = write_fake_jailed(dir.path);
  std::string hook = write_hook(Shell::bash, dir.path, jailed);
  auto done = run_in(Shell::bash, "set -u; . '" + hook + "'; trap 'echo mine' INT; (exit 7); _jailed_hook; "
                                  "echo \"status=$? test=$JAILED_TEST\"; trap -p INT");
  if (!done) return;
  INFO("stderr: " << done->err);
  REQUIRE(done->out == "status=7 test=bash\ntrap -- 'echo mine' SIGINT\n");
  REQUIRE(done->err.empty());
  REQUIRE(fake_calls(dir.path) == 1);
}

TEST_CASE("sourcing the zsh hook twice installs it once in precmd and chpwd, keeping others", "[shell]") {
  TempDir dir;
  std::string jailed = write_fake_jailed(dir.path);
  std::string hook = write_hook(Shell::zsh, dir.path, jailed);
  std::string source_twice = ". '" + hook + "'; . '" + hook + "'; ";
  std::string show = "print -rn -- \"<${(j:><:)precmd_functions}>\" \"<${(j:><:)chpwd_functions}>\"";
  auto done = run_in(Shell::zsh, source_twice + show);
  if (!done) return;
  INFO("stderr: " << done->err);
  REQUIRE(done->out == "<_jailed_hook> <_jailed_hook>");
  // The user's options must not break the install: ksh_arrays changes $array, no_unset errors.
  done = run_in(Shell::zsh, "setopt ksh_arrays no_unset; precmd_functions=(a b); chpwd_functions=(c _jailed_hook); " +
                                source_twice + "unsetopt ksh_arrays; " + show);
  INFO("stderr: " << done->err);
  REQUIRE(done->out == "<_jailed_hook><a><b> <c><_jailed_hook>");
  REQUIRE(done->err.empty());
}

TEST_CASE("the zsh hook applies the export on cd, keeps $? and the user's INT trap", "[shell]") {
  TempDir dir;
  std::string jailed = write_fake_jailed(dir.path);
  std::string hook = write_hook(Shell::zsh, dir.path, jailed);
  auto done = run_in(Shell::zsh, ". '" + hook + "'; trap 'echo mine' INT; cd /; echo \"cd test=$JAILED_TEST\"; "
                                 "(exit 7); _jailed_hook; echo \"status=$?\"; trap");
  if (!done) return;
  INFO("stderr: " << done->err);
  REQUIRE(done->out == "cd test=zsh\nstatus=7\ntrap -- 'echo mine' INT\n");
  REQUIRE(done->err.empty());
  REQUIRE(fake_calls(dir.path) == 2);
}

TEST_CASE("sourcing the fish hook twice runs the export once per prompt and per cd", "[shell]") {
  TempDir dir;
  std::string jailed = write_fake_jailed(dir.path);
  std::string hook = write_hook(Shell::fish, dir.path, jailed);
  auto done = run_in(Shell::fish, "source '" + hook + "'; source '" + hook + "'; emit fish_prompt; "
                                  "echo \"prompt test=$JAILED_TEST\"; set -e JAILED_TEST; cd /; "
                                  "echo \"cd test=$JAILED_TEST\"");
  if (!done) return;
  INFO("stderr: " << done->err);
  REQUIRE(done->out == "prompt test=fish\ncd test=fish\n");
  REQUIRE(done->err.empty());
  REQUIRE(fake_calls(dir.path) == 2);
}
