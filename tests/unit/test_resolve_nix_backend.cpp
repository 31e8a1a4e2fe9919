// Unit tests for resolve/nix_backend: a fake Nix (ninja's FakeCommandRunner idea) counts and
// checks every process; outputs are real directories in a temporary "store".
#include <catch2/catch.hpp>
#include <sys/stat.h>
#include <unistd.h>

#include <map>

#include "cache/gc_roots.hpp"
#include "resolve/choose.hpp"
#include "resolve/nix_backend.hpp"
#include "resolve/nix_calls.hpp"
#include "util/files.hpp"
#include "util/paths.hpp"
#include "util/strings.hpp"
#include "util/tree_digest.hpp"
#include "temp_dir.hpp"

using namespace jailed;

namespace {

using jailed::testing::TempDir;

void write(const std::string& path, const std::string& text, mode_t mode = 0644) {
  REQUIRE(util::make_dirs(path.substr(0, path.rfind('/'))).ok());
  REQUIRE(util::write_file_atomic(path, text, mode).ok());
}

// Answers the three calls of a resolution from tables, as Nix 2.8 would.
class FakeNix : public util::CommandRunner {
 public:
  std::vector<std::vector<std::string>> calls;
  std::map<std::string, std::string> output_of;               // spec -> output path
  std::map<std::string, std::vector<std::string>> refs;       // output -> its closure
  std::string eval_error;                                     // set: evaluation fails with it

  Result<util::Completed> run(const std::vector<std::string>& argv) override {
    calls.push_back(argv);
    util::Completed done;
    if (argv.size() > 3 && argv[3] == "build") {
      if (!eval_error.empty()) return util::Completed{1, "", "evaluating...\n" + eval_error + "\n"};
      std::string json = "[";
      auto dash = std::find(argv.begin(), argv.end(), "--");
      for (auto it = dash + 1; it != argv.end(); ++it) {
        std::string out = output_of.at(*it);
        json += (json.size() > 1 ? "," : "");
        json += util::starts_with(*it, "/nix/store/") ? "{\"path\":\"" + out + "\"}"
                                                      : "{\"drvPath\":\"" + out + ".drv\",\"outputs\":{\"out\":\"" + out + "\"}}";
      }
      done.out = json + "]";
    } else if (argv.size() > 5 && argv[1] == "--realise") {
      for (size_t i = 5; i < argv.size(); ++i) {
        std::string target = argv[i].substr(0, argv[i].find(".drv!"));
        std::string root = argv[3] + (i == 5 ? "" : "-" + std::to_string(i - 4));
        REQUIRE(::symlink(target.c_str(), root.c_str()) == 0);
        done.out += root + "\n";
      }
    } else if (argv.size() > 3 && argv[1] == "--query") {
      for (size_t i = 3; i < argv.size(); ++i) {
        for (const auto& path : refs[argv[i]]) done.out += path + "\n";
      }
    }
    return done;
  }
};

struct RecordingProgress : resolve::Progress {
  std::vector<std::string> events;
  void begin(const std::string& what) override { events.push_back("begin " + what); }
  void end(const std::string& outcome) override { events.push_back("end " + outcome); }
  void warn(const std::string& message) override { events.push_back("warn " + message); }
};

// A project with a local flake dir, a fake store and a fake nix binary.
struct World {
  TempDir dir;
  std::string project = dir.path + "/p";
  std::string store = dir.path + "/store";
  std::string nix = dir.path + "/bin/nix";
  FakeNix runner;
  RecordingProgress progress;
  cache::ClosureCache cache{dir.path + "/cache.db", dir.path + "/gcroots", [this](const std::string& m) {
                              progress.warn(m);
                            }};

  World() {
    write(nix, "fake nix", 0755);
    write(dir.path + "/bin/nix-store", "fake nix-store", 0755);
    write(project + "/tools/flake.nix", "{ }");
    // bot -> mid -> leaf: dependencies two levels deep; shell provides bin/sh.
    add("path:" + project + "/tools#bot", "aaa-bot", {"aaa-bot", "bbb-mid", "ccc-leaf", "ddd-shell"}, "bot");
    add("nixpkgs#jq", "eee-jq", {"eee-jq"}, "jq");
    add("path:" + project + "/tools#tool", "fff-tool", {"fff-tool"}, "tool");
    add("nixpkgs#bash", "ddd-shell", {"ddd-shell"}, "sh");
    add("/nix/store/0123456789abcdfghijklmnpqrsvwxyz-extra", "ggg-extra", {"ggg-extra"}, "");
  }

