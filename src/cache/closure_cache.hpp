// The closure cache: resolved store paths in SQLite, pinned by GC roots, keyed by cache_key.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "util/result.hpp"
#include "util/sqlite.hpp"

namespace jailed::cache {

// One cached resolution.
struct Entry {
  std::string key;
  std::vector<std::string> specs;                 // canonical, sorted, distinct
  std::vector<std::vector<std::string>> outputs;  // outputs[i]: store paths of specs[i]
  std::vector<std::string> closure;               // the runtime closure of all outputs, sorted
  std::string roots;                              // name of its GC roots directory
  int64_t created = 0;                            // unix seconds
  int64_t last_used = 0;

  // Returns every output path of every spec.
  std::vector<std::string> all_outputs() const;
};

// Returns `outputs` as text, one spec's paths a line: store paths hold no spaces or newlines,
// so the separators are unambiguous.
std::string encode_outputs(const std::vector<std::vector<std::string>>& outputs);
// Returns the outputs encode_outputs() wrote.
std::vector<std::vector<std::string>> decode_outputs(const std::string& text);

// A project agent's last good resolution: what `jailed run` falls back to when Nix fails,
// and what keeps an entry alive through `jailed cache gc`.
struct Use {
  std::string file;   // realpath of the .jailed
  std::string agent;
  std::string key;
};

// The cache database and the roots directory, always changed together.
class ClosureCache {
 public:
  using Warn = std::function<void(const std::string&)>;

  // The database at `db_path`, opened (created) on first use. An unreadable database is moved
  // aside to `db_path.bad` and rebuilt, with one call of `warn`: the cache only saves work.
  ClosureCache(std::string db_path, std::string roots_dir, Warn warn);
  ~ClosureCache();

  // Returns $XDG_CACHE_HOME/jailed/cache.db.
  static std::string default_db_path();
  // Returns $XDG_STATE_HOME/jailed/gcroots.
  static std::string default_roots_dir();

  const std::string& roots_dir() const { return m_roots_dir; }

  // Returns the entry for `key` if it was made for exactly `specs` (spec_text) and its roots
  // still pin its outputs; otherwise nothing, and the caller resolves afresh.
  std::optional<Entry> lookup(const std::string& key, const std::string& specs);
  // Returns true if lookup(key, specs) may return `entry`, read earlier: the checks of a hit
  // without the database.
  bool usable(const Entry& entry, const std::string& key, const std::string& specs) const;

  // Creates an empty roots directory for a resolution of `key`; returns its name.
  std::string begin_roots(const std::string& key);
  // Removes the roots directory of a resolution that failed or was interrupted.
  void abandon_roots(const std::string& name);

  // Records `entry` (whose roots are already in place) as the current resolution of `key`
  // and as `agent`'s of `file`; then removes the roots of the row it replaced.
  void commit(const Entry& entry, const std::string& file, const std::string& agent);

  // Notes a hit: updates last_used and makes `key` the agent's last good resolution.
  void mark_used(const std::string& key, const std::string& file, const std::string& agent);

  // Returns the agent's last good entry if its roots still pin it.
  std::optional<Entry> last_good(const std::string& file, const std::string& agent);

  // Returns every entry, most recently used first.
  std::vector<Entry> entries();
  // Returns every use record.
  std::vector<Use> uses();

  // Removes the entries `keys` (their use records and roots); returns how many existed.
  size_t remove(const std::vector<std::string>& keys);
  // Forgets uses of agents no longer in their project (`file`, `agent`).
  void forget_use(const std::string& file, const std::string& agent);

  // Returns the path of the roots directory `name`.
  std::string roots_path(const std::string& name) const { return m_roots_dir + "/" + name; }

 private:
  util::Database& db();
  void open();
  std::optional<Entry> read_entry(util::Statement& query);

  std::string m_db_path;
  std::string m_roots_dir;
  Warn m_warn;
  std::unique_ptr<util::Database> m_db;
};

}  // namespace jailed::cache
