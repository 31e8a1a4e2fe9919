// Packs: the content of a snapshot's new files, each stored once under the hex of its SHA-256,
// in a pax archive compressed with zstd (libarchive). Entry names are never used as paths.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "util/result.hpp"

struct archive;

namespace jailed::snapshot {

// Writes one pack to `path`; nothing there is complete until finish() returns.
class PackWriter {
 public:
  PackWriter() = default;
  ~PackWriter();
  PackWriter(const PackWriter&) = delete;
  PackWriter& operator=(const PackWriter&) = delete;

  // Creates the pack file `path` (it must not exist).
  Status open(const std::string& path);
  bool is_open() const { return m_archive != nullptr; }
  // Adds `bytes` as the content whose hex hash is `name`.
  Status add(const std::string& name, std::string_view bytes);
  // Adds `size` bytes read from `fd` as `name`; fails if the stream is not exactly `size`
  // bytes whose SHA-256 is `hash` (the file changed while being recorded).
  Status add_stream(const std::string& name, int fd, int64_t size, const std::string& hash);
  // Finishes the archive and flushes it to the disk.
  Status finish();
  // Returns the bytes written so far (compressed).
  int64_t written() const;

 private:
  static constexpr int64_t k_writeback_step = 16 * 1024 * 1024;
  Status entry_header(const std::string& name, int64_t size);
  void start_writeback();
  ::archive* m_archive = nullptr;
  int64_t m_flushed = 0;
  int m_fd = -1;
  std::string m_path;
};

// Receives one wanted entry's content in chunks; `done` marks the end.
using PackSink = std::function<Status(const std::string& name, std::string_view chunk, bool done)>;

// Reads the pack at `path`, passing every entry for which `wanted(name)` is true to `sink`.
Status read_pack(const std::string& path, const std::function<bool(const std::string&)>& wanted, const PackSink& sink);

}  // namespace jailed::snapshot
