// jailed-landlock: runs inside the jail, completes and applies the Landlock ruleset jailed
// prepared, then becomes the agent.
// Usage: jailed-landlock RULESET READY RULES -- PROGRAM [ARGS...]
//
// RULESET is a ruleset jailed created on the host. For a confined store, a child of jailed adds
// a rule per closure path to it while bwrap builds the jail, then writes "1" to READY ("-" when
// there is nothing to wait for). RULES holds the rules of the jail's own mounts, which exist only
// in here: NUL-separated pairs of a class letter and a path ("w\0/tmp\0"). Empty RULES mean a
// ruleset with scopes alone: the file system stays as bwrap set it up.
// Static and libc-only: bwrap runs it from a descriptor in a jail that has no /lib, on every launch.
#include <fcntl.h>
#include <linux/close_range.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "sandbox/landlock_calls.hpp"

namespace ll = jailed::sandbox::landlock;

namespace {

// Exit statuses as env(1) uses them: the program could not be started, or was not found.
constexpr int k_cannot_run = 126;
constexpr int k_not_found = 127;

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

// Adds one rule of the rules text.
void add_rule(int ruleset, char rule_class, const char* path, int abi) {
  uint64_t access = ll::class_access(rule_class, abi);
  if (access == 0) die(k_cannot_run, "unknown rule class in the rules for", path);
  if (int failed = ll::add_path_rule(ruleset, access, path); failed != 0) die(k_cannot_run, path, std::strerror(failed));
}

// Returns the descriptor named by `arg`, or -1 for "-".
int descriptor(const char* arg) {
  if (std::strcmp(arg, "-") == 0) return -1;
  char* end = nullptr;
  long fd = std::strtol(arg, &end, 10);
  if (*arg == '\0' || *end != '\0' || fd < 0 || fd > 65535) die(k_cannot_run, "bad descriptor", arg);
  return static_cast<int>(fd);
}

// Waits until jailed's child has added the closure's rules: "1", then end of file. Anything
// else (it failed, or died) leaves the ruleset incomplete, and the agent must not start.
void wait_ready(int fd) {
  char text[512];
  size_t size = 0;
  for (;;) {
    ssize_t n = ::read(fd, text + size, sizeof text - 1 - size);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) die(k_cannot_run, "cannot read whether the store's rules are complete", std::strerror(errno));
    if (n == 0 || (size += static_cast<size_t>(n)) == sizeof text - 1) break;
  }
  ::close(fd);
  text[size] = '\0';
  if (std::strcmp(text, "1") != 0) {
    die(k_cannot_run, "the store's rules are incomplete", size ? text : "jailed stopped before adding them");
  }
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
    ll::PathBeneathAttr rule{access, fd};
    // A failure only leaves the descriptor's path unreopenable; the descriptor itself still works.
    (void)::syscall(ll::k_sys_add_rule, ruleset, ll::k_rule_path_beneath, &rule, 0);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 6 || std::strcmp(argv[4], "--") != 0) {
    die(k_cannot_run, "usage: jailed-landlock RULESET READY RULES -- PROGRAM [ARGS...]", nullptr);
  }
  int ruleset = descriptor(argv[1]);
  int ready = descriptor(argv[2]);
  int rules_fd = descriptor(argv[3]);
  if (ruleset < 0 || rules_fd < 0) die(k_cannot_run, "no ruleset or no rules descriptor", nullptr);
  size_t size = 0;
  char* rules = read_rules(rules_fd, size);
  if (ready >= 0) wait_ready(ready);

  long abi = ::syscall(ll::k_sys_create_ruleset, nullptr, 0, ll::k_create_ruleset_version);
  if (abi < 1) die(k_cannot_run, "Landlock is not available in this kernel", std::strerror(errno));
  if (size > 0 && rules[size - 1] != '\0') die(k_cannot_run, "the rules do not end in a NUL byte", nullptr);
  for (size_t at = 0; at < size;) {
    const char* rule_class = rules + at;
    at += std::strlen(rule_class) + 1;
    if (std::strlen(rule_class) != 1 || at >= size) die(k_cannot_run, "malformed rule", rule_class);
    const char* path = rules + at;
    at += std::strlen(path) + 1;
    add_rule(ruleset, rule_class[0], path, static_cast<int>(abi));
  }
  // Rules mean the ruleset confines the file system (jailed handles no rights otherwise).
  if (size > 0) add_standard_fds(ruleset, static_cast<int>(abi));
  std::free(rules);

  // Required for an unprivileged restrict_self; bwrap sets it already, so this only makes
  // the helper safe to run on its own.
  if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
    die(k_cannot_run, "cannot set no_new_privs", std::strerror(errno));
  }
  if (::syscall(ll::k_sys_restrict_self, ruleset, 0) != 0) {
    die(k_cannot_run, "cannot apply the Landlock ruleset", std::strerror(errno));
  }
  // The agent gets the standard descriptors only: not the ruleset, nor this helper's binary,
  // which bwrap ran from a descriptor.
  if (::close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) != 0) {
    die(k_cannot_run, "cannot mark descriptors close-on-exec", std::strerror(errno));
  }

  // argv and the environment pass through untouched; PATH decides a name without a slash.
  ::execvp(argv[5], argv + 5);
  die(errno == ENOENT ? k_not_found : k_cannot_run, argv[5], std::strerror(errno));
}