  void add(const std::string& spec, const std::string& name, const std::vector<std::string>& closure,
           const std::string& program) {
    std::string out = store + "/" + name;
    REQUIRE(util::make_dirs(out).ok());
    if (!program.empty()) write(out + "/bin/" + program, "#!/bin/sh\n", 0755);
    runner.output_of[spec] = out;
    for (const auto& path : closure) runner.refs[out].push_back(store + "/" + path);
  }

  config::AgentConfig agent() const {
    config::AgentConfig a;
    a.name = "bot";
    config::Origin at{project + "/.jailed", 2};
    a.package = config::Value{"path:./tools#bot", at};
    a.packages = {{"nixpkgs#jq", at}, {".#tool", {project + "/tools/.jailed-like", 3}}};
    a.base_packages = {{"nixpkgs#bash", at}, {"/nix/store/0123456789abcdfghijklmnpqrsvwxyz-extra", at}};
    a.base_packages_set = true;
    return a;
  }

  Result<resolve::Resolution> resolve(const config::AgentConfig& a, resolve::NixOptions options = {}) {
    if (options.project.empty()) options.project = project + "/.jailed";
    resolve::NixBackend backend(runner, nix, cache, progress, options);
    return backend.resolve(a);
  }
};

}  // namespace

TEST_CASE("nix backend resolves all packages with one evaluation, one build and one closure call", "[nix]") {
  World w;
  auto resolution = w.resolve(w.agent());
  REQUIRE(resolution.ok());
  REQUIRE(w.runner.calls.size() == 3);

  std::string bot = "path:" + w.project + "/tools#bot", tool = "path:" + w.project + "/tools#tool";
  std::string extra = "/nix/store/0123456789abcdfghijklmnpqrsvwxyz-extra";
  // Sorted canonical specs: the order in the .jailed does not matter to Nix or the cache.
  std::vector<std::string> sorted = {"/nix/store/0123456789abcdfghijklmnpqrsvwxyz-extra", "nixpkgs#bash", "nixpkgs#jq", bot, tool};
  std::vector<std::string> eval = {w.nix, "--extra-experimental-features", "nix-command flakes", "build", "--dry-run", "--json", "--"};
  eval.insert(eval.end(), sorted.begin(), sorted.end());
  CHECK(w.runner.calls[0] == eval);

  auto& realise = w.runner.calls[1];
  REQUIRE(realise.size() == 10);
  CHECK(realise[0] == w.dir.path + "/bin/nix-store");
  CHECK(std::vector<std::string>(realise.begin() + 1, realise.begin() + 3) == std::vector<std::string>{"--realise", "--add-root"});
  CHECK(util::starts_with(realise[3], w.dir.path + "/gcroots/"));
  CHECK(util::base_name(realise[3]) == "r");
  CHECK(realise[4] == "--indirect");
  CHECK(realise[5] == w.store + "/ggg-extra");  // a store path is realised as itself
  CHECK(realise[6] == w.store + "/ddd-shell.drv!out");

  std::vector<std::string> query = {w.dir.path + "/bin/nix-store", "--query", "--requisites"};
  for (const char* name : {"aaa-bot", "ddd-shell", "eee-jq", "fff-tool", "ggg-extra"}) query.push_back(w.store + "/" + name);
  CHECK(w.runner.calls[2] == query);

  CHECK(resolution->backend == "nix");
  CHECK(resolution->program == w.store + "/aaa-bot/bin/bot");
  // PATH: the agent's package, its packages in order, then the base packages (extra has no bin/).
  CHECK(resolution->path_dirs == std::vector<std::string>{w.store + "/aaa-bot/bin", w.store + "/eee-jq/bin",
                                                          w.store + "/fff-tool/bin", w.store + "/ddd-shell/bin"});
  CHECK(resolution->shell == w.store + "/ddd-shell/bin/sh");
  std::vector<std::string> closure;
  for (const char* name : {"aaa-bot", "bbb-mid", "ccc-leaf", "ddd-shell", "eee-jq", "fff-tool", "ggg-extra"}) {
    closure.push_back(w.store + "/" + name);
  }
  CHECK(resolution->closure == closure);
  CHECK(resolution->readonly.empty());
  CHECK_FALSE(resolution->full_store);
  CHECK(w.progress.events == std::vector<std::string>{"begin resolving 5 packages of bot with nix", "end done (7 store paths)"});
}

