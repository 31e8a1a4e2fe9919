#include "cli/output.hpp"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "shell/shell.hpp"
#include "util/paths.hpp"
#include "util/strings.hpp"
#include "util/terminal_text.hpp"

namespace jailed::cli {

bool color_enabled(int fd) {
  // https://no-color.org: any non-empty NO_COLOR disables colour.
  const char* no_color = std::getenv("NO_COLOR");
  if (no_color && *no_color) return false;
  const char* term = std::getenv("TERM");
  if (term && std::strcmp(term, "dumb") == 0) return false;
  return ::isatty(fd) == 1;
}

std::string styled(std::string_view text, const char* sgr) {
  if (!color_enabled(2)) return std::string(text);
  return std::string("\033[") + sgr + "m" + std::string(text) + "\033[0m";
}

static void emit_line(const std::string& prefix, const std::string& message) {
  // Messages carry paths, values and other programs' output: whatever they hold, no escape
  // sequence or bidi override reaches the terminal (only jailed's own line breaks and tabs).
  std::string out = prefix + util::escape_deceptive(message, "\n\t") + "\n";
  // One write so lines from shells racing on the same terminal do not interleave.
  ssize_t ignored = ::write(2, out.data(), out.size());
  (void)ignored;
}

void info(const std::string& message) { emit_line("jailed: ", message); }

void info_styled(const std::string& escaped) { emit_line("jailed: " + escaped, ""); }

void warn(const std::string& message) { emit_line("jailed: " + styled("warning:", "33") + " ", message); }

void error(const std::string& message) { emit_line("jailed: " + styled("error:", "31") + " ", message); }

std::string display_path(const std::string& path) {
  std::string shown = path;
  const char* home = std::getenv("HOME");
  if (home && *home && std::strcmp(home, "/") != 0 && util::is_within(path, home)) {
    shown = "~" + path.substr(std::strlen(home));
  }
  // A directory name may hold escape sequences, newlines or bidi overrides: never send them
  // raw to the terminal; quoted, the escapes cannot pass for a plain path.
  return util::find_deceptive(shown) ? util::printable(shown) : shown;
}

void print_out(std::string_view text) {
  std::string out = util::escape_deceptive(text, "\n\t");
  std::fwrite(out.data(), 1, out.size(), stdout);
}

std::string shown(std::string_view text) { return util::escape_deceptive(text); }

std::string json_string(std::string_view text) { return shell::quote(shell::Shell::json, text); }

std::string json_list(const std::vector<std::string>& items) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) out += (i ? "," : "") + json_string(items[i]);
  return out + "]";
}

}  // namespace jailed::cli
