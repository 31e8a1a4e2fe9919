// jailed status [PATH] [--all] [--json]: the nearest .jailed, its trust, its agents.
#include <cstdlib>
#include <iostream>
#include <sstream>
#include <optional>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "cli/context.hpp"
#include "cli/output.hpp"
#include "config/find.hpp"
#include "config/jail_config.hpp"
#include "trust/trust_store.hpp"
#include "util/error.hpp"
#include "util/paths.hpp"
#include "util/strings.hpp"

namespace jailed::cli {
namespace {

const char* status_word(trust::Status status) {
  switch (status) {
    case trust::Status::allowed: return "allowed";
    case trust::Status::not_allowed: return "not-allowed";
    case trust::Status::changed: return "changed";
    case trust::Status::denied: return "denied";
  }
  return "unknown";
}

// What status reports about one .jailed.
struct Report {
  std::string path;
  std::string real_path;
  std::string trust;  // a status word, or "unsafe: reason"
  std::vector<std::pair<std::string, std::string>> agents;  // name, shim command
  std::string problem;  // why it would not load, if it would not
  bool loaded_here = false;
  bool off_path = false;  // the hook loaded it, but its shim dir is not on PATH now
};

// Returns true if PATH holds `dir` as an entry.
bool on_path(const char* dir) {
  const char* path = std::getenv("PATH");
  if (!dir || !*dir || !path) return false;
  for (const auto& part : util::split(path, ':')) {
    if (part == dir) return true;
  }
  return false;
}

Report report_on(const std::string& path, trust::TrustStore& store) {
  Report report;
  report.path = path;
  const char* loaded_dir = std::getenv("JAILED_DIR");
  // Loaded means the commands can be found: the hook's record and PATH must both say so.
  bool hook_loaded = loaded_dir && util::join_path(loaded_dir, config::k_file_name) == path;
  report.loaded_here = hook_loaded && on_path(std::getenv("JAILED_SHIMS"));
  report.off_path = hook_loaded && !report.loaded_here;
  auto file = config::read_jailed_file(path);
  if (!file.ok()) {
    report.trust = "unsafe";
    report.problem = file.error();
    return report;
  }
  report.real_path = file->real_path;
  auto config = config::load_config(path, file->content, user_context());
  auto checked = check_file(store, *file, config);
  report.trust = status_word(checked.verdict.status);
  // Only an allowed file is used further: nothing of an untrusted file is acted on.
  if (checked.verdict.status != trust::Status::allowed) {
    report.problem = blocked_message(checked, path);
    return report;
  }
  if (!config.ok()) {
    report.problem = config.error();
    return report;
  }
  for (const auto& agent : config->agents) report.agents.emplace_back(agent.name, agent.shim_name.text);
  return report;
}

void print_json(const std::optional<Report>& report, const std::vector<trust::Record>* records, const std::string& db) {
  std::cout << "{\"trust_db\":" << json_string(db) << ",\"file\":";
  if (!report) {
    std::cout << "null";
  } else {
    std::cout << "{\"path\":" << json_string(report->path) << ",\"real_path\":" << json_string(report->real_path)
              << ",\"trust\":" << json_string(report->trust) << ",\"loaded\":" << (report->loaded_here ? "true" : "false")
              << ",\"problem\":" << (report->problem.empty() ? "null" : json_string(report->problem)) << ",\"agents\":[";
    for (size_t i = 0; i < report->agents.size(); ++i) {
      std::cout << (i ? "," : "") << "{\"name\":" << json_string(report->agents[i].first)
                << ",\"command\":" << json_string(report->agents[i].second) << "}";
    }
    std::cout << "]}";
  }
  if (records) {
    std::cout << ",\"records\":[";
    for (size_t i = 0; i < records->size(); ++i) {
      const auto& record = (*records)[i];
      std::cout << (i ? "," : "") << "{\"path\":" << json_string(record.path) << ",\"state\":" << json_string(record.state)
                << ",\"hash\":" << json_string(record.hash) << ",\"time\":" << record.time << "}";
    }
    std::cout << "]";
  }
  std::cout << "}\n";
}

void print_text(const std::optional<Report>& report, const std::vector<trust::Record>* records, const std::string& db) {
  // Problems quote files and paths: nothing of them reaches the terminal raw.
  std::ostringstream out;
  if (!report) {
    out << "no .jailed in " << display_path(util::current_dir()) << " or any parent directory\n";
  } else {
    out << "file:    " << display_path(report->path) << "\n"
        << "trust:   " << report->trust << "\n"
        << "loaded:  "
        << (report->loaded_here ? "yes, in this shell"
            : report->off_path  ? "no: its commands are not on this shell's PATH (the next prompt puts them back)"
                                : "no")
        << "\n";
    if (!report->problem.empty()) out << "problem: " << report->problem << "\n";
    for (const auto& [name, shim] : report->agents) out << "agent:   " << name << " (run: " << shim << ")\n";
  }
  out << "trust db: " << display_path(db) << "\n";
  if (records) {
    for (const auto& record : *records) out << record.state << "\t" << display_path(record.path) << "\n";
  }
  print_out(out.str());
}

}  // namespace

int cmd_status(const Args& args) {
  auto values = parse_options(command_named("status"), args,
                              {{{"path", OptionKind::value, "a .jailed file or its directory (default: the nearest)"},
                                {"all", OptionKind::flag, "also list every trust record"},
                                {"json", OptionKind::flag, "print JSON"}},
                               "path"});
  if (!values) return 0;

  std::string db = trust::TrustStore::default_path();
  trust::TrustStore store(db, false);
  std::optional<Report> report;
  std::string argument = values->value("path");
  auto located = config::locate_jailed_file(argument);
  if (located.ok()) {
    report = report_on(*located, store);
  } else if (!argument.empty()) {
    throw Error(located.error(), located.failure().code);
  }
  std::vector<trust::Record> records;
  if (values->has("all")) records = store.records();
  const auto* listed = values->has("all") ? &records : nullptr;
  if (values->has("json")) {
    print_json(report, listed, db);
  } else {
    print_text(report, listed, db);
  }
  return 0;
}

}  // namespace jailed::cli
