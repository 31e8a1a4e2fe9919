// Launch records on disk: one small file per agent, NUL-separated fields, written atomically.
#include "cli/launch_memo.hpp"

#include <dirent.h>
#include <unistd.h>

#include <charconv>
#include <ctime>

#include "util/files.hpp"
#include "util/hash.hpp"
#include "util/paths.hpp"
#include "util/strings.hpp"

namespace jailed::cli {
namespace {

// Bumped whenever the fields change, so an older record is simply not used.
constexpr const char* k_format = "jailed-launch-record-1";
constexpr const char* k_end = "end";

int64_t now_seconds() { return static_cast<int64_t>(std::time(nullptr)); }

template <class Number>
bool parse(const std::string& text, Number& out) {
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), out);
  return error == std::errc() && end == text.data() + text.size();
}

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  for (auto& line : util::split(text, '\n')) {
    if (!line.empty()) out.push_back(std::move(line));
  }
  return out;
}

bool expired(const LaunchRecord& record, int64_t now) {
  return now < record.written || now - record.written >= k_launch_record_life;
}

}  // namespace

std::string encode_record(const LaunchRecord& record) {
  std::string out;
  auto field = [&out](const std::string& text) {
    out += text;
    out += '\0';
  };
  const auto& db = record.trust.database;
  field(k_format);
  field(record.file);
  field(record.agent);
  field(std::to_string(record.written));
  field(record.trust.stamp);
  for (uint64_t number : {db.dev, db.ino, db.size}) field(std::to_string(number));
  for (int64_t number : {db.mtime_ns, db.ctime_ns}) field(std::to_string(number));
  field(record.trust_hash);
  if (const auto& entry = record.entry) {
    field("entry");
    field(entry->key);
    field(util::join(entry->specs, "\n"));
    field(cache::encode_outputs(entry->outputs));
    field(util::join(entry->closure, "\n"));
    field(entry->roots);
    field(std::to_string(entry->created));
    field(std::to_string(entry->last_used));
  } else {
    field("none");
  }
  field(k_end);
  return out;
}

std::optional<LaunchRecord> decode_record(const std::string& bytes) {
  // Every field ends in a NUL, so splitting leaves one empty piece after the last.
  auto fields = util::split(bytes, '\0');
  if (fields.size() < 14 || fields[0] != k_format || !fields.back().empty()) return std::nullopt;
  fields.pop_back();
  if (fields.back() != k_end) return std::nullopt;
  LaunchRecord record;
  auto& db = record.trust.database;
  record.file = fields[1];
  record.agent = fields[2];
  record.trust.stamp = fields[4];
  record.trust.settled = true;  // only a settled state is ever written
  record.trust_hash = fields[10];
  if (!parse(fields[3], record.written) || !parse(fields[5], db.dev) || !parse(fields[6], db.ino) ||
      !parse(fields[7], db.size) || !parse(fields[8], db.mtime_ns) || !parse(fields[9], db.ctime_ns)) {
    return std::nullopt;
  }
  if (fields[11] == "none" && fields.size() == 13) return record;
  if (fields[11] != "entry" || fields.size() != 20) return std::nullopt;
  cache::Entry entry;
  entry.key = fields[12];
  entry.specs = lines(fields[13]);
  entry.outputs = cache::decode_outputs(fields[14]);
  entry.closure = lines(fields[15]);
  entry.roots = fields[16];
  if (!parse(fields[17], entry.created) || !parse(fields[18], entry.last_used)) return std::nullopt;
  if (entry.outputs.size() != entry.specs.size()) return std::nullopt;
  record.entry = std::move(entry);
  return record;
}

std::string launch_records_dir() { return util::xdg_dir("CACHE") + "/jailed/launch"; }

size_t remove_launch_records(const std::string& dir, bool all) {
  DIR* handle = ::opendir(dir.c_str());
  if (!handle) return 0;
  size_t removed = 0;
  int64_t now = now_seconds();
  while (dirent* item = ::readdir(handle)) {
    std::string name = item->d_name;
    if (name == "." || name == "..") continue;
    std::string path = dir + "/" + name;
    if (!all) {
      auto bytes = util::read_file(path, 16 * 1024 * 1024);
      auto record = bytes ? decode_record(*bytes) : std::nullopt;
      if (record && !expired(*record, now)) continue;
    }
    if (::unlink(path.c_str()) == 0) ++removed;
  }
  ::closedir(handle);
  return removed;
}

LaunchMemo::LaunchMemo(const std::string& path, std::string agent, const std::string& records_dir,
                       const std::string& trust_db)
    : m_path(records_dir + "/" + util::xxh128_hex(path + '\0' + agent)),
      m_agent(std::move(agent)),
      // Read before the record: a change between the two then shows as a mismatch.
      m_trust(trust::TrustStore::state(trust_db)) {
  if (!m_trust.settled) return;
  auto bytes = util::read_file(m_path, 16 * 1024 * 1024);
  if (!bytes) return;
  m_record = decode_record(*bytes);
  if (m_record && (m_record->agent != m_agent || expired(*m_record, now_seconds()))) m_record.reset();
}

bool LaunchMemo::vouches_for(const std::string& real_path, const std::string& trust_hash) const {
  return m_record && m_trust.settled && m_record->trust == m_trust && m_record->file == real_path &&
         m_record->trust_hash == trust_hash;
}

std::optional<cache::Entry> LaunchMemo::entry() const { return m_record ? m_record->entry : std::nullopt; }

void LaunchMemo::remember(const std::string& real_path, const std::string& trust_hash,
                          const std::optional<cache::Entry>& entry) {
  if (m_path.empty() || !m_trust.settled) return;
  auto same_entry = [&] {
    const auto& known = m_record->entry;
    return known.has_value() == entry.has_value() && (!entry || (known->key == entry->key && known->roots == entry->roots));
  };
  if (vouches_for(real_path, trust_hash) && same_entry()) return;
  LaunchRecord record{real_path, m_agent, now_seconds(), m_trust, trust_hash, entry};
  // Only a later launch is slower if this fails: no reason to trouble this one.
  if (util::make_dirs(util::parent_dir(m_path), 0700)) (void)util::write_file_atomic(m_path, encode_record(record), 0600);
}

}  // namespace jailed::cli
