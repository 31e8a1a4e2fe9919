// Unit tests for config/schema: the keys of format 1 and validation of a parsed document.
#include <catch2/catch.hpp>

#include <string>

#include "config/reader.hpp"
#include "config/schema.hpp"

using namespace jailed;
using namespace jailed::config;

namespace {

// Returns the validation error of `text` read as "app/.jailed" (empty if valid).
std::string problem(std::string_view text) {
  auto doc = read_document(text, "app/.jailed");
  REQUIRE(doc.ok());
  auto valid = validate(*doc);
  return valid.ok() ? "" : valid.error();
}

}  // namespace

TEST_CASE("schema lists the keys in documentation order", "[config]") {
  std::vector<std::string> names;
  for (const auto& spec : key_specs()) names.push_back(spec.name);
  REQUIRE(names == std::vector<std::string>{"name", "package", "command", "args", "packages", "base-packages",
                                            "readwrite", "readonly", "config", "config-share", "network", "timezone", "workdir",
                                            "git", "env", "setenv", "store", "backend", "tmpfs-size", "processes", "memory",
                                            "bind-ports", "snapshot", "snapshot-exclude", "snapshot-max-size",
                                            "snapshot-keep", "snapshot-max-total"});
  REQUIRE(find_key("network")->type == ValueType::boolean);
  REQUIRE(find_key("network")->default_text == "off");
  REQUIRE(find_key("timezone")->default_text == "on");
  REQUIRE(find_key("workdir")->choices == std::vector<std::string>{"project", "cwd"});
  REQUIRE(find_key("store")->choices == std::vector<std::string>{"closure", "full"});
  REQUIRE(find_key("package")->agent_only);
  REQUIRE_FALSE(find_key("packages")->agent_only);
  REQUIRE(find_key("readonly")->type == ValueType::path_list);
  REQUIRE(find_key("netwrok") == nullptr);
}

TEST_CASE("a complete valid file passes", "[config]") {
  REQUIRE(problem("[jail]\n"
                  "packages = nixpkgs#go\n"
                  "packages = nixpkgs#gopls\n"
                  "base-packages = nixpkgs#bash\n"
                  "readonly = ~/.gitconfig ../shared /etc/hosts\n"
                  "network = on\n"
                  "timezone = no\n"
                  "workdir = cwd\n"
                  "store = full\n"
                  "env = TERM_PROGRAM _X x9\n"
                  "setenv = A=1 B= C=x=y\n"
                  "[agent my-bot]\n"
                  "name = bot+2.x_y-z\n"
                  "package = path:./tools#my-bot\n"
                  "command = my-bot\n"
                  "config = ~/.config/my-bot\n"
                  "network = off\n") == "");
}

TEST_CASE("unknown keys get a suggestion", "[config]") {
  REQUIRE(problem("[jail]\nnetwrok = on\n") == "app/.jailed:2: unknown key \"netwrok\" (did you mean \"network\"?)");
  REQUIRE(problem("[agent x]\npackge = y\n") == "app/.jailed:2: unknown key \"packge\" (did you mean \"package\"?)");
  REQUIRE(problem("[jail]\nbanana = 1\n") == "app/.jailed:2: unknown key \"banana\" (see \"man 5 jailed\" for the keys)");
}

TEST_CASE("agent-only keys are refused in [jail]", "[config]") {
  REQUIRE(problem("[jail]\npackage = nixpkgs#crush\n") ==
          "app/.jailed:2: key \"package\" belongs in an [agent NAME] section");
  REQUIRE(problem("[jail]\nname = x\n") == "app/.jailed:2: key \"name\" belongs in an [agent NAME] section");
  REQUIRE(problem("[jail]\ncommand = x\n") == "app/.jailed:2: key \"command\" belongs in an [agent NAME] section");
}

TEST_CASE("scalar keys take one value, once per section", "[config]") {
  REQUIRE(problem("[jail]\nnetwork = on # really\n") ==
          "app/.jailed:2: key \"network\": \"#\" looks like a comment, but '#' starts a comment only at the start of "
          "a line (put the comment on a line of its own)");
  REQUIRE(problem("[jail]\nreadonly = ~/a #note\n") ==
          "app/.jailed:2: key \"readonly\": \"#note\" looks like a comment, but '#' starts a comment only at the "
          "start of a line (put the comment on a line of its own)");
  REQUIRE(problem("[jail]\npackages = nixpkgs#go\n") == "");
  REQUIRE(problem("[agent x]\ncommand = my bot\n") ==
          "app/.jailed:2: key \"command\" takes one value, not 2 (quote a value that holds spaces)");
  REQUIRE(problem("[agent x]\nnetwork = on\nenv = A\nnetwork = off\n") ==
          "app/.jailed:4: key \"network\" is set twice in this section (the first is at line 2; keep one)");
  // The same scalar in two sections is layering, not repetition.
  REQUIRE(problem("[jail]\nnetwork = on\n[agent x]\nnetwork = off\n") == "");
}

TEST_CASE("booleans and choices are checked", "[config]") {
  REQUIRE(problem("[jail]\nnetwork = maybe\n") ==
          "app/.jailed:2: invalid value \"maybe\" for \"network\" (use on, off, true, false, yes or no)");
  REQUIRE(problem("[jail]\ntimezone = ON\n") ==
          "app/.jailed:2: invalid value \"ON\" for \"timezone\" (use on, off, true, false, yes or no)");
  REQUIRE(problem("[jail]\nworkdir = cdw\n") ==
          "app/.jailed:2: invalid value \"cdw\" for \"workdir\" (use project or cwd; did you mean \"cwd\"?)");
  REQUIRE(problem("[jail]\nstore = everything\n") ==
          "app/.jailed:2: invalid value \"everything\" for \"store\" (use closure or full)");
}

