#include "util/hash.hpp"

// The direct SHA-256 functions, deprecated in OpenSSL 3 in favour of EVP: EVP's first use loads
// openssl.cnf and builds its algorithm tables (~5 million instructions, over a millisecond),
// on the path of every agent launch. The digest is the same.
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/sha.h>
#include <xxhash.h>

#include <cstdio>

#include "util/error.hpp"
#include "util/strings.hpp"

namespace jailed::util {

std::string sha256_hex(std::string_view data) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256_CTX context;
  if (SHA256_Init(&context) != 1 || SHA256_Update(&context, data.data(), data.size()) != 1 ||
      SHA256_Final(digest, &context) != 1) {
    throw Error("cannot compute SHA-256 (libcrypto failed)");
  }
  return to_hex(std::string_view(reinterpret_cast<const char*>(digest), sizeof digest));
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
