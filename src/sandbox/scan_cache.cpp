// Walk records on disk: NUL-separated fields, eight a directory.
#include "sandbox/scan_cache.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <charconv>

#include "util/files.hpp"
#include "util/hash.hpp"
#include "util/paths.hpp"
#include "util/strings.hpp"

namespace jailed::sandbox {
namespace {

// Bumped whenever the fields change, so an older file is simply not used.
constexpr const char* k_format = "jailed-walk-1";
constexpr size_t k_fields = 8;

template <class Number>
bool parse(const std::string& text, Number& out) {
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), out);
  return error == std::errc() && end == text.data() + text.size();
}

}  // namespace

std::string encode_walk(const std::string& root, const std::vector<DirRecord>& records) {
  std::string out;
  auto field = [&out](const std::string& text) {
    out += text;
    out += '\0';
  };
  field(k_format);
  field(root);
  for (const auto& record : records) {
    field(record.path);
    field(std::to_string(record.dev));
    field(std::to_string(record.ino));
    field(std::to_string(record.ctime_ns));
    field(std::to_string(record.git));
    field(record.envrc ? "1" : "0");
    field(record.settled ? "1" : "0");
    field(util::join(record.subdirs, "/"));  // a name holds no slash
  }
  return out;
}

std::vector<DirRecord> decode_walk(const std::string& root, const std::string& bytes) {
  auto fields = util::split(bytes, '\0');
  // Every field ends in a NUL, so splitting leaves one empty piece after the last.
  if (fields.size() < 3 || fields[0] != k_format || fields[1] != root || !fields.back().empty()) return {};
  fields.pop_back();
  if ((fields.size() - 2) % k_fields != 0) return {};
  std::vector<DirRecord> out;
  for (size_t i = 2; i < fields.size(); i += k_fields) {
    DirRecord record;
    record.path = fields[i];
    unsigned git = 0;
    if (!parse(fields[i + 1], record.dev) || !parse(fields[i + 2], record.ino) || !parse(fields[i + 3], record.ctime_ns) ||
        !parse(fields[i + 4], git) || git > 255) {
      return {};
    }
    record.git = static_cast<unsigned char>(git);
    record.envrc = fields[i + 5] == "1";
    record.settled = fields[i + 6] == "1";
    if (!fields[i + 7].empty()) record.subdirs = util::split(fields[i + 7], '/');
    out.push_back(std::move(record));
  }
  return out;
}

bool save_walk(const std::string& file, const std::string& bytes) {
  std::string dir = util::parent_dir(file);
  if (!util::make_dirs(dir, 0700)) return false;
  std::string temp = file + ".tmp." + std::to_string(::getpid());
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) return false;
  bool written = util::write_all(fd, bytes, temp).ok();
  ::close(fd);
  if (written && ::rename(temp.c_str(), file.c_str()) == 0) return true;
  ::unlink(temp.c_str());
  return false;
}

std::string walk_cache_file(const std::string& root) {
  return util::xdg_dir("CACHE") + "/jailed/scan/" + util::xxh128_hex(root);
}

}  // namespace jailed::sandbox
