// The closure cache in SQLite (WAL, busy timeout), rows committed only once their roots exist.
#include "cache/closure_cache.hpp"

#include <unistd.h>

#include <cstdio>
#include <ctime>

#include "cache/gc_roots.hpp"
#include "util/error.hpp"
#include "util/files.hpp"
#include "util/paths.hpp"
#include "util/strings.hpp"

namespace jailed::cache {
namespace {

constexpr int k_schema_version = 1;

// entries: one row per key. specs is compared on every lookup, so a key collision can never
// hand one project another's closure. uses: each project agent's last good key.
constexpr const char* k_schema =
    "CREATE TABLE IF NOT EXISTS entries(key TEXT PRIMARY KEY, specs TEXT NOT NULL, outputs TEXT NOT NULL,"
    " closure TEXT NOT NULL, roots TEXT NOT NULL, created INTEGER NOT NULL, last_used INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS uses(file TEXT NOT NULL, agent TEXT NOT NULL, key TEXT NOT NULL,"
    " PRIMARY KEY(file, agent));";

constexpr const char* k_columns = "key, specs, outputs, closure, roots, created, last_used";

int64_t now_seconds() { return static_cast<int64_t>(std::time(nullptr)); }

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  for (auto& line : util::split(text, '\n')) {
    if (!line.empty()) out.push_back(std::move(line));
  }
  return out;
}

void init_schema(util::Database& db) {
  int version = db.user_version();
  if (version > k_schema_version) {
    throw Error("database " + db.path() + ": schema version " + std::to_string(version) + " is newer than this jailed's");
  }
  if (version == k_schema_version) return;
  db.exec(k_schema);
  db.set_user_version(k_schema_version);
}

// A busy database is fine, just slow; anything else wrong with a cache means rebuild it.
bool is_busy(const Error& error) {
  std::string message = error.what();
  return message.find("database is locked") != std::string::npos || message.find("busy") != std::string::npos;
}

}  // namespace

std::string encode_outputs(const std::vector<std::vector<std::string>>& outputs) {
  std::string out;
  for (const auto& paths : outputs) out += util::join(paths, " ") + "\n";
  return out;
}

std::vector<std::vector<std::string>> decode_outputs(const std::string& text) {
  std::vector<std::vector<std::string>> out;
  for (const auto& line : lines_of(text)) out.push_back(util::split(line, ' '));
  return out;
}

std::vector<std::string> Entry::all_outputs() const {
  std::vector<std::string> out;
  for (const auto& paths : outputs) out.insert(out.end(), paths.begin(), paths.end());
  return out;
}

ClosureCache::ClosureCache(std::string db_path, std::string roots_dir, Warn warn)
    : m_db_path(std::move(db_path)), m_roots_dir(std::move(roots_dir)), m_warn(std::move(warn)) {}

ClosureCache::~ClosureCache() = default;

std::string ClosureCache::default_db_path() { return util::xdg_dir("CACHE") + "/jailed/cache.db"; }

std::string ClosureCache::default_roots_dir() { return util::xdg_dir("STATE") + "/jailed/gcroots"; }

util::Database& ClosureCache::db() {
  if (!m_db) open();
  return *m_db;
}

void ClosureCache::open() {
  util::make_dirs(util::parent_dir(m_db_path), 0700).take();
  // No database but roots from earlier entries: it was deleted, not never made.
  bool deleted = !util::exists_nofollow(m_db_path) && !list_roots_dirs(m_roots_dir).empty();
  try {
    m_db = std::make_unique<util::Database>(m_db_path, true);
    init_schema(*m_db);
    if (deleted) m_warn("cache " + m_db_path + " was deleted; rebuilding it ('jailed cache gc' removes the old roots)");
    return;
  } catch (const Error& error) {
    if (is_busy(error)) throw;
    m_db.reset();
    // One warning, then a fresh database: entries are re-resolved on demand, and trust lives
    // elsewhere, so nothing is lost but time. The bad file is kept for a post-mortem.
    m_warn("cache " + m_db_path + " was unreadable (" + error.what() + "); rebuilding it");
  }
  std::string bad = m_db_path + ".bad";
  if (::rename(m_db_path.c_str(), bad.c_str()) != 0) ::unlink(m_db_path.c_str());
  ::unlink((m_db_path + "-wal").c_str());
  ::unlink((m_db_path + "-shm").c_str());
  m_db = std::make_unique<util::Database>(m_db_path, true);
  init_schema(*m_db);
}

std::optional<Entry> ClosureCache::read_entry(util::Statement& query) {
  if (!query.step()) return std::nullopt;
  Entry entry;
  entry.key = query.text(0);
  entry.specs = lines_of(query.text(1));
  entry.outputs = decode_outputs(query.text(2));
  entry.closure = lines_of(query.text(3));
  entry.roots = query.text(4);
  entry.created = query.integer(5);
  entry.last_used = query.integer(6);
  if (entry.outputs.size() != entry.specs.size()) return std::nullopt;  // damaged row: resolve again
  return entry;
}

std::optional<Entry> ClosureCache::lookup(const std::string& key, const std::string& specs) {
  util::Statement query(db(), std::string("SELECT ") + k_columns + " FROM entries WHERE key = ?");
  query.bind(1, key);
  auto entry = read_entry(query);
  if (!entry || !usable(*entry, key, specs)) return std::nullopt;
  return entry;
}

