// The trust hash of a .jailed and what it uses, and the snapshot kept to show later changes.
#include "trust/subject.hpp"

#include <charconv>

#include "util/hash.hpp"
#include "util/strings.hpp"

namespace jailed::trust {
namespace {

constexpr std::string_view k_snapshot_format = "jailed-trust-snapshot-1";

// Reads the TAG LENGTH ':' VALUE '\n' fields util::append_field writes.
class FieldReader {
 public:
  explicit FieldReader(std::string_view bytes) : m_rest(bytes) {}

  bool at_end() const { return m_rest.empty(); }
  // Reads the next field if its tag is `tag`; leaves the input alone otherwise.
  std::optional<std::string_view> next(std::string_view tag) {
    std::string_view rest = m_rest;
    if (rest.substr(0, tag.size()) != tag || rest.substr(tag.size(), 1) != " ") return std::nullopt;
    rest.remove_prefix(tag.size() + 1);
    size_t colon = rest.find(':');
    if (colon == std::string_view::npos) return std::nullopt;
    size_t length = 0;
    auto [end, error] = std::from_chars(rest.data(), rest.data() + colon, length);
    if (error != std::errc() || end != rest.data() + colon || rest.size() - colon - 1 < length + 1) return std::nullopt;
    std::string_view value = rest.substr(colon + 1, length);
    if (rest[colon + 1 + length] != '\n') return std::nullopt;
    m_rest = rest.substr(colon + 2 + length);
    return value;
  }

 private:
  std::string_view m_rest;
};

bool decode_tree(FieldReader& reader, LocalTree& tree) {
  auto digest = reader.next("digest");
  auto listed = reader.next("listed");
  if (!digest || !listed || (*listed != "0" && *listed != "1")) return false;
  tree.digest = *digest;
  tree.listed = *listed == "1";
  while (auto path = reader.next("entry")) {
    auto kind = reader.next("kind");
    auto entry_digest = reader.next("digest");
    if (!kind || !entry_digest) return false;
    util::TreeEntry entry{std::string(*path), std::string(*kind), std::string(*entry_digest), std::nullopt};
    if (auto text = reader.next("text")) entry.text = std::string(*text);
    tree.entries.push_back(std::move(entry));
  }
  return true;
}

}  // namespace

LocalTree local_tree(const std::string& dir, Result<util::Tree> tree) {
  LocalTree out;
  out.dir = dir;
  if (!tree.ok()) {
    // An unreadable tree has its own, changing digest: it can never match an allowed one by accident.
    out.digest = "unreadable: " + tree.error();
    out.listed = false;
    return out;
  }
  out.digest = std::move(tree->digest);
  out.entries = std::move(tree->entries);
  if (out.entries.size() > k_kept_entries) {
    out.entries.clear();
    out.listed = false;
  }
  return out;
}

std::string trust_hash(const Subject& subject) {
  std::string material = subject.real_path + "\n" + subject.content;
  if (!subject.trees.empty()) {
    material += std::string("\0local-inputs\0\0", 15);  // two NULs end the marker: hashes stay as they were
    for (const auto& tree : subject.trees) material += tree.dir + '\0' + tree.digest + '\0';
  }
  if (!subject.sources.empty()) {
    material += std::string("\0sources\0", 9);
    // Length-prefixed fields, hashed in the one pass: a launch hashes these every time.
    for (const auto& source : subject.sources) {
      util::append_field(material, "source", source.label);
      util::append_field(material, "content", source.content);
    }
  }
  return util::sha256_hex(material);
}

std::string encode_snapshot(const Subject& subject) {
  std::string out;
  util::append_field(out, "format", k_snapshot_format);
  for (const auto& source : subject.sources) {
    util::append_field(out, "source", source.label);
    util::append_field(out, "content", source.content);
  }
  for (const auto& tree : subject.trees) {
    util::append_field(out, "tree", tree.dir);
    util::append_field(out, "digest", tree.digest);
    util::append_field(out, "listed", tree.listed ? "1" : "0");
    for (const auto& entry : tree.entries) {
      util::append_field(out, "entry", entry.path);
      util::append_field(out, "kind", entry.kind);
      util::append_field(out, "digest", entry.digest);
      if (entry.text) util::append_field(out, "text", *entry.text);
    }
  }
  return out;
}

std::optional<Subject> decode_snapshot(std::string_view bytes, const std::string& real_path,
                                       const std::string& content) {
  FieldReader reader(bytes);
  if (reader.next("format") != k_snapshot_format) return std::nullopt;
  Subject subject{real_path, content, {}, {}};
  while (auto label = reader.next("source")) {
    auto text = reader.next("content");
    if (!text) return std::nullopt;
    subject.sources.push_back(SourceFile{std::string(*label), std::string(*text)});
  }
  while (auto dir = reader.next("tree")) {
    LocalTree tree;
    tree.dir = *dir;
    if (!decode_tree(reader, tree)) return std::nullopt;
    subject.trees.push_back(std::move(tree));
  }
  if (!reader.at_end()) return std::nullopt;
  return subject;
}

}  // namespace jailed::trust
