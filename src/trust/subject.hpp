// What one allow trusts: a .jailed's exact bytes, the preset and config files merged into it,
// and the local flakes it makes Nix evaluate; its hash, and the snapshot an allow keeps of it.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/tree_digest.hpp"

namespace jailed::trust {

// A file besides the .jailed whose content shapes the jail (a preset, the global config).
struct SourceFile {
  std::string label;  // the file's path, or "preset NAME (built in)"
  std::string content;
  bool operator==(const SourceFile&) const = default;
};

// A local flake as trust read it.
struct LocalTree {
  std::string dir;
  std::string digest;                    // util::tree_digest's, or "unreadable: WHY"
  std::vector<util::TreeEntry> entries;  // what it holds (texts of small text files kept)
  bool listed = true;                    // false: unreadable, or too many entries to keep
  bool operator==(const LocalTree&) const = default;
};

// Everything an allow of one .jailed covers.
struct Subject {
  std::string real_path{};            // the trust key
  std::string content{};              // the exact bytes read, hashed and parsed
  std::vector<SourceFile> sources{};  // in merge order
  std::vector<LocalTree> trees{};     // sorted by directory
};

// How much of a local flake a snapshot keeps: what `allow` can show of a later change.
inline constexpr size_t k_kept_text = 64 * 1024;          // the text of a file up to this size
inline constexpr size_t k_kept_tree_text = 1024 * 1024;   // texts of one flake, in all
inline constexpr size_t k_kept_entries = 10000;           // entries of one flake listed

// Returns `tree` read by util::read_tree, or its failure, as a LocalTree of `dir`: entries past
// k_kept_entries are not listed (the digest still covers them).
LocalTree local_tree(const std::string& dir, Result<util::Tree> tree);

// Returns the SHA-256 trust hash of `subject`: over realpath + "\n" + content, then the local
// flakes' digests and the sources' contents when there are any. Without either it is the hash
// records made before sources counted hold, so their allows stay valid.
std::string trust_hash(const Subject& subject);

// Returns the sources and trees of `subject` as the bytes kept with its allow, and back (with
// `real_path` and `content` from the record); nothing for bytes that are not a snapshot.
std::string encode_snapshot(const Subject& subject);
std::optional<Subject> decode_snapshot(std::string_view bytes, const std::string& real_path,
                                       const std::string& content);

}  // namespace jailed::trust