bool ClosureCache::usable(const Entry& entry, const std::string& key, const std::string& specs) const {
  return entry.key == key && util::join(entry.specs, "\n") + "\n" == specs &&
         roots_pin(roots_path(entry.roots), entry.all_outputs());
}

std::string ClosureCache::begin_roots(const std::string& key) {
  // The database first: roots made before it exists would look like those of a deleted one.
  db();
  return create_roots_dir(m_roots_dir, key).take();
}

void ClosureCache::abandon_roots(const std::string& name) { (void)remove_roots_dir(m_roots_dir, name); }

void ClosureCache::commit(const Entry& entry, const std::string& file, const std::string& agent) {
  std::string replaced;
  {
    util::Transaction transaction(db());
    util::Statement old(db(), "SELECT roots FROM entries WHERE key = ?");
    old.bind(1, entry.key);
    if (old.step()) replaced = old.text(0);
    util::Statement insert(db(), std::string("INSERT OR REPLACE INTO entries(") + k_columns + ") VALUES(?,?,?,?,?,?,?)");
    int64_t now = now_seconds();
    insert.bind(1, entry.key)
        .bind(2, util::join(entry.specs, "\n") + "\n")
        .bind(3, encode_outputs(entry.outputs))
        .bind(4, util::join(entry.closure, "\n"))
        .bind(5, entry.roots)
        .bind(6, entry.created ? entry.created : now)
        .bind(7, now);
    insert.run();
    util::Statement use(db(), "INSERT OR REPLACE INTO uses(file, agent, key) VALUES(?,?,?)");
    use.bind(1, file).bind(2, agent).bind(3, entry.key);
    use.run();
    transaction.commit();
  }
  // Only now that the new roots are recorded may the old ones go.
  if (!replaced.empty() && replaced != entry.roots) (void)remove_roots_dir(m_roots_dir, replaced);
}

void ClosureCache::mark_used(const std::string& key, const std::string& file, const std::string& agent) {
  // A warm launch should not write (a write costs more than the rest of the lookup): last_used
  // is kept to the hour, which is all `cache gc --older-than` needs.
  {
    util::Statement current(db(), "SELECT (SELECT last_used FROM entries WHERE key = ?1),"
                                   " (SELECT key FROM uses WHERE file = ?2 AND agent = ?3)");
    current.bind(1, key).bind(2, file).bind(3, agent);
    if (current.step() && !current.is_null(0) && current.integer(0) >= now_seconds() - 3600 && !current.is_null(1) &&
        current.text(1) == key) {
      return;
    }
  }
  util::Transaction transaction(db());
  util::Statement touch(db(), "UPDATE entries SET last_used = ? WHERE key = ?");
  touch.bind(1, now_seconds()).bind(2, key);
  touch.run();
  util::Statement use(db(), "INSERT OR REPLACE INTO uses(file, agent, key) VALUES(?,?,?)");
  use.bind(1, file).bind(2, agent).bind(3, key);
  use.run();
  transaction.commit();
}

std::optional<Entry> ClosureCache::last_good(const std::string& file, const std::string& agent) {
  util::Statement query(db(), std::string("SELECT e.key, e.specs, e.outputs, e.closure, e.roots, e.created, e.last_used"
                                           " FROM uses u JOIN entries e ON e.key = u.key WHERE u.file = ? AND u.agent = ?"));
  query.bind(1, file).bind(2, agent);
  auto entry = read_entry(query);
  if (!entry || !roots_pin(roots_path(entry->roots), entry->all_outputs())) return std::nullopt;
  return entry;
}

std::vector<Entry> ClosureCache::entries() {
  util::Statement query(db(), std::string("SELECT ") + k_columns + " FROM entries ORDER BY last_used DESC, key");
  std::vector<Entry> out;
  while (auto entry = read_entry(query)) out.push_back(std::move(*entry));
  return out;
}

std::vector<Use> ClosureCache::uses() {
  util::Statement query(db(), "SELECT file, agent, key FROM uses ORDER BY file, agent");
  std::vector<Use> out;
  while (query.step()) out.push_back({query.text(0), query.text(1), query.text(2)});
  return out;
}

size_t ClosureCache::remove(const std::vector<std::string>& keys) {
  std::vector<std::string> roots;
  {
    util::Transaction transaction(db());
    util::Statement find(db(), "SELECT roots FROM entries WHERE key = ?");
    util::Statement drop(db(), "DELETE FROM entries WHERE key = ?");
    util::Statement drop_uses(db(), "DELETE FROM uses WHERE key = ?");
    for (const auto& key : keys) {
      find.bind(1, key);
      if (find.step()) roots.push_back(find.text(0));
      find.reset();
      drop.bind(1, key);
      drop.run();
      drop_uses.bind(1, key);
      drop_uses.run();
    }
    transaction.commit();
  }
  // Rows first: a directory that cannot be removed now is unreferenced, and gc removes it later.
  for (const auto& name : roots) (void)remove_roots_dir(m_roots_dir, name);
  return roots.size();
}

void ClosureCache::forget_use(const std::string& file, const std::string& agent) {
  util::Statement drop(db(), "DELETE FROM uses WHERE file = ? AND agent = ?");
  drop.bind(1, file).bind(2, agent);
  drop.run();
}

}  // namespace jailed::cache
