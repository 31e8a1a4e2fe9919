// jailed cache list [--json] | gc [--older-than DURATION] | clear: the closure cache and its GC roots.
#include <algorithm>
#include <cstdio>
#include <ctime>
#include <iostream>

#include "cache/cache_gc.hpp"
#include "cache/closure_cache.hpp"
#include "cache/gc_roots.hpp"
#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "cli/launch_memo.hpp"
#include "sandbox/scan_cache.hpp"
#include "cli/output.hpp"
#include "config/jail_config.hpp"
#include "util/error.hpp"
#include "util/files.hpp"
#include "util/paths.hpp"
#include "util/spellcheck.hpp"
#include "util/strings.hpp"

namespace jailed::cli {
namespace {

const std::vector<std::string> k_actions = {"list", "gc", "clear"};

cache::ClosureCache open_cache() {
  return cache::ClosureCache(cache::ClosureCache::default_db_path(), cache::ClosureCache::default_roots_dir(),
                             [](const std::string& message) { warn(message); });
}

// Reads "30d", "12h", "45m", "90s" or "2w" as seconds.
int64_t parse_duration(const std::string& text) {
  size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
  const std::string units = "smhdw";
  const int64_t seconds[] = {1, 60, 3600, 86400, 604800};
  if (digits == 0 || digits > 9 || digits + 1 != text.size() || units.find(text.back()) == std::string::npos) {
    throw Error("jailed cache gc: --older-than takes a number and a unit (s, m, h, d, w), e.g. 30d or 12h; not " +
                    util::printable(text),
                ExitCode::usage);
  }
  return std::stoll(text.substr(0, digits)) * seconds[units.find(text.back())];
}

void list(cache::ClosureCache& store, bool json) {
  auto entries = store.entries();
  auto uses = store.uses();
  auto users_of = [&](const std::string& key) {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& use : uses) {
      if (use.key == key) out.emplace_back(use.file, use.agent);
    }
    return out;
  };
  if (json) {
    std::cout << "{\"db\":" << json_string(cache::ClosureCache::default_db_path())
              << ",\"roots_dir\":" << json_string(store.roots_dir()) << ",\"entries\":[";
    for (size_t i = 0; i < entries.size(); ++i) {
      const auto& entry = entries[i];
      std::string roots = store.roots_path(entry.roots);
      std::cout << (i ? "," : "") << "{\"key\":" << json_string(entry.key) << ",\"specs\":" << json_list(entry.specs)
                << ",\"outputs\":" << json_list(entry.all_outputs()) << ",\"closure_paths\":" << entry.closure.size()
                << ",\"created\":" << entry.created << ",\"last_used\":" << entry.last_used
                << ",\"roots\":" << json_string(roots)
                << ",\"roots_ok\":" << (cache::roots_pin(roots, entry.all_outputs()) ? "true" : "false") << ",\"used_by\":[";
      auto users = users_of(entry.key);
      for (size_t j = 0; j < users.size(); ++j) {
        std::cout << (j ? "," : "") << "{\"file\":" << json_string(users[j].first)
                  << ",\"agent\":" << json_string(users[j].second) << "}";
      }
      std::cout << "]}";
    }
    std::cout << "]}\n";
    return;
  }
  if (entries.empty()) {
    info("the closure cache is empty (" + display_path(cache::ClosureCache::default_db_path()) + ")");
    return;
  }
  std::printf("%-12s %6s  %-16s  %-7s %s\n", "KEY", "PATHS", "LAST USED", "ROOTS", "SPECS");
  for (const auto& entry : entries) {
    bool pinned = cache::roots_pin(store.roots_path(entry.roots), entry.all_outputs());
    std::printf("%-12s %6zu  %-16s  %-7s %s\n", entry.key.substr(0, 12).c_str(), entry.closure.size(),
                util::local_date(entry.last_used).c_str(), pinned ? "ok" : "missing",
                shown(util::join(entry.specs, " ")).c_str());
    for (const auto& [file, agent] : users_of(entry.key)) {
      std::printf("%-12s %6s  used by %s (agent %s)\n", "", "", display_path(file).c_str(), agent.c_str());
    }
  }
  std::fflush(stdout);
}

// A use is stale once its .jailed is gone or no longer names the agent. A file that cannot be
// read or parsed right now keeps its entries: being mid-edit must not cost a rebuild.
bool still_used(const cache::Use& use) {
  if (!util::exists_nofollow(use.file)) return false;
  auto content = util::read_file(use.file, 1024 * 1024);
  if (!content) return true;
  auto names = config::agent_names(use.file, *content);
  if (!names) return true;
  return std::find(names->begin(), names->end(), use.agent) != names->end();
}

std::string count(size_t n, const char* one, const char* many) { return std::to_string(n) + " " + (n == 1 ? one : many); }

}  // namespace

int cmd_cache(const Args& args) {
  const OptionTable options = {{{"json", OptionKind::flag, "list: print JSON"},
                                {"older-than", OptionKind::value, "gc: drop entries not used within DURATION (30d, 12h, ...)"}}};
  std::string action = args.empty() ? "" : args[0];
  bool known = std::find(k_actions.begin(), k_actions.end(), action) != k_actions.end();
  // A word that is no action is named as such, before the option parser calls it a stray argument.
  if (!known && !action.empty() && action[0] != '-') {
    throw Error("jailed cache: unknown action " + util::printable(action) + util::did_you_mean(action, k_actions) +
                    " (list, gc or clear)",
                ExitCode::usage);
  }
  auto values = parse_options(command_named("cache"), known ? Args(args.begin() + 1, args.end()) : args, options);
  if (!values) return 0;
  if (!known) {
    throw Error("jailed cache: " + (action.empty() ? std::string("which action?") : "unknown action " + util::printable(action) +
                                                                                      util::did_you_mean(action, k_actions)) +
                    " (list, gc or clear)",
                ExitCode::usage);
  }
  if ((values->has("json") && action != "list") || (values->has("older-than") && action != "gc")) {
    throw Error("jailed cache " + action + ": that option belongs to another action (see 'jailed cache --help')",
                ExitCode::usage);
  }

  auto store = open_cache();
  if (action == "list") {
    list(store, values->has("json"));
    return 0;
  }
  cache::GcReport report;
  // Launch records name entries: only those still usable stay (none after clear).
  remove_launch_records(launch_records_dir(), action == "clear");
  // Walk records only save time; clear drops them with the rest.
  if (action == "clear") (void)util::remove_tree(util::parent_dir(sandbox::walk_cache_file("/")));
  if (action == "clear") {
    report = cache::clear_cache(store);
  } else {
    cache::GcPolicy policy;
    if (values->has("older-than")) policy.unused_for = parse_duration(values->value("older-than"));
    policy.still_used = still_used;
    report = cache::collect_garbage(store, policy);
  }
  info("removed " + count(report.entries, "cache entry", "cache entries") + " and " + count(report.stale_roots, "stale roots directory", "stale roots directories") +
       "; 'nix-store --gc' can now free their store paths");
  return 0;
}

}  // namespace jailed::cli
