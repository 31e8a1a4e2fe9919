#include "snapshot/content.hpp"

// The direct SHA-256 functions, as util/hash.cpp uses them: EVP's first use loads openssl.cnf.
#define OPENSSL_SUPPRESS_DEPRECATED
#include <fcntl.h>
#include <openssl/sha.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "snapshot/beneath.hpp"
#include "util/strings.hpp"

namespace jailed::snapshot {

Sha256::Sha256() : m_context(new SHA256_CTX) { SHA256_Init(static_cast<SHA256_CTX*>(m_context)); }

Sha256::~Sha256() { delete static_cast<SHA256_CTX*>(m_context); }

void Sha256::update(const void* data, size_t size) { SHA256_Update(static_cast<SHA256_CTX*>(m_context), data, size); }

std::string Sha256::finish() {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256_Final(digest, static_cast<SHA256_CTX*>(m_context));
  return std::string(reinterpret_cast<const char*>(digest), sizeof digest);
}

std::string hash_hex(const std::string& hash) { return util::to_hex(hash); }

Result<std::pair<std::string, int64_t>> hash_stream(int fd) {
  Sha256 sha;
  std::vector<char> buffer(256 * 1024);
  int64_t total = 0;
  while (true) {
    ssize_t n = ::read(fd, buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail(std::string("cannot read: ") + std::strerror(errno));
    if (n == 0) break;
    sha.update(buffer.data(), static_cast<size_t>(n));
    total += n;
  }
  return std::make_pair(sha.finish(), total);
}

Result<std::optional<Content>> read_content(int root_fd, const std::string& path) {
  // O_NONBLOCK: a FIFO put in the file's place must not hang the snapshot.
  int fd = open_beneath(root_fd, path, O_RDONLY | O_NOCTTY | O_NONBLOCK);
  if (fd < 0) {
    if (errno == ENOENT || errno == ELOOP || errno == ENOTDIR || errno == ENXIO) return std::optional<Content>();
    return fail("cannot read " + util::printable(path) + ": " + std::strerror(errno));
  }
  struct stat st;
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return std::optional<Content>();
  }
  Content content;
  if (st.st_size <= k_in_memory_limit) {
    auto bytes = std::string();
    bytes.resize(static_cast<size_t>(st.st_size));
    size_t done = 0;
    // Up to its size when opened: a file that grows meanwhile gets a new ctime, and the next
    // snapshot reads it again.
    while (done < bytes.size()) {
      ssize_t n = ::read(fd, bytes.data() + done, bytes.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        int saved = errno;
        ::close(fd);
        return fail("cannot read " + util::printable(path) + ": " + std::strerror(saved));
      }
      if (n == 0) break;
      done += static_cast<size_t>(n);
    }
    bytes.resize(done);
    Sha256 sha;
    sha.update(bytes.data(), bytes.size());
    content.hash = sha.finish();
    content.size = static_cast<int64_t>(done);
    content.bytes = std::move(bytes);
  } else {
    auto hashed = hash_stream(fd);
    if (!hashed) {
      ::close(fd);
      return fail(util::printable(path) + ": " + hashed.error());
    }
    content.hash = hashed->first;
    content.size = hashed->second;
  }
  ::close(fd);
  return std::optional<Content>(std::move(content));
}

}  // namespace jailed::snapshot
