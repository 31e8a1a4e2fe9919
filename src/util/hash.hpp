// Hash functions: SHA-256 for trust decisions, XXH3 for cache keys and names.
#pragma once

#include <string>
#include <string_view>

namespace jailed::util {

// Returns the lowercase hex SHA-256 of `data` (security-relevant: trust records).
std::string sha256_hex(std::string_view data);

// Returns the lowercase hex XXH3-128 of `data` (not for security decisions).
std::string xxh128_hex(std::string_view data);

// Returns the lowercase hex XXH3-64 of `data` (not for security decisions).
std::string xxh64_hex(std::string_view data);

}  // namespace jailed::util
