// Unit tests for config/reader: the text of a .jailed into sections, or a FILE:LINE error.
#include <catch2/catch.hpp>

#include <string>

#include "config/reader.hpp"

using namespace jailed;
using namespace jailed::config;

namespace {

// Returns the error message of parsing `text` as "app/.jailed" (empty if it parsed).
std::string error_of(std::string_view text) {
  auto doc = read_document(text, "app/.jailed");
  return doc.ok() ? "" : doc.error();
}

}  // namespace

TEST_CASE("reader splits sections and entries in file order", "[config]") {
  auto doc = read_document(
      "# leading comment\n"
      "\n"
      "[jail]\n"
      "packages = nixpkgs#go nixpkgs#gopls\n"
      "  [ agent   crush ]  \n"
      "network=on\n"
      "\t  readonly   =   ~/.gitconfig  \n",
      "app/.jailed");
  REQUIRE(doc.ok());
  REQUIRE(doc->file == "app/.jailed");
  REQUIRE(doc->sections.size() == 2);
  const Section& jail = doc->sections[0];
  REQUIRE(jail.kind == SectionKind::jail);
  REQUIRE(jail.name.empty());
  REQUIRE(jail.line == 3);
  REQUIRE(jail.entries.size() == 1);
  REQUIRE(jail.entries[0].key == "packages");
  REQUIRE(jail.entries[0].values == std::vector<std::string>{"nixpkgs#go", "nixpkgs#gopls"});
  REQUIRE(jail.entries[0].line == 4);
  const Section& crush = doc->sections[1];
  REQUIRE(crush.kind == SectionKind::agent);
  REQUIRE(crush.name == "crush");
  REQUIRE(crush.line == 5);
  REQUIRE(crush.entries.size() == 2);
  REQUIRE(crush.entries[0].values == std::vector<std::string>{"on"});
  REQUIRE(crush.entries[1].key == "readonly");
  REQUIRE(crush.entries[1].values == std::vector<std::string>{"~/.gitconfig"});
}

TEST_CASE("reader treats # as a comment only at the start of a line", "[config]") {
  auto doc = read_document(
      "[agent my-bot]\n"
      "   # an indented comment\n"
      "package = path:./tools#my-bot\n"
      "packages = github:numtide/llm-agents.nix#crush nixpkgs#jq\n",
      ".jailed");
  REQUIRE(doc.ok());
  const auto& entries = doc->sections[0].entries;
  REQUIRE(entries.size() == 2);
  REQUIRE(entries[0].values == std::vector<std::string>{"path:./tools#my-bot"});
  REQUIRE(entries[1].values == std::vector<std::string>{"github:numtide/llm-agents.nix#crush", "nixpkgs#jq"});
}

TEST_CASE("reader keeps quoted words with spaces and escapes", "[config]") {
  auto doc = read_document(
      "[jail]\n"
      "readonly = \"/home/me/My Documents\" plain \"\"\n"
      "setenv = GREETING=\"hello world\" QUOTE=\"say \\\"hi\\\"\" SLASH=\"a\\\\b\" RAW=c:\\dir\n",
      ".jailed");
  REQUIRE(doc.ok());
  const auto& entries = doc->sections[0].entries;
  REQUIRE(entries[0].values == std::vector<std::string>{"/home/me/My Documents", "plain", ""});
  REQUIRE(entries[1].values ==
          std::vector<std::string>{"GREETING=hello world", "QUOTE=say \"hi\"", "SLASH=a\\b", "RAW=c:\\dir"});
}

TEST_CASE("reader tolerates CRLF line ends", "[config]") {
  auto doc = read_document("[agent crush]\r\nnetwork = on\r\nenv = A B\r\n", ".jailed");
  REQUIRE(doc.ok());
  REQUIRE(doc->sections[0].name == "crush");
  REQUIRE(doc->sections[0].entries[0].values == std::vector<std::string>{"on"});
  REQUIRE(doc->sections[0].entries[1].values == std::vector<std::string>{"A", "B"});
}