TEST_CASE("nix backend serves a second resolution from the cache without any process", "[nix]") {
  World w;
  REQUIRE(w.resolve(w.agent()).ok());
  auto reordered = w.agent();
  std::swap(reordered.base_packages[0], reordered.base_packages[1]);
  resolve::NixBackend backend(w.runner, w.nix, w.cache, w.progress, {w.project + "/.jailed", false, false, {}, {}});
  auto again = backend.resolve(reordered);
  REQUIRE(again.ok());
  CHECK(backend.was_cached());
  CHECK(w.runner.calls.size() == 3);
  CHECK(again->program == w.store + "/aaa-bot/bin/bot");

  SECTION("refresh resolves again and replaces the roots") {
    REQUIRE(w.resolve(w.agent(), {"", true, false, {}, {}}).ok());
    CHECK(w.runner.calls.size() == 6);
    auto entries = w.cache.entries();
    REQUIRE(entries.size() == 1);
    CHECK(util::exists_nofollow(w.cache.roots_path(entries[0].roots)));
  }
  SECTION("a missing root means a new resolution") {
    auto entries = w.cache.entries();
    REQUIRE(util::remove_tree(w.cache.roots_path(entries[0].roots)).ok());
    REQUIRE(w.resolve(w.agent()).ok());
    CHECK(w.runner.calls.size() == 6);
  }
  SECTION("a changed local flake means a new resolution") {
    write(w.project + "/tools/flake.lock", "{}");
    REQUIRE(w.resolve(w.agent()).ok());
    CHECK(w.runner.calls.size() == 6);
  }
  SECTION("the key takes a local flake's digest from the trust check instead of reading it again") {
    std::string tools = w.project + "/tools";
    // What trust read is what the key names: the same digest finds the entry...
    REQUIRE(w.resolve(w.agent(), {"", false, false, {{tools, util::tree_digest(tools)}}, {}}).ok());
    CHECK(w.runner.calls.size() == 3);
    // ...and a digest of other content does not, whatever the files say now.
    REQUIRE(w.resolve(w.agent(), {"", false, false, {{tools, std::string(64, '0')}}, {}}).ok());
    CHECK(w.runner.calls.size() == 6);
    // A tree the trust check could not read fails as reading it here would.
    auto unreadable = w.resolve(w.agent(), {"", false, false, {{tools, fail("permission denied")}}, {}});
    REQUIRE_FALSE(unreadable.ok());
    CHECK(unreadable.error() == "cannot read local flake " + tools + ": permission denied");
  }
}

TEST_CASE("nix backend reports nix's error and keeps the last good result when asked", "[nix]") {
  World w;
  REQUIRE(w.resolve(w.agent()).ok());
  write(w.project + "/tools/flake.nix", "{ broken");
  w.runner.eval_error = "error: syntax error, unexpected end of file";

  auto failed = w.resolve(w.agent());
  REQUIRE_FALSE(failed.ok());
  CHECK(failed.error() == "agent \"bot\": nix could not resolve its packages:\nerror: syntax error, unexpected end of file");
  CHECK(w.progress.events.back() == "end failed");
  // The attempt left nothing behind: one entry, one roots directory.
  REQUIRE(w.cache.entries().size() == 1);
  CHECK(cache::list_roots_dirs(w.dir.path + "/gcroots") == std::vector<std::string>{w.cache.entries()[0].roots});

  auto kept = w.resolve(w.agent(), {"", false, true, {}, {}});
  REQUIRE(kept.ok());
  CHECK(kept->program == w.store + "/aaa-bot/bin/bot");
  CHECK(util::starts_with(w.progress.events.back(), "warn using the last good packages of agent \"bot\""));
}

