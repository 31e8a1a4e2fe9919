#include "snapshot/pack.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

#include "snapshot/content.hpp"

namespace jailed::snapshot {
namespace {

std::string archive_text(::archive* a) {
  const char* text = archive_error_string(a);
  return text ? text : "unknown libarchive error";
}

}  // namespace

PackWriter::~PackWriter() {
  if (m_archive) archive_write_free(m_archive);
  if (m_fd >= 0) ::close(m_fd);
}

Status PackWriter::open(const std::string& path) {
  // O_EXCL: a pack is written once, by one writer.
  m_fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (m_fd < 0) return fail("cannot create " + path + ": " + std::strerror(errno));
  m_path = path;
  m_archive = archive_write_new();
  if (!m_archive) return fail("cannot start a pack: out of memory");
  // pax_restricted: plain ustar headers while names and sizes fit, pax extensions beyond.
  // zstd level 1: a quarter less CPU than the default 3 for packs under 1% bigger (source
  // trees, and random bytes that do not compress at any level), and a snapshot is on the way
  // to a session.
  if (archive_write_set_format_pax_restricted(m_archive) != ARCHIVE_OK ||
      archive_write_add_filter_zstd(m_archive) != ARCHIVE_OK ||
      archive_write_set_filter_option(m_archive, "zstd", "compression-level", "1") != ARCHIVE_OK ||
      archive_write_set_bytes_per_block(m_archive, 256 * 1024) != ARCHIVE_OK ||
      archive_write_set_bytes_in_last_block(m_archive, 1) != ARCHIVE_OK) {
    return fail("cannot start the pack " + path + ": " + archive_text(m_archive));
  }
  // Compression in zstd's worker threads, while this one reads and hashes files (as tar --zstd
  // runs zstd beside it). Optional: a libzstd without threads compresses inline.
  long cpus = ::sysconf(_SC_NPROCESSORS_ONLN);
  std::string threads = std::to_string(std::clamp(cpus, 1L, 4L));
  (void)archive_write_set_filter_option(m_archive, "zstd", "threads", threads.c_str());
  if (archive_write_open_fd(m_archive, m_fd) != ARCHIVE_OK) {
    return fail("cannot start the pack " + path + ": " + archive_text(m_archive));
  }
  return success();
}

void PackWriter::start_writeback() {
  // The pack is flushed before the snapshot is recorded; starting the disk writes as the pack
  // grows leaves that flush little to wait for.
  int64_t written = archive_filter_bytes(m_archive, -1);
  if (written - m_flushed < k_writeback_step) return;
  (void)::sync_file_range(m_fd, m_flushed, written - m_flushed, SYNC_FILE_RANGE_WRITE);
  m_flushed = written;
}

Status PackWriter::entry_header(const std::string& name, int64_t size) {
  archive_entry* entry = archive_entry_new();
  archive_entry_set_pathname(entry, name.c_str());
  archive_entry_set_filetype(entry, AE_IFREG);
  archive_entry_set_perm(entry, 0600);
  archive_entry_set_size(entry, size);
  int rc = archive_write_header(m_archive, entry);
  archive_entry_free(entry);
  if (rc != ARCHIVE_OK) return fail("cannot write to the pack " + m_path + ": " + archive_text(m_archive));
  return success();
}

Status PackWriter::add(const std::string& name, std::string_view bytes) {
  if (auto header = entry_header(name, static_cast<int64_t>(bytes.size())); !header) return header;
  size_t done = 0;
  while (done < bytes.size()) {
    la_ssize_t n = archive_write_data(m_archive, bytes.data() + done, bytes.size() - done);
    if (n <= 0) return fail("cannot write to the pack " + m_path + ": " + archive_text(m_archive));
    done += static_cast<size_t>(n);
  }
  start_writeback();
  return success();
}

Status PackWriter::add_stream(const std::string& name, int fd, int64_t size, const std::string& hash) {
  if (auto header = entry_header(name, size); !header) return header;
  Sha256 sha;
  std::vector<char> buffer(256 * 1024);
  int64_t done = 0;
  while (done < size) {
    size_t want = static_cast<size_t>(std::min<int64_t>(size - done, static_cast<int64_t>(buffer.size())));
    ssize_t n = ::read(fd, buffer.data(), want);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail(std::string("cannot read: ") + std::strerror(errno));
    if (n == 0) break;
    sha.update(buffer.data(), static_cast<size_t>(n));
    if (archive_write_data(m_archive, buffer.data(), static_cast<size_t>(n)) != n) {
      return fail("cannot write to the pack " + m_path + ": " + archive_text(m_archive));
    }
    done += n;
  }
  start_writeback();
  char extra;
  if (done != size || ::read(fd, &extra, 1) != 0 || sha.finish() != hash) {
    return fail("it changed while it was being recorded; try again");
  }
  return success();
}

Status PackWriter::finish() {
  if (archive_write_close(m_archive) != ARCHIVE_OK) {
    return fail("cannot finish the pack " + m_path + ": " + archive_text(m_archive));
  }
  archive_write_free(m_archive);
  m_archive = nullptr;
  // The pack must be on the disk before the database says it holds anything.
  if (::fsync(m_fd) != 0) return fail("cannot flush " + m_path + ": " + std::strerror(errno));
  ::close(m_fd);
  m_fd = -1;
  return success();
}

int64_t PackWriter::written() const {
  return m_archive ? archive_filter_bytes(m_archive, -1) : 0;
}

Status read_pack(const std::string& path, const std::function<bool(const std::string&)>& wanted, const PackSink& sink) {
  ::archive* a = archive_read_new();
  if (!a) return fail("cannot read a pack: out of memory");
  struct Closer {
    ::archive* a;
    ~Closer() { archive_read_free(a); }
  } closer{a};
  // Only the format and filter packs are written in: nothing else of libarchive's is reachable.
  archive_read_support_format_tar(a);
  archive_read_support_filter_zstd(a);
  if (archive_read_open_filename(a, path.c_str(), 256 * 1024) != ARCHIVE_OK) {
    return fail("cannot open the pack " + path + ": " + archive_text(a));
  }
  archive_entry* entry = nullptr;
  while (true) {
    int rc = archive_read_next_header(a, &entry);
    if (rc == ARCHIVE_EOF) break;
    if (rc != ARCHIVE_OK) return fail("cannot read the pack " + path + ": " + archive_text(a));
    const char* raw = archive_entry_pathname(entry);
    std::string name = raw ? raw : "";
    if (!wanted(name)) continue;  // the next header skips the data
    const void* block = nullptr;
    size_t size = 0;
    la_int64_t offset = 0;
    int64_t expected = 0;
    while (true) {
      int got = archive_read_data_block(a, &block, &size, &offset);
      if (got == ARCHIVE_EOF) break;
      if (got != ARCHIVE_OK) return fail("cannot read the pack " + path + ": " + archive_text(a));
      // Sparse holes come back as gaps in the offsets: fill them with zeros.
      while (expected < offset) {
        static const char k_zeros[4096] = {};
        size_t gap = static_cast<size_t>(std::min<int64_t>(offset - expected, sizeof k_zeros));
        if (auto sent = sink(name, std::string_view(k_zeros, gap), false); !sent) return sent;
        expected += static_cast<int64_t>(gap);
      }
      if (auto sent = sink(name, std::string_view(static_cast<const char*>(block), size), false); !sent) return sent;
      expected += static_cast<int64_t>(size);
    }
    if (auto sent = sink(name, {}, true); !sent) return sent;
  }
  return success();
}

}  // namespace jailed::snapshot