TEST_CASE("an empty file is a valid document with no sections", "[config]") {
  auto doc = read_document("", ".jailed");
  REQUIRE(doc.ok());
  REQUIRE(doc->sections.empty());
}

TEST_CASE("reader errors name file and line and say what to do", "[config]") {
  SECTION("a key before any section") {
    REQUIRE(error_of("# hi\nnetwork = on\n") ==
            "app/.jailed:2: key \"network\" is outside any section (put it under [jail] or [agent NAME])");
  }
  SECTION("a misspelt section kind") {
    REQUIRE(error_of("[agnet crush]\n") == "app/.jailed:1: unknown section \"agnet\" (did you mean \"agent\"?)");
    REQUIRE(error_of("[jial]\n") == "app/.jailed:1: unknown section \"jial\" (did you mean \"jail\"?)");
  }
  SECTION("an unknown section kind") {
    REQUIRE(error_of("[project]\n") ==
            "app/.jailed:1: unknown section \"project\" (sections are [jail] and [agent NAME])");
  }
  SECTION("an agent section without a name") {
    REQUIRE(error_of("[jail]\n[agent]\n") ==
            "app/.jailed:2: [agent] has no name (write [agent NAME], e.g. [agent crush])");
  }
  SECTION("a jail section with a name") {
    REQUIRE(error_of("[jail crush]\n") == "app/.jailed:1: [jail] takes no name (write [agent crush] for an agent)");
  }
  SECTION("bad agent names") {
    const std::string rule =
        " (use lowercase letters, digits, \".\", \"_\" and \"-\", starting with a letter or digit, at most 64 "
        "characters)";
    REQUIRE(error_of("[agent My-Bot]\n") == "app/.jailed:1: invalid agent name \"My-Bot\"" + rule);
    REQUIRE(error_of("[agent my bot]\n") == "app/.jailed:1: invalid agent name \"my bot\"" + rule);
    REQUIRE(error_of("[agent -x]\n") == "app/.jailed:1: invalid agent name \"-x\"" + rule);
    REQUIRE(error_of("[agent $(rm)]\n") == "app/.jailed:1: invalid agent name \"$(rm)\"" + rule);
    REQUIRE(error_of("[agent " + std::string(65, 'a') + "]\n") ==
            "app/.jailed:1: invalid agent name \"" + std::string(65, 'a') + "\"" + rule);
  }
  SECTION("duplicate sections name the first line") {
    REQUIRE(error_of("[agent crush]\n\n[jail]\n[agent crush]\n") ==
            "app/.jailed:4: [agent crush] appears twice (the first is at line 1; merge the two sections)");
    REQUIRE(error_of("[jail]\n[jail]\n") ==
            "app/.jailed:2: [jail] appears twice (the first is at line 1; merge the two sections)");
  }
  SECTION("a line that is none of the forms") {
    REQUIRE(error_of("[jail]\nnetwork on\n") ==
            "app/.jailed:2: cannot read \"network on\" (expected [jail], [agent NAME], key = value or a # comment)");
  }
  SECTION("a section header with trailing text") {
    REQUIRE(error_of("[jail] # defaults\n") ==
            "app/.jailed:1: section header \"[jail] # defaults\" must end with \"]\" (put comments on a line of "
            "their own)");
    REQUIRE(error_of("[jail\n") == "app/.jailed:1: section header \"[jail\" has no closing \"]\"");
  }
  SECTION("bad key names") {
    REQUIRE(error_of("[jail]\nNetwork = on\n") ==
            "app/.jailed:2: invalid key \"Network\" (keys are lowercase letters, digits and \"-\", e.g. "
            "\"readonly\")");
    REQUIRE(error_of("[jail]\n = on\n") == "app/.jailed:2: line has no key before \"=\" (write key = value)");
  }
  SECTION("a key with no value") {
    REQUIRE(error_of("[jail]\nreadonly =   \n") ==
            "app/.jailed:2: key \"readonly\" has no value (write readonly = VALUE, or remove the line)");
  }
  SECTION("an unterminated quote") {
    REQUIRE(error_of("[jail]\nreadonly = \"/a b\n") ==
            "app/.jailed:2: unterminated quote in the value of \"readonly\" (close it with \")");
    REQUIRE(error_of("[jail]\nreadonly = \"ends in escape\\\"\n") ==
            "app/.jailed:2: unterminated quote in the value of \"readonly\" (close it with \")");
  }
  SECTION("control characters are refused, and escaped when echoed") {
    REQUIRE(error_of("[jail]\n\x1b[31mred\n") ==
            "app/.jailed:2: line 2 holds the control character \\x1b at column 1, which can make the file display "
            "differently from what it says (remove it)");
  }
}