TEST_CASE("nix backend takes a remembered entry without opening the database while the cache would", "[nix]") {
  World w;
  resolve::NixBackend first(w.runner, w.nix, w.cache, w.progress, {w.project + "/.jailed", false, true, {}, {}});
  REQUIRE(first.resolve(w.agent()).ok());
  REQUIRE(first.current_entry());
  cache::Entry remembered = *first.current_entry();

  // A database that cannot be opened: touching it would warn and rebuild.
  std::string db = w.dir.path + "/other/cache.db";
  write(db, std::string(4096, 'x'));
  RecordingProgress quiet;
  cache::ClosureCache unopened(db, w.dir.path + "/gcroots", [&](const std::string& m) { quiet.warn(m); });
  auto with = [&](cache::Entry entry) {
    resolve::NixBackend backend(w.runner, w.nix, unopened, quiet, {w.project + "/.jailed", false, true, {}, entry});
    auto resolution = backend.resolve(w.agent());
    REQUIRE(resolution.ok());
    return std::make_pair(backend.was_cached(), backend.current_entry());
  };
  auto [cached, used] = with(remembered);
  CHECK(cached);
  CHECK(used->roots == remembered.roots);
  CHECK(w.runner.calls.size() == 3);
  CHECK(quiet.events.empty());
  CHECK(util::read_file(db).value() == std::string(4096, 'x'));

  SECTION("an entry for other packages is not used") {
    auto other = remembered;
    other.specs[0] = "nixpkgs#other";
    with(other);
    CHECK(w.runner.calls.size() == 6);
    CHECK(quiet.events.front().find("was unreadable") != std::string::npos);
  }
  SECTION("nor one whose roots are gone") {
    REQUIRE(util::remove_tree(w.cache.roots_path(remembered.roots)).ok());
    with(remembered);
    CHECK(w.runner.calls.size() == 6);
  }
}

TEST_CASE("nix backend refuses host specs and a package without the command", "[nix]") {
  World w;
  auto agent = w.agent();
  agent.packages.push_back({"host:git", {w.project + "/.jailed", 4}});
  auto host = w.resolve(agent);
  REQUIRE_FALSE(host.ok());
  CHECK(host.error() == w.project + "/.jailed:4: agent \"bot\": package \"host:git\" is a host program, but this agent's "
                       "packages come from Nix; use a Nix package (e.g. nixpkgs#git) or set backend = host");
  CHECK(w.runner.calls.empty());

  agent = w.agent();
  agent.command = config::Value{"nope", {w.project + "/.jailed", 5}};
  auto missing = w.resolve(agent);
  REQUIRE_FALSE(missing.ok());
  CHECK(util::starts_with(missing.error(), w.project + "/.jailed:5: agent \"bot\": package path:" + w.project +
                                               "/tools#bot has no bin/nope"));
}

TEST_CASE("backend choice follows the backend key, host: packages and whether nix is installed", "[nix]") {
  using resolve::BackendKind;
  config::AgentConfig agent;
  agent.name = "bot";
  agent.package = config::Value{"nixpkgs#bot", {"/p/.jailed", 2}};
  CHECK(*resolve::choose_backend(agent, true, "/p/.jailed") == BackendKind::nix);
  auto missing = resolve::choose_backend(agent, false, "/p/.jailed");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error() == "agent \"bot\" needs Nix (package = nixpkgs#bot at /p/.jailed:2) but nix is not installed: "
                           "install it (apt install nix-bin) or use package = host:PROGRAM");
  agent.from_preset = true;
  CHECK(*resolve::choose_backend(agent, false, "/p/.jailed") == BackendKind::host);
  agent.backend = "nix";
  CHECK_FALSE(resolve::choose_backend(agent, false, "/p/.jailed").ok());
  agent.backend = "host";
  CHECK(*resolve::choose_backend(agent, true, "/p/.jailed") == BackendKind::host);
  agent.backend = "auto";
  agent.package = config::Value{"host:bash", {"/p/.jailed", 2}};
  CHECK(*resolve::choose_backend(agent, true, "/p/.jailed") == BackendKind::host);
}
