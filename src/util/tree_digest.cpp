#include "util/tree_digest.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

// The direct SHA-256 functions: see hash.cpp for why not EVP.
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/sha.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

#include "util/files.hpp"
#include "util/hash.hpp"
#include "util/strings.hpp"

namespace jailed::util {
namespace {

// Streams a file through SHA-256: trees may hold files too big to read at once.
Result<std::string> file_digest(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return fail("cannot read " + path + ": " + std::strerror(errno));
  SHA256_CTX hash;
  SHA256_Init(&hash);
  char buf[65536];
  while (true) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      std::string why = std::strerror(errno);
      ::close(fd);
      return fail("cannot read " + path + ": " + why);
    }
    if (n == 0) break;
    SHA256_Update(&hash, buf, static_cast<size_t>(n));
  }
  ::close(fd);
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256_Final(digest, &hash);
  return to_hex(std::string_view(reinterpret_cast<const char*>(digest), sizeof digest));
}

// Lists `root` + "/" + `rel` recursively into `out` as relative paths (skipping .git).
Status walk(const std::string& root, const std::string& rel, std::vector<std::string>& out) {
  std::string dir_path = rel.empty() ? root : root + "/" + rel;
  DIR* dir = ::opendir(dir_path.c_str());
  if (!dir) return fail("cannot list " + dir_path + ": " + std::strerror(errno));
  std::vector<std::string> names;
  while (dirent* entry = ::readdir(dir)) {
    std::string name = entry->d_name;
    // .git is git's business (and huge); Nix reads a path: flake's files, not its history.
    if (name == "." || name == ".." || name == ".git") continue;
    names.push_back(std::move(name));
  }
  ::closedir(dir);
  for (const auto& name : names) {
    std::string child = rel.empty() ? name : rel + "/" + name;
    out.push_back(child);
    auto st = lstat_path(root + "/" + child);
    if (st && S_ISDIR(st->st_mode)) {
      if (auto walked = walk(root, child, out); !walked) return walked;
    }
  }
  return success();
}

}  // namespace

Result<std::string> tree_digest(const std::string& dir) {
  auto top = stat_path(dir);
  if (top && S_ISREG(top->st_mode)) {
    // A flake can be a single file (a tarball): its content is the tree.
    auto digest = file_digest(dir);
    if (!digest) return digest.failure();
    std::string material;
    append_field(material, "file", "");
    append_field(material, "content", *digest);
    return sha256_hex(material);
  }
  if (!top || !S_ISDIR(top->st_mode)) return std::string("missing");
  std::vector<std::string> paths;
  if (auto walked = walk(dir, "", paths); !walked) return walked.failure();
  std::sort(paths.begin(), paths.end());
  std::string material;
  for (const auto& rel : paths) {
    std::string full = dir + "/" + rel;
    auto st = lstat_path(full);
    if (!st) return fail("cannot read " + full + " (did it just disappear?)");
    if (S_ISREG(st->st_mode)) {
      auto digest = file_digest(full);
      if (!digest) return digest.failure();
      append_field(material, (st->st_mode & S_IXUSR) ? "exec" : "file", rel);
      append_field(material, "content", *digest);
    } else if (S_ISLNK(st->st_mode)) {
      auto target = read_link(full);
      if (!target) return target.failure();
      append_field(material, "link", rel);
      append_field(material, "target", *target);
    } else if (S_ISDIR(st->st_mode)) {
      append_field(material, "dir", rel);
    }
  }
  return sha256_hex(material);
}

}  // namespace jailed::util
