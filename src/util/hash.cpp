#include "util/hash.hpp"

#include <openssl/evp.h>
#include <xxhash.h>

#include <cstdio>

#include "util/error.hpp"
#include "util/strings.hpp"

namespace jailed::util {

std::string sha256_hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (EVP_Digest(data.data(), data.size(), digest, &size, EVP_sha256(), nullptr) != 1) {
    throw Error("cannot compute SHA-256 (libcrypto failed)");
  }
  return to_hex(std::string_view(reinterpret_cast<const char*>(digest), size));
}

std::string xxh128_hex(std::string_view data) {
  XXH128_hash_t hash = XXH3_128bits(data.data(), data.size());
  char buf[33];
  std::snprintf(buf, sizeof buf, "%016llx%016llx", static_cast<unsigned long long>(hash.high64),
                static_cast<unsigned long long>(hash.low64));
  return buf;
}

std::string xxh64_hex(std::string_view data) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(XXH3_64bits(data.data(), data.size())));
  return buf;
}

}  // namespace jailed::util
