// jailed-landlock: runs inside the jail, completes and applies the Landlock ruleset jailed
// prepared, then becomes the agent.
// Usage: jailed-landlock RULESET READY RULES -- PROGRAM [ARGS...]
//
// RULESET is a ruleset jailed created on the host. For a confined store, a child of jailed adds
// a rule per closure path to it while bwrap builds the jail, then writes "1" to READY ("-" when
// there is nothing to wait for). RULES holds the rules of the jail's own mounts, which exist only
// in here: NUL-separated pairs of a class letter and a path ("w\0/tmp\0"). Empty RULES mean a
// ruleset with scopes alone: the file system stays as bwrap set it up. PROGRAM is absolute.
//
// Freestanding, without libc: bwrap runs it from a descriptor in a jail that has no /lib, on
// every launch, and a static libc's start-up alone (probing the CPU's features and caches)
// costs ~0.3 ms in a virtual machine, as much as all the rest of the helper's work.
#include <fcntl.h>
#include <linux/close_range.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include <cerrno>
#include <cstddef>
#include <cstdint>

#include "sandbox/landlock_calls.hpp"
#include "sandbox/raw_syscall.hpp"

namespace ll = jailed::sandbox::landlock;
using jailed::sandbox::raw_syscall;

// The compiler may turn loops and initialisers into calls to these.
extern "C" void* memset(void* to, int byte, size_t size) {
  auto* out = static_cast<unsigned char*>(to);
  for (size_t i = 0; i < size; ++i) out[i] = static_cast<unsigned char>(byte);
  return to;
}

extern "C" void* memcpy(void* to, const void* from, size_t size) {
  auto* out = static_cast<unsigned char*>(to);
  const auto* in = static_cast<const unsigned char*>(from);
  for (size_t i = 0; i < size; ++i) out[i] = in[i];
  return to;
}

