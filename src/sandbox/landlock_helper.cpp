// jailed-landlock: runs inside the jail, confines the agent with a Landlock ruleset, then
// becomes the agent. Usage: jailed-landlock FD -- PROGRAM [ARGS...]
//
// FD holds the rules, NUL-separated pairs of a class letter and a path ("x\0/nix/store/...\0").
// From Landlock ABI 6 on the ruleset also scopes abstract Unix sockets and signals. Empty rules
// ask for the scopes alone: the file system stays as bwrap set it up.
// Static and libc-only: it starts in a jail that has no /lib, and it runs on every launch.
#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "sandbox/landlock_access.hpp"

namespace ll = jailed::sandbox::landlock;

namespace {

// Exit statuses as env(1) uses them: the program could not be started, or was not found.
constexpr int k_cannot_run = 126;
constexpr int k_not_found = 127;

// The kernel's struct landlock_ruleset_attr as of ABI 6. Below ABI 6 only handled_access_fs is
// passed (size 8): an older kernel rejects a larger struct whose extra fields are not zero.
struct RulesetAttr {
  uint64_t handled_access_fs;
  uint64_t handled_access_net;  // always 0: the network namespace decides the network
  uint64_t scoped;
};

// The kernel's struct landlock_path_beneath_attr (packed in the uapi header).
struct __attribute__((packed)) PathBeneathAttr {
  uint64_t allowed_access;
  int32_t parent_fd;
};

[[noreturn]] void die(int status, const char* what, const char* detail) {
  std::fprintf(stderr, "jailed-landlock: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
  std::exit(status);
}

// Reads the whole rules descriptor and closes it, so the agent never inherits it.
char* read_rules(int fd, size_t& size) {
  size_t capacity = 64 * 1024;
  char* data = static_cast<char*>(std::malloc(capacity));
  size = 0;
  for (;;) {
    if (!data) die(k_cannot_run, "out of memory reading the rules", nullptr);
    ssize_t n = ::read(fd, data + size, capacity - size);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) die(k_cannot_run, "cannot read the rules", std::strerror(errno));
    if (n == 0) break;
    size += static_cast<size_t>(n);
    if (size == capacity) data = static_cast<char*>(std::realloc(data, capacity *= 2));
  }
  ::close(fd);
  return data;
}

// Adds one rule; a path missing in this jail grants nothing and is skipped.
void add_rule(int ruleset, char rule_class, const char* path, int abi) {
  uint64_t access = ll::class_access(rule_class, abi);
  if (access == 0) die(k_cannot_run, "unknown rule class in the rules for", path);
  // O_PATH: the rule needs the inode, not read permission on it. Directories first: most rules
  // name one, and knowing it from open() saves an fstat() per store path on every launch.
  int fd = ::open(path, O_PATH | O_CLOEXEC | O_DIRECTORY);
  if (fd < 0 && errno == ENOTDIR) {
    fd = ::open(path, O_PATH | O_CLOEXEC);
    access &= ll::k_file_access;  // a rule on a file may only name file rights
  }
  if (fd < 0) {
    if (errno == ENOENT || errno == ENOTDIR) return;
    die(k_cannot_run, path, std::strerror(errno));
  }
  PathBeneathAttr rule{access, fd};
  if (::syscall(ll::k_sys_add_rule, ruleset, ll::k_rule_path_beneath, &rule, 0) != 0) {
    die(k_cannot_run, path, std::strerror(errno));
  }
  ::close(fd);
}

// Lets the agent reopen its own terminal or output file through /dev/stdout, /dev/stderr or
// /proc/self/fd/N, with no more than the descriptor already allows. The terminal bwrap inherits
// lies on the host's devpts, outside every path the jail grants, so no other rule covers it.
// Pipes need no rule (Landlock does not police pipefs) and are skipped by the kernel anyway.
void add_standard_fds(int ruleset, int abi) {
  for (int fd = 0; fd <= 2; ++fd) {
    struct stat st {};
    int flags = ::fcntl(fd, F_GETFL);
    if (flags < 0 || ::fstat(fd, &st) != 0 || !(S_ISCHR(st.st_mode) || S_ISREG(st.st_mode))) continue;
    int mode = flags & O_ACCMODE;
    // Truncating adds nothing: ftruncate() on the descriptor itself is not policed.
    uint64_t access = (mode != O_WRONLY ? ll::k_read_file : 0) |
                      (mode != O_RDONLY ? ll::k_write_file | ll::k_truncate : 0);
    access &= ll::handled_access(abi);
    PathBeneathAttr rule{access, fd};
    // A failure only leaves the descriptor's path unreopenable; the descriptor itself still works.
    (void)::syscall(ll::k_sys_add_rule, ruleset, ll::k_rule_path_beneath, &rule, 0);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4 || std::strcmp(argv[2], "--") != 0) {
    die(k_cannot_run, "usage: jailed-landlock FD -- PROGRAM [ARGS...]", nullptr);
  }
  char* end = nullptr;
  long rules_fd = std::strtol(argv[1], &end, 10);
  if (*argv[1] == '\0' || *end != '\0' || rules_fd < 0 || rules_fd > 65535) {
    die(k_cannot_run, "bad descriptor", argv[1]);
  }
  size_t size = 0;
  char* rules = read_rules(static_cast<int>(rules_fd), size);

  // Fail closed: the jail shows all of /nix/store, so running the agent unconfined would show
  // it everything jailed meant to hide.
  long abi = ::syscall(ll::k_sys_create_ruleset, nullptr, 0, ll::k_create_ruleset_version);
  if (abi < 1) die(k_cannot_run, "Landlock is not available in this kernel", std::strerror(errno));
  // Empty rules mean scopes only: handling no file-system right leaves every path as it is.
  bool confine_fs = size > 0;
  RulesetAttr attr{confine_fs ? ll::handled_access(static_cast<int>(abi)) : 0, 0, ll::scopes(static_cast<int>(abi))};
  // Fail closed here too: jailed asks for scopes alone only where it found ABI 6.
  if (!confine_fs && attr.scoped == 0) {
    die(k_cannot_run, "no rules, and this kernel's Landlock has no scopes (they need ABI 6)", nullptr);
  }
  size_t attr_size = attr.scoped != 0 ? sizeof attr : sizeof attr.handled_access_fs;
  long ruleset = ::syscall(ll::k_sys_create_ruleset, &attr, attr_size, 0);
  if (ruleset < 0) die(k_cannot_run, "cannot create a Landlock ruleset", std::strerror(errno));

  if (size > 0 && rules[size - 1] != '\0') die(k_cannot_run, "the rules do not end in a NUL byte", nullptr);
  for (size_t at = 0; at < size;) {
    const char* rule_class = rules + at;
    at += std::strlen(rule_class) + 1;
    if (std::strlen(rule_class) != 1 || at >= size) die(k_cannot_run, "malformed rule", rule_class);
    const char* path = rules + at;
    at += std::strlen(path) + 1;
    add_rule(static_cast<int>(ruleset), rule_class[0], path, static_cast<int>(abi));
  }
  std::free(rules);
  if (confine_fs) add_standard_fds(static_cast<int>(ruleset), static_cast<int>(abi));

  // Required for an unprivileged restrict_self; bwrap sets it already, so this only makes
  // the helper safe to run on its own.
  if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
    die(k_cannot_run, "cannot set no_new_privs", std::strerror(errno));
  }
  if (::syscall(ll::k_sys_restrict_self, ruleset, 0) != 0) {
    die(k_cannot_run, "cannot apply the Landlock ruleset", std::strerror(errno));
  }
  ::close(static_cast<int>(ruleset));

  // argv and the environment pass through untouched; PATH decides a name without a slash.
  ::execvp(argv[3], argv + 3);
  die(errno == ENOENT ? k_not_found : k_cannot_run, argv[3], std::strerror(errno));
}
