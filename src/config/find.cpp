#include "config/find.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "config/reader.hpp"
#include "util/paths.hpp"
#include "util/terminal_text.hpp"

namespace jailed::config {
namespace {

// A .jailed is a short text file; a huge one is a mistake or an attack on memory.
constexpr size_t k_max_size = 1024 * 1024;

std::string errno_text() { return std::strerror(errno); }

// Closes a descriptor on every return path.
class FdGuard {
 public:
  explicit FdGuard(int fd) : m_fd(fd) {}
  ~FdGuard() {
    if (m_fd >= 0) ::close(m_fd);
  }
  FdGuard(const FdGuard&) = delete;
  FdGuard& operator=(const FdGuard&) = delete;
  int get() const { return m_fd; }

 private:
  int m_fd;
};

// Refuses a file that someone else could have written: the content decides what a jail may see.
Status check_owner_and_mode(const std::string& path, const struct stat& st, bool root_may_own) {
  const std::string shown = shown_file(path);
  uid_t me = ::getuid();
  if (st.st_uid != me && !(root_may_own && st.st_uid == 0)) {
    return fail(shown + " is owned by uid " + std::to_string(st.st_uid) +
                    ", not you; jailed will not use it (review it, then replace it with a copy you own)",
                ExitCode::not_allowed);
  }
  if ((st.st_mode & 022) != 0) {
    return fail("refusing " + shown + ": it is writable by others (chmod go-w " + shown + ")", ExitCode::not_allowed);
  }
  return success();
}

// Refuses a path that displays as another: a bidirectional override shows it reversed, an
// escape sequence can erase it, an invisible character makes two paths look alike. The user
// would review and allow one file while jailed trusts another.
Status check_path_honest(const std::string& path) {
  auto found = util::find_deceptive(path);
  if (!found) return success();
  return fail("refusing " + shown_file(path) + ": its path holds " + util::describe(*found) +
                  ", which can make it display as another path (rename the directory)",
              ExitCode::not_allowed);
}

}  // namespace

std::optional<Found> find_nearest(const std::string& dir) {
  // stat() only: this runs on every shell prompt, and opening files there costs time.
  std::string current = util::normalize(dir);
  while (true) {
    std::string candidate = util::join_path(current, k_file_name);
    struct stat st {};
    if (::stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode)) return Found{candidate, util::stamp_of(st)};
    std::string parent = util::parent_dir(current);
    if (parent == current) return std::nullopt;
    current = parent;
  }
}

Result<LoadedFile> read_jailed_file(const std::string& path) {
  const std::string shown = shown_file(path);
  if (auto honest = check_path_honest(path); !honest.ok()) return honest.failure();
  // O_NOFOLLOW: a symlinked .jailed could point the trust check at a file the project's
  // author controls elsewhere; jailed trusts only a regular file at the place it was found.
  // O_NONBLOCK: opening a FIFO planted as .jailed must not hang the shell prompt.
  FdGuard fd(::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK));
  if (fd.get() < 0) {
    if (errno == ELOOP) {
      return fail(shown + " is a symlink; jailed only reads a regular .jailed file (replace the link with a copy of "
                          "the file it points to)",
                  ExitCode::not_allowed);
    }
    return fail("cannot open " + shown + ": " + errno_text());
  }
  // fstat the open descriptor, so the checks apply to the very file that is read.
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return fail("cannot stat " + shown + ": " + errno_text());
  if (!S_ISREG(st.st_mode)) return fail(shown + " is not a regular file", ExitCode::bad_config);
  if (auto safe = check_owner_and_mode(path, st, false); !safe.ok()) return safe.failure();
  if (static_cast<uint64_t>(st.st_size) > k_max_size) {
    return fail(shown + " is larger than 1 MiB; a .jailed is a short text file", ExitCode::bad_config);
  }
  auto content = util::read_fd(fd.get(), shown, k_max_size);
  if (!content.ok()) return fail(content.error(), ExitCode::bad_config);

  // The file itself was opened without following symlinks, so only its directory needs resolving.
  auto real_dir = util::real_path(util::parent_dir(path));
  if (!real_dir.ok()) return real_dir.failure();
  LoadedFile loaded;
  loaded.path = path;
  loaded.real_path = util::join_path(*real_dir, util::base_name(path));
  // The real path is the trust key that `jailed status --all` lists.
  if (auto honest = check_path_honest(loaded.real_path); !honest.ok()) return honest.failure();
  loaded.content = std::move(*content);
  loaded.stamp = util::stamp_of(st);
  return loaded;
}

Result<std::optional<std::string>> read_user_file(const std::string& path) {
  const std::string shown = shown_file(path);
  FdGuard fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
  if (fd.get() < 0) {
    if (errno == ENOENT || errno == ENOTDIR) return std::optional<std::string>();
    return fail("cannot open " + shown + ": " + errno_text());
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return fail("cannot stat " + shown + ": " + errno_text());
  if (!S_ISREG(st.st_mode)) return fail(shown + " is not a regular file", ExitCode::bad_config);
  // Root-owned files are accepted: root could change the user's files anyway, and a
  // home-manager config is a symlink into the root-owned Nix store.
  if (auto safe = check_owner_and_mode(path, st, true); !safe.ok()) return safe.failure();
  if (static_cast<uint64_t>(st.st_size) > k_max_size) {
    return fail(shown + " is larger than 1 MiB; jailed config files are short text files", ExitCode::bad_config);
  }
  auto content = util::read_fd(fd.get(), shown, k_max_size);
  if (!content.ok()) return fail(content.error(), ExitCode::bad_config);
  return std::optional<std::string>(std::move(*content));
}

Result<std::string> locate_jailed_file(const std::string& argument) {
  if (argument.empty()) {
    std::string cwd = util::current_dir();
    if (auto found = find_nearest(cwd)) return found->path;
    return fail("no .jailed in " + shown_file(cwd) + " or any parent directory (create one with 'jailed init')");
  }
  std::string path = argument[0] == '/' ? argument : util::join_path(util::current_dir(), argument);
  path = util::normalize(path);
  auto st = util::stat_path(path);
  if (!st) return fail("cannot find " + shown_file(path) + ": " + errno_text(), ExitCode::usage);
  if (S_ISDIR(st->st_mode)) {
    std::string file = util::join_path(path, k_file_name);
    // Not following a final symlink: read_jailed_file reports a symlinked .jailed itself.
    if (!util::exists_nofollow(file)) {
      return fail("no .jailed in " + shown_file(path) + " (create one with 'jailed init')", ExitCode::failure);
    }
    return file;
  }
  if (util::base_name(path) != k_file_name) {
    return fail(shown_file(path) + " is not a .jailed file (give a .jailed file or the directory that holds one)",
                ExitCode::usage);
  }
  return path;
}

}  // namespace jailed::config
