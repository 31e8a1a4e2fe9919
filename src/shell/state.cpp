// JAILED_STATE text: a version, the activation, the path hash and two file stamps, ':'-separated.
#include "shell/state.hpp"

#include <charconv>

#include "util/strings.hpp"

namespace jailed::shell {
namespace {

// Bump when the fields change: an older jailed's state then reads as missing and is rebuilt.
constexpr std::string_view k_version = "1";
constexpr size_t k_field_count = 13;
// Longer text cannot be ours; stops a huge foreign value from being split at every prompt.
constexpr size_t k_max_length = 512;

void append_stamp(std::string& out, const util::FileStamp& stamp) {
  for (auto value : {stamp.dev, stamp.ino, stamp.size}) out += ":" + std::to_string(value);
  for (auto value : {stamp.mtime_ns, stamp.ctime_ns}) out += ":" + std::to_string(value);
}

template <class Number>
bool parse_number(const std::string& text, Number& value) {
  const char* end = text.data() + text.size();
  auto [ptr, error] = std::from_chars(text.data(), end, value);
  return !text.empty() && error == std::errc() && ptr == end;
}

bool parse_stamp(const std::vector<std::string>& fields, size_t first, util::FileStamp& stamp) {
  return parse_number(fields[first], stamp.dev) && parse_number(fields[first + 1], stamp.ino) &&
         parse_number(fields[first + 2], stamp.size) && parse_number(fields[first + 3], stamp.mtime_ns) &&
         parse_number(fields[first + 4], stamp.ctime_ns);
}

bool is_lower_hex(std::string_view text) {
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

std::optional<Activation> parse_activation(std::string_view text) {
  if (text.size() != 1) return std::nullopt;
  switch (text[0]) {
    case 'L': return Activation::loaded;
    case 'B': return Activation::blocked;
    case 'E': return Activation::invalid;
    default: return std::nullopt;
  }
}

}  // namespace

std::string encode(const State& state) {
  std::string out(k_version);
  out += ':';
  out += static_cast<char>(state.activation);
  out += ':' + state.path_hash;
  append_stamp(out, state.file);
  append_stamp(out, state.trust);
  return out;
}

std::optional<State> decode(std::string_view text) {
  if (text.size() > k_max_length) return std::nullopt;
  auto fields = util::split(text, ':');
  if (fields.size() != k_field_count || fields[0] != k_version) return std::nullopt;
  State state;
  auto activation = parse_activation(fields[1]);
  if (!activation || !is_lower_hex(fields[2])) return std::nullopt;
  state.activation = *activation;
  state.path_hash = fields[2];
  if (!parse_stamp(fields, 3, state.file) || !parse_stamp(fields, 8, state.trust)) return std::nullopt;
  // Only the exact text encode() writes is accepted (no "+1", "007"), so one state has one form.
  if (encode(state) != text) return std::nullopt;
  return state;
}

}  // namespace jailed::shell