TEST_CASE("parse_bool accepts the six documented words", "[config]") {
  bool value = false;
  for (const char* word : {"on", "true", "yes"}) {
    REQUIRE(parse_bool(word, value));
    REQUIRE(value);
  }
  for (const char* word : {"off", "false", "no"}) {
    REQUIRE(parse_bool(word, value));
    REQUIRE_FALSE(value);
  }
  REQUIRE_FALSE(parse_bool("1", value));
}

TEST_CASE("variable names and assignments are checked", "[config]") {
  REQUIRE(problem("[jail]\nenv = OK 1BAD\n") ==
          "app/.jailed:2: invalid variable name \"1BAD\" in \"env\" (use letters, digits and \"_\", not starting "
          "with a digit)");
  REQUIRE(problem("[jail]\nenv = MY-VAR\n") ==
          "app/.jailed:2: invalid variable name \"MY-VAR\" in \"env\" (use letters, digits and \"_\", not starting "
          "with a digit)");
  REQUIRE(problem("[jail]\nsetenv = DEBUG\n") == "app/.jailed:2: \"DEBUG\" in \"setenv\" has no \"=\" (write NAME=VALUE)");
  REQUIRE(problem("[jail]\nsetenv = =x\n") ==
          "app/.jailed:2: invalid variable name \"\" in \"setenv\" (use letters, digits and \"_\", not starting with "
          "a digit)");
}

TEST_CASE("shim command names stay plain and never shadow jailed", "[config]") {
  REQUIRE(problem("[agent x]\nname = \"my bot\"\n") ==
          "app/.jailed:2: invalid command name \"my bot\" for \"name\" (use letters, digits, \".\", \"_\", \"+\" and "
          "\"-\", starting with a letter or digit)");
  REQUIRE(problem("[agent x]\nname = ../evil\n").find("invalid command name \"../evil\"") != std::string::npos);
  REQUIRE(problem("[agent x]\nname = jailed\n") ==
          "app/.jailed:2: \"name\" cannot be \"jailed\", which is jailed itself (choose another command name)");
  REQUIRE(problem("[agent x]\nname = Jailed-X\n") == "");
}

TEST_CASE("empty values and ~user paths are refused", "[config]") {
  REQUIRE(problem("[jail]\nreadonly = \"\"\n") == "app/.jailed:2: key \"readonly\" has an empty value (remove the \"\")");
  REQUIRE(problem("[jail]\nreadonly = ~bob/notes\n") ==
          "app/.jailed:2: path \"~bob/notes\" in \"readonly\" uses ~user, which is not supported (write the full "
          "path)");
  REQUIRE(problem("[jail]\nreadonly = ~ ~/x\n") == "");
}

TEST_CASE("schema parses sizes, counts and ports, and refuses the rest", "[config]") {
  uint64_t out = 0;
  REQUIRE(parse_size("512M", out));
  REQUIRE(out == 512ULL << 20);
  REQUIRE(parse_size("2g", out));
  REQUIRE(out == 2ULL << 30);
  REQUIRE(parse_size("4096", out));
  REQUIRE(out == 4096);
  for (const char* bad : {"", "M", "1.5G", "-1G", "1GB", "0", "99999999999T", "2048T"}) REQUIRE_FALSE(parse_size(bad, out));
  REQUIRE(parse_count("4096", out));
  for (const char* bad : {"0", "", "12a", "99999999999"}) REQUIRE_FALSE(parse_count(bad, out));
  auto doc = read_document("[agent a]\nbind-ports = 3000 70000\n", "/p/.jailed");
  REQUIRE(doc.ok());
  auto checked = validate(*doc);
  REQUIRE_FALSE(checked.ok());
  REQUIRE(checked.error() == "/p/.jailed:2: invalid port \"70000\" in \"bind-ports\" (use TCP port numbers from 1 to 65535)");
  auto size = read_document("[jail]\ntmpfs-size = lots\n", "/p/.jailed");
  REQUIRE(size.ok());
  REQUIRE_FALSE(validate(*size).ok());
}

TEST_CASE("snapshot keys are project-wide and their sizes and counts are checked", "[config]") {
  REQUIRE(problem("[jail]\nsnapshot = off\nsnapshot-exclude = node_modules target\nsnapshot-max-size = 500M\n"
                  "snapshot-keep = 5\nsnapshot-max-total = 2G\n") == "");
  REQUIRE(problem("[agent x]\nsnapshot = off\n") ==
          "app/.jailed:2: key \"snapshot\" applies to the whole project: set it in [jail] (or in the global config)");
  REQUIRE(problem("[jail]\nsnapshot-max-size = lots\n") ==
          "app/.jailed:2: invalid size \"lots\" for \"snapshot-max-size\" (use a number with K, M, G or T, such as 512M)");
  REQUIRE(problem("[jail]\nsnapshot-keep = 0\n") ==
          "app/.jailed:2: invalid number \"0\" for \"snapshot-keep\" (use a whole number above 0)");
  REQUIRE(problem("[jail]\nsnapshot-keep = 5K\n") ==
          "app/.jailed:2: invalid number \"5K\" for \"snapshot-keep\" (use a whole number above 0)");
}