namespace {

// Exit statuses as env(1) uses them: the program could not be started, or was not found.
constexpr int k_cannot_run = 126;
constexpr int k_not_found = 127;

size_t length(const char* text) {
  size_t n = 0;
  while (text[n]) ++n;
  return n;
}

bool same(const char* a, const char* b) {
  while (*a && *a == *b) ++a, ++b;
  return *a == *b;
}

void put(const char* text) { raw_syscall(SYS_write, 2, reinterpret_cast<long>(text), static_cast<long>(length(text))); }

// The errors the helper can meet, by name; others by number.
const char* error_name(long error, char (&buffer)[24]) {
  switch (error) {
    case EPERM: return "Operation not permitted";
    case ENOENT: return "No such file or directory";
    case EBADF: return "Bad file descriptor";
    case ENOMEM: return "Cannot allocate memory";
    case EACCES: return "Permission denied";
    case EINVAL: return "Invalid argument";
    case EMFILE: return "Too many open files";
    case ENOSYS: return "Function not implemented";
    case ELOOP: return "Too many levels of symbolic links";
    case ENAMETOOLONG: return "File name too long";
    case ENOEXEC: return "Exec format error";
    case E2BIG: return "Argument list too long";
    case EOPNOTSUPP: return "Operation not supported";
    default: break;
  }
  char* at = buffer + sizeof buffer;
  *--at = '\0';
  auto n = static_cast<unsigned long>(error);
  do {
    *--at = static_cast<char>('0' + n % 10);
  } while ((n /= 10) > 0);
  const char prefix[] = "errno ";
  for (size_t i = sizeof prefix - 1; i > 0; --i) *--at = prefix[i - 1];
  return at;
}

[[noreturn]] void die(int status, const char* what, const char* detail) {
  put("jailed-landlock: ");
  put(what);
  if (detail) {
    put(": ");
    put(detail);
  }
  put("\n");
  raw_syscall(SYS_exit_group, status);
  __builtin_unreachable();
}

[[noreturn]] void die_errno(const char* what, long error) {
  char buffer[24];
  die(k_cannot_run, what, error_name(error, buffer));
}

// Returns the descriptor named by `arg`, or -1 for "-".
int descriptor(const char* arg) {
  if (same(arg, "-")) return -1;
  long fd = 0;
  for (const char* at = arg; *at; ++at) {
    if (*at < '0' || *at > '9' || fd > 65535) die(k_cannot_run, "bad descriptor", arg);
    fd = fd * 10 + (*at - '0');
  }
  if (!*arg || fd > 65535) die(k_cannot_run, "bad descriptor", arg);
  return static_cast<int>(fd);
}

// Reads `fd` to its end or until `buffer` is full, then closes it, so the agent never inherits
// it; returns the size.
size_t read_all(int fd, char* buffer, size_t capacity, const char* what) {
  size_t size = 0;
  while (size < capacity) {
    long n = raw_syscall(SYS_read, fd, reinterpret_cast<long>(buffer + size), static_cast<long>(capacity - size));
    if (n == -EINTR) continue;
    if (n < 0) die_errno(what, -n);
    if (n == 0) break;
    size += static_cast<size_t>(n);
  }
  raw_syscall(SYS_close, fd);
  return size;
}

// Waits until jailed's child has added the closure's rules: "1", then end of file. Anything
// else (it failed, or died) leaves the ruleset incomplete, and the agent must not start.
void wait_ready(int fd) {
  char text[512];
  size_t size = read_all(fd, text, sizeof text - 1, "cannot read whether the store's rules are complete");
  text[size] = '\0';
  if (!same(text, "1")) die(k_cannot_run, "the store's rules are incomplete", size ? text : "jailed stopped before adding them");
}

// Adds one rule of the rules text.
void add_rule(int ruleset, char rule_class, const char* path, int abi) {
  uint64_t access = ll::class_access(rule_class, abi);
  if (access == 0) die(k_cannot_run, "unknown rule class in the rules for", path);
  if (int failed = ll::add_path_rule(ruleset, access, path); failed != 0) die_errno(path, -failed);
}

// Lets the agent reopen its own terminal or output file through /dev/stdout, /dev/stderr or
// /proc/self/fd/N, with no more than the descriptor already allows. The terminal bwrap inherits
// lies on the host's devpts, outside every path the jail grants, so no other rule covers it.
// Pipes need no rule (Landlock does not police pipefs) and are skipped by the kernel anyway.
void add_standard_fds(int ruleset, int abi) {
  for (int fd = 0; fd <= 2; ++fd) {
    struct stat st {};
    long flags = raw_syscall(SYS_fcntl, fd, F_GETFL);
    if (flags < 0 || raw_syscall(SYS_newfstatat, fd, reinterpret_cast<long>(""), reinterpret_cast<long>(&st),
                                 AT_EMPTY_PATH) != 0 ||
        !(S_ISCHR(st.st_mode) || S_ISREG(st.st_mode))) {
      continue;
    }
    long mode = flags & O_ACCMODE;
    // Truncating adds nothing: ftruncate() on the descriptor itself is not policed.
    uint64_t access = (mode != O_WRONLY ? ll::k_read_file : 0) |
                      (mode != O_RDONLY ? ll::k_write_file | ll::k_truncate : 0);
    // A failure only leaves the descriptor's path unreopenable; the descriptor itself still works.
    (void)ll::add_fd_rule(ruleset, access & ll::handled_access(abi), fd);
  }
}

// The rules of the jail's mounts: a few hundred bytes, even with many grants.
char g_rules[1 << 20];

[[noreturn]] void run(int argc, char** argv, char** envp) {
  if (argc < 6 || !same(argv[4], "--") || argv[5][0] != '/') {
    die(k_cannot_run, "usage: jailed-landlock RULESET READY RULES -- /PROGRAM [ARGS...]", nullptr);
  }
  int ruleset = descriptor(argv[1]);
  int ready = descriptor(argv[2]);
  int rules_fd = descriptor(argv[3]);
  if (ruleset < 0 || rules_fd < 0) die(k_cannot_run, "no ruleset or no rules descriptor", nullptr);
  size_t size = read_all(rules_fd, g_rules, sizeof g_rules, "cannot read the rules");
  if (size == sizeof g_rules) die(k_cannot_run, "the rules are too long", nullptr);
  if (ready >= 0) wait_ready(ready);

  long abi = ll::abi_version();
  if (abi < 1) die_errno("Landlock is not available in this kernel", -abi);
  if (size > 0 && g_rules[size - 1] != '\0') die(k_cannot_run, "the rules do not end in a NUL byte", nullptr);
  for (size_t at = 0; at < size;) {
    const char* rule_class = g_rules + at;
    at += length(rule_class) + 1;
    if (length(rule_class) != 1 || at >= size) die(k_cannot_run, "malformed rule", rule_class);
    const char* path = g_rules + at;
    at += length(path) + 1;
    add_rule(ruleset, rule_class[0], path, static_cast<int>(abi));
  }
  // Rules mean the ruleset confines the file system (jailed handles no rights otherwise).
  if (size > 0) add_standard_fds(ruleset, static_cast<int>(abi));

  // Required for an unprivileged restrict_self; bwrap sets it already, so this only makes
  // the helper safe to run on its own.
  if (long failed = raw_syscall(SYS_prctl, PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); failed != 0) {
    die_errno("cannot set no_new_privs", -failed);
  }
  if (long failed = raw_syscall(ll::k_sys_restrict_self, ruleset, 0); failed != 0) {
    die_errno("cannot apply the Landlock ruleset", -failed);
  }
  // The agent gets the standard descriptors only: not the ruleset, nor this helper's binary,
  // which bwrap ran from a descriptor.
  if (long failed = raw_syscall(SYS_close_range, 3, ~0U, CLOSE_RANGE_CLOEXEC); failed != 0) {
    die_errno("cannot mark descriptors close-on-exec", -failed);
  }
  // argv and the environment pass through untouched.
  long failed = raw_syscall(SYS_execve, reinterpret_cast<long>(argv[5]), reinterpret_cast<long>(argv + 5),
                            reinterpret_cast<long>(envp));
  char buffer[24];
  die(failed == -ENOENT ? k_not_found : k_cannot_run, argv[5], error_name(-failed, buffer));
}

}  // namespace

// The kernel starts a process with argc, then argv's and the environment's pointers, on the stack.
extern "C" [[noreturn]] void helper_start(long* stack) {
  int argc = static_cast<int>(stack[0]);
  char** argv = reinterpret_cast<char**>(stack + 1);
  run(argc, argv, argv + argc + 1);
}

#if defined(__x86_64__)
__asm__(".globl _start\n_start:\n  mov %rsp, %rdi\n  and $-16, %rsp\n  call helper_start\n");
#elif defined(__aarch64__)
__asm__(".globl _start\n_start:\n  mov x0, sp\n  bl helper_start\n");
#endif
