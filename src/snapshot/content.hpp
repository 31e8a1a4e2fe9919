// Reading a file's content and naming it: SHA-256 decides which content is which, as project
// files are written by the agent and a fast non-cryptographic hash can be made to collide.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "util/result.hpp"

namespace jailed::snapshot {

// Files up to this size are read once into memory: hashed and, when new, packed from there.
inline constexpr int64_t k_in_memory_limit = 8 * 1024 * 1024;

// A file's content as read: its hash (32 raw bytes), its size and, for a small file, its bytes.
struct Content {
  std::string hash;
  int64_t size = 0;
  std::optional<std::string> bytes;
};

// Reads the regular file `path` beneath `root_fd` (beneath.hpp); nothing if it is gone or is no
// longer a regular file.
Result<std::optional<Content>> read_content(int root_fd, const std::string& path);

// Returns the SHA-256 of what remains to be read from `fd`, and how many bytes that was.
Result<std::pair<std::string, int64_t>> hash_stream(int fd);

// Incremental SHA-256.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  void update(const void* data, size_t size);
  // Returns the 32-byte digest; the object is spent.
  std::string finish();

 private:
  void* m_context;
};

// Returns the hex form of a 32-byte hash.
std::string hash_hex(const std::string& hash);

}  // namespace jailed::snapshot