TEST_CASE("reader refuses binary files and huge texts", "[config]") {
  SECTION("NUL bytes") {
    std::string text("[jail]\nnetwork = on\nab\0cd\n", 24);
    REQUIRE(error_of(text) == "app/.jailed:3: line 3 is not valid UTF-8 text (is this a binary file?)");
  }
  SECTION("invalid UTF-8, reported before syntax errors on earlier lines") {
    REQUIRE(error_of("garbage\n\x7f" "ELF\x02\x01\x01\xff\xfe\n") ==
            "app/.jailed:2: line 2 is not valid UTF-8 text (is this a binary file?)");
  }
  SECTION("valid UTF-8 passes") {
    REQUIRE(error_of("[jail]\nreadonly = /home/j\xc3\xbcrgen\n").empty());
  }
  SECTION("10 MB of text") {
    std::string text = "[jail]\n" + std::string(10 * 1000 * 1000, '#');
    REQUIRE(error_of(text) == "app/.jailed is larger than 1 MiB; a .jailed is a short text file");
  }
}

TEST_CASE("the first error wins and yields no document", "[config]") {
  auto doc = read_document("[jail]\nbad line\n[agnet x]\n", "f");
  REQUIRE_FALSE(doc.ok());
  REQUIRE(doc.error().rfind("f:2: ", 0) == 0);
  REQUIRE(doc.failure().code == ExitCode::bad_config);
}

TEST_CASE("agent names follow [a-z0-9][a-z0-9._-]* up to 64 characters", "[config]") {
  REQUIRE(is_valid_agent_name("crush"));
  REQUIRE(is_valid_agent_name("gemini-cli"));
  REQUIRE(is_valid_agent_name("0x.b_c-d"));
  REQUIRE(is_valid_agent_name(std::string(64, 'a')));
  REQUIRE_FALSE(is_valid_agent_name(std::string(65, 'a')));
  REQUIRE_FALSE(is_valid_agent_name(""));
  REQUIRE_FALSE(is_valid_agent_name(".hidden"));
  REQUIRE_FALSE(is_valid_agent_name("a/b"));
  REQUIRE_FALSE(is_valid_agent_name("Crush"));
}

TEST_CASE("reader refuses control, bidi and invisible characters with file:line", "[config]") {
  REQUIRE(error_of("[agent a]\nsetenv = \"X=\x1b[2K\x1b[1Ahidden\"\n") ==
          "app/.jailed:2: line 2 holds the control character \\x1b at column 13, which can make the file display "
          "differently from what it says (remove it)");
  REQUIRE(error_of("# note \xe2\x80\xae reversed\n") ==
          "app/.jailed:1: line 1 holds the bidirectional control \\u{202e} at column 8, which can make the file "
          "display differently from what it says (remove it)");
  REQUIRE_THAT(error_of("[agent a]\nreadwrite = ./da\xe2\x80\x8bta\n"), Catch::Contains("the invisible character \\u{200b}"));
  REQUIRE_THAT(error_of("[agent a]\npackage = x\rnetwork = on\n"), Catch::Contains("the control character \\x0d"));
  // Tabs are blanks, a CR may end a line, a BOM may start the file.
  REQUIRE(error_of("\xef\xbb\xbf[agent a]\r\n\tpackage\t= x\r\n").empty());
}
