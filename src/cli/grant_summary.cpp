#include "cli/grant_summary.hpp"

#include "cli/output.hpp"
#include "util/strings.hpp"

namespace jailed::cli {
namespace {

std::string paths(const std::vector<config::Value>& values) {
  std::vector<std::string> shown_paths;
  for (const auto& value : values) shown_paths.push_back(display_path(value.text));
  return util::join(shown_paths, ", ");
}

std::string words(const std::vector<config::Value>& values) {
  std::vector<std::string> shown_words;
  for (const auto& value : values) shown_words.push_back(shown(value.text));
  return util::join(shown_words, " ");
}

// Adds "  LABEL TEXT" when TEXT is not empty; labels line up.
void add(std::vector<std::string>& out, const char* label, const std::string& text) {
  if (text.empty()) return;
  std::string padded = label;
  padded.resize(11, ' ');
  out.push_back("  " + padded + text);
}

}  // namespace

std::vector<std::string> grant_lines(const config::JailConfig& config) {
  std::vector<std::string> out;
  for (const auto& agent : config.agents) {
    out.push_back("agent " + shown(agent.name) + " (" + shown(agent.shim_name.text) + ") gets:");
    std::string where = agent.workdir == "cwd" ? "the directory you start it in" : "the project " + display_path(config.project_dir);
    std::string writes = where;
    if (!agent.config.empty()) writes += "; its state " + paths(agent.config);
    if (!agent.readwrite.empty()) writes += "; " + paths(agent.readwrite);
    add(out, "writes", writes);
    add(out, "reads", paths(agent.readonly));
    add(out, "network", agent.network ? "on: the host's network, the internet and local services"
                                      : "off");
    std::string variables;
    if (!agent.env.empty()) variables = words(agent.env) + " (from your environment, when set)";
    if (!agent.setenv.empty()) variables += (variables.empty() ? "" : "; ") + words(agent.setenv);
    add(out, "variables", variables);
    std::string packages = agent.package ? shown(agent.package->text) : std::string();
    if (!agent.packages.empty()) packages += (packages.empty() ? "" : " + ") + words(agent.packages);
    if (agent.store == "full") packages += " (and all of /nix/store: store = full)";
    add(out, "packages", packages);
  }
  return out;
}

}  // namespace jailed::cli
