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

// Keeps the content of small text files while the budget lasts.
class TextKeeper {
 public:
  TextKeeper(size_t per_file, size_t total) : m_per_file(per_file), m_left(total) {}

  // Returns true if a file of `size` bytes may be read whole to keep its text.
  bool wants(uint64_t size) const { return size <= m_per_file && size <= m_left; }
  // Keeps `content` in `entry` if it is text (binary files are shown by name only).
  void keep(TreeEntry& entry, std::string content) {
    if (content.find('\0') != std::string::npos || !is_valid_utf8(content)) return;
    m_left -= content.size();
    entry.text = std::move(content);
  }

 private:
  size_t m_per_file;
  size_t m_left;
};

// Digests the regular file at `full` into `entry`, keeping its text when `keeper` wants it.
Status read_file_entry(const std::string& full, const struct stat& st, TreeEntry& entry, TextKeeper& keeper) {
  if (keeper.wants(static_cast<uint64_t>(st.st_size))) {
    // As file_digest: never through a symlink, never blocked on a FIFO swapped in meanwhile.
    int fd = ::open(full.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
    auto content = fd < 0 ? Result<std::string>(fail("cannot open " + full))
                          : read_fd(fd, full, static_cast<size_t>(st.st_size) + 1);
    if (fd >= 0) ::close(fd);
    // Grown since the stat, or unreadable: stream it instead, as any other file.
    if (content && content->size() == static_cast<size_t>(st.st_size)) {
      entry.digest = sha256_hex(*content);
      keeper.keep(entry, std::move(*content));
      return success();
    }
  }
  auto digest = file_digest(full);
  if (!digest) return digest.failure();
  entry.digest = *digest;
  return success();
}

}  // namespace

Result<Tree> read_tree(const std::string& dir, size_t keep_text, size_t keep_total) {
  Tree tree;
  TextKeeper keeper(keep_text, keep_total);
  auto top = stat_path(dir);
  if (top && S_ISREG(top->st_mode)) {
    // A flake can be a single file (a tarball): its content is the tree.
    TreeEntry entry{"", "file", "", std::nullopt};
    if (auto read = read_file_entry(dir, *top, entry, keeper); !read) return read.failure();
    std::string material;
    append_field(material, "file", "");
    append_field(material, "content", entry.digest);
    tree.digest = sha256_hex(material);
    tree.entries.push_back(std::move(entry));
    return tree;
  }
  if (!top || !S_ISDIR(top->st_mode)) {
    tree.digest = "missing";
    return tree;
  }
  std::vector<std::string> paths;
  if (auto walked = walk(dir, "", paths); !walked) return walked.failure();
  std::sort(paths.begin(), paths.end());
  std::string material;
  for (const auto& rel : paths) {
    std::string full = dir + "/" + rel;
    auto st = lstat_path(full);
    if (!st) return fail("cannot read " + full + " (did it just disappear?)");
    TreeEntry entry{rel, "", "", std::nullopt};
    if (S_ISREG(st->st_mode)) {
      entry.kind = (st->st_mode & S_IXUSR) ? "exec" : "file";
      if (auto read = read_file_entry(full, *st, entry, keeper); !read) return read.failure();
      append_field(material, entry.kind, rel);
      append_field(material, "content", entry.digest);
    } else if (S_ISLNK(st->st_mode)) {
      auto target = read_link(full);
      if (!target) return target.failure();
      entry.kind = "link";
      entry.digest = *target;
      append_field(material, "link", rel);
      append_field(material, "target", *target);
    } else if (S_ISDIR(st->st_mode)) {
      entry.kind = "dir";
      append_field(material, "dir", rel);
    } else {
      continue;  // sockets, FIFOs, devices: Nix copies none of them
    }
    tree.entries.push_back(std::move(entry));
  }
  tree.digest = sha256_hex(material);
  return tree;
}

Result<std::string> tree_digest(const std::string& dir) {
  auto tree = read_tree(dir);
  if (!tree) return tree.failure();
  return std::move(tree->digest);
}

}  // namespace jailed::util
