// jailed-landlock: bwrap's command in every gated launch (gate.hpp). Waits for jailed's hand-over,
// applies the Landlock ruleset it brings, then becomes the agent.
// Usage: jailed-landlock GATE
//
// GATE is a Unix stream socket. jailed sends NUL-terminated fields, then closes its end:
//   jailed-gate-1  run  PROCESSES  MEMORY  K  (KIND TARGET DEV INO) x K  T  (POINT COUNT) x T
//                  N  (CLASS PATH) x N  M  PROGRAM ARGS... (M words)   run the agent
//   jailed-gate-1  exit STATUS                      jailed failed (and said why)
// With "run" comes at most one descriptor (SCM_RIGHTS): the ruleset, to which jailed has added
// a rule per closure path already. The N rules are those of the jail's own mounts, which exist
// only in here: a class letter and a path ("w" "/tmp"). No ruleset: nothing to confine (no
// Landlock here, or none needed). PROCESSES and MEMORY are the limits RLIMIT_NPROC and
// RLIMIT_DATA of the agent's processes (0: left as they are). The K checks are of mounts whose
// source agents could have swapped for a symlink (mount_check.hpp): the helper runs nothing
// unless the jail shows at each TARGET, reached without a symlink, the file jailed resolved
// (DEV, INO), read-only where it should be, and its mount table holds COUNT mounts at each
// POINT (escaped as in mountinfo) and no others outside /proc and /dev (T = 0: not checked, as
// for jailed doctor's trial run). PROGRAM is absolute. Anything else, or nothing at all (jailed
// died first), and the agent never runs.
//
// Freestanding, without libc: bwrap runs it from a descriptor in a jail that has no /lib, on
// every launch, and a static libc's start-up alone (probing the CPU's features and caches)
// costs ~0.3 ms in a virtual machine, as much as all the rest of the helper's work.
#include <fcntl.h>
#include <linux/close_range.h>
#include <sys/prctl.h>
#include <linux/magic.h>
#include <sys/resource.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include <cerrno>
#include <cstddef>
#include <cstdint>

#include "sandbox/landlock_calls.hpp"
#include "sandbox/mount_check.hpp"
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

// Parses a decimal number up to `limit`; -1 for anything else.
long number(const char* text, long limit) {
  long value = 0;
  if (!*text) return -1;
  for (const char* at = text; *at; ++at) {
    if (*at < '0' || *at > '9') return -1;
    value = value * 10 + (*at - '0');
    if (value > limit) return -1;
  }
  return value;
}

// Returns the descriptor named by `arg`.
int descriptor(const char* arg) {
  long fd = number(arg, 65535);
  if (fd < 0) die(k_cannot_run, "bad descriptor", arg);
  return static_cast<int>(fd);
}

// The hand-over: up to 4 MiB (the agent's arguments may be long), and its argv.
char g_hand_over[1 << 22];
char* g_argv[1 << 16];

// Reads the whole hand-over from `gate` (to its end: jailed closes its side) and the ruleset
// sent with it (-1 if none); returns its size.
size_t receive(int gate, int& ruleset) {
  alignas(cmsghdr) char control[CMSG_SPACE(4 * sizeof(int))] = {};
  iovec chunk{g_hand_over, sizeof g_hand_over};
  msghdr message{};
  message.msg_iov = &chunk;
  message.msg_iovlen = 1;
  message.msg_control = control;
  message.msg_controllen = sizeof control;
  long n;
  do {
    n = raw_syscall(SYS_recvmsg, gate, reinterpret_cast<long>(&message), MSG_CMSG_CLOEXEC);
  } while (n == -EINTR);
  if (n < 0) die_errno("cannot receive jailed's hand-over", -n);
  ruleset = -1;
  if (cmsghdr* header = CMSG_FIRSTHDR(&message)) {
    size_t count = (header->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    if (header->cmsg_level != SOL_SOCKET || header->cmsg_type != SCM_RIGHTS || count != 1 ||
        (message.msg_flags & MSG_CTRUNC)) {
      die(k_cannot_run, "unexpected descriptors in jailed's hand-over", nullptr);
    }
    memcpy(&ruleset, CMSG_DATA(header), sizeof ruleset);
  }
  size_t size = static_cast<size_t>(n);
  while (n > 0 && size < sizeof g_hand_over) {
    n = raw_syscall(SYS_read, gate, reinterpret_cast<long>(g_hand_over + size), static_cast<long>(sizeof g_hand_over - size));
    if (n == -EINTR) continue;
    if (n < 0) die_errno("cannot receive jailed's hand-over", -n);
    size += static_cast<size_t>(n);
  }
  if (size == sizeof g_hand_over) die(k_cannot_run, "jailed's hand-over is too long", nullptr);
  raw_syscall(SYS_close, gate);
  return size;
}

// Walks the NUL-terminated fields of the hand-over.
class Fields {
 public:
  explicit Fields(size_t size) : m_size(size) {}
  // Returns the next field, or nullptr at the end.
  const char* next() {
    if (m_at >= m_size) return nullptr;
    const char* field = g_hand_over + m_at;
    m_at += length(field) + 1;
    return field;
  }
  // Returns the next field; one missing means the hand-over was cut short.
  const char* need() {
    const char* field = next();
    if (!field) die(k_cannot_run, "jailed's hand-over is incomplete", nullptr);
    return field;
  }

 private:
  size_t m_size;
  size_t m_at = 0;
};

// Adds one rule of the jail's mounts.
void add_rule(int ruleset, const char* rule_class, const char* path, int abi) {
  uint64_t access = length(rule_class) == 1 ? ll::class_access(rule_class[0], abi) : 0;
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

// Completes and applies the ruleset: the rules of the jail's mounts (`count` pairs of fields),
// the standard descriptors when the file system is confined, then restrict_self.
void confine(int ruleset, Fields& fields, long count) {
  long abi = ll::abi_version();
  if (abi < 1) die_errno("Landlock is not available in this kernel", -abi);
  for (long i = 0; i < count; ++i) {
    const char* rule_class = fields.need();
    add_rule(ruleset, rule_class, fields.need(), static_cast<int>(abi));
  }
  // Rules mean the ruleset confines the file system (jailed handles no rights otherwise).
  if (count > 0) add_standard_fds(ruleset, static_cast<int>(abi));
  // Required for an unprivileged restrict_self; bwrap sets it already, so this only makes
  // the helper safe to run on its own.
  if (long failed = raw_syscall(SYS_prctl, PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); failed != 0) {
    die_errno("cannot set no_new_privs", -failed);
  }
  if (long failed = raw_syscall(ll::k_sys_restrict_self, ruleset, 0); failed != 0) {
    die_errno("cannot apply the Landlock ruleset", -failed);
  }
}

// Sets both the soft and the hard limit: the agent, without capabilities, cannot raise them.
void limit(int resource, uint64_t value, const char* what) {
  struct {
    uint64_t soft, hard;
  } bound{value, value};
  if (long failed = raw_syscall(SYS_prlimit64, 0, resource, reinterpret_cast<long>(&bound), 0); failed != 0) {
    die_errno(what, -failed);
  }
}

// Sets the limits of the hand-over. RLIMIT_NPROC is set here, in the jail's user namespace,
// rather than by jailed: there it counts the jail's processes only, while a limit set before
// bwrap made the namespace would also count every other process of the user on the host. No
// core dumps: they would land in the project (the working directory) holding the agent's memory.
void set_limits(Fields& fields) {
  const char* processes = fields.need();
  const char* memory = fields.need();
  long process_count = number(processes, 1L << 31);
  long memory_bytes = number(memory, 1L << 58);
  if (process_count < 0) die(k_cannot_run, "bad process limit from jailed", processes);
  if (memory_bytes < 0) die(k_cannot_run, "bad memory limit from jailed", memory);
  limit(RLIMIT_CORE, 0, "cannot turn core dumps off");
  if (process_count > 0) limit(RLIMIT_NPROC, static_cast<uint64_t>(process_count), "cannot limit the processes");
  if (memory_bytes > 0) limit(RLIMIT_DATA, static_cast<uint64_t>(memory_bytes), "cannot limit the memory");
}

// Parses a decimal number of up to 19 digits; false for anything else.
bool unsigned_number(const char* text, uint64_t& value) {
  value = 0;
  size_t digits = 0;
  for (const char* at = text; *at; ++at, ++digits) {
    if (*at < '0' || *at > '9' || digits == 19) return false;
    value = value * 10 + static_cast<uint64_t>(*at - '0');
  }
  return digits > 0;
}

// Runs the hand-over's mount checks: bwrap resolved each source and target by path, after
// jailed had checked them, so an agent in another jail of the same project could have swapped
// one for a symlink in between. A mismatch runs nothing.
void check_mounts(Fields& fields) {
  const char* text = fields.need();
  long count = number(text, 1 << 16);
  if (count < 0) die(k_cannot_run, "bad check count from jailed", text);
  for (long i = 0; i < count; ++i) {
    const char* kind = fields.need();
    const char* target = fields.need();
    const char* dev_text = fields.need();
    const char* ino_text = fields.need();
    uint64_t dev = 0, ino = 0;
    if (length(kind) != 1 || !unsigned_number(dev_text, dev) || !unsigned_number(ino_text, ino)) {
      die(k_cannot_run, "bad mount check from jailed for", target);
    }
    int fd = jailed::sandbox::open_no_symlinks(target);
    if (fd < 0) die(k_cannot_run, "the jail does not show what jailed checked (a symlink on the way?) at", target);
    struct stat st {};
    struct statfs fs {};
    bool ok = jailed::sandbox::stat_fd(fd, st) == 0 && raw_syscall(SYS_fstatfs, fd, reinterpret_cast<long>(&fs)) == 0;
    raw_syscall(SYS_close, fd);
    bool read_only = ok && (fs.f_flags & ST_RDONLY) != 0;
    switch (kind[0]) {
      case jailed::sandbox::k_check_writable:
        ok = ok && st.st_dev == dev && st.st_ino == ino;
        break;
      case jailed::sandbox::k_check_read_only:
        ok = ok && st.st_dev == dev && st.st_ino == ino && read_only;
        break;
      case jailed::sandbox::k_check_empty:
        ok = ok && fs.f_type == TMPFS_MAGIC && read_only && S_ISDIR(st.st_mode);
        break;
      default:
        ok = false;
    }
    if (!ok) die(k_cannot_run, "the jail does not show what jailed checked (was it replaced meanwhile?) at", target);
  }
}

// The jail's mount table, read once.
char g_mountinfo[1 << 20];

// Returns whether `a` (up to a space) equals the NUL-terminated `b`.
bool same_field(const char* a, const char* b) {
  while (*b && *a == *b) ++a, ++b;
  return *b == '\0' && (*a == ' ' || *a == '\n' || *a == '\0');
}

// Checks the jail's mount table against the hand-over's list of mount points and how many
// mounts each holds: bwrap resolves a mount's destination by path, so a symlink swapped in at
// that moment (by an agent in another jail of the project) would put a mount elsewhere, such as
// the host's home over the jail's empty one. Mounts beneath /proc and /dev are bwrap's own.
void check_mount_table(Fields& fields) {
  const char* text = fields.need();
  long count = number(text, 1 << 16);
  if (count < 0) die(k_cannot_run, "bad mount point count from jailed", text);
  const char* points[1 << 12];
  long left[1 << 12];
  if (count > (1 << 12)) die(k_cannot_run, "too many mount points from jailed", text);
  for (long i = 0; i < count; ++i) {
    points[i] = fields.need();
    const char* times = fields.need();
    left[i] = number(times, 1 << 16);
    if (left[i] < 0) die(k_cannot_run, "bad mount count from jailed", times);
  }
  // A launch always lists the jail's root; none means the caller checks nothing (jailed doctor).
  if (count == 0) return;
  long fd = raw_syscall(SYS_openat, AT_FDCWD, reinterpret_cast<long>("/proc/self/mountinfo"), O_RDONLY | O_CLOEXEC);
  if (fd < 0) die_errno("cannot read the jail's mount table", -fd);
  size_t size = 0;
  for (long n; (n = raw_syscall(SYS_read, fd, reinterpret_cast<long>(g_mountinfo + size),
                                static_cast<long>(sizeof g_mountinfo - 1 - size))) != 0;) {
    if (n == -EINTR) continue;
    if (n < 0) die_errno("cannot read the jail's mount table", -n);
    size += static_cast<size_t>(n);
    if (size == sizeof g_mountinfo - 1) die(k_cannot_run, "the jail's mount table is too long", nullptr);
  }
  raw_syscall(SYS_close, fd);
  g_mountinfo[size] = '\0';
  for (char* line = g_mountinfo; *line;) {
    // The mount point is the fifth field (escaped as jailed escapes the list).
    char* point = line;
    for (int field = 0; field < 4 && *point && *point != '\n'; ++point) {
      if (*point == ' ') ++field;
    }
    char* end = point;
    while (*end && *end != '\n') ++end;
    bool own = same_field(point, "/proc") || same_field(point, "/dev");
    bool beneath_own = (point[0] == '/' && point[1] == 'p' && point[2] == 'r' && point[3] == 'o' && point[4] == 'c' && point[5] == '/') ||
                       (point[0] == '/' && point[1] == 'd' && point[2] == 'e' && point[3] == 'v' && point[4] == '/');
    if (!beneath_own || own) {
      long i = 0;
      while (i < count && !(same_field(point, points[i]) && left[i] > 0)) ++i;
      if (i == count) {
        char* space = point;
        while (*space && *space != ' ') ++space;
        *space = '\0';
        die(k_cannot_run, "the jail has a mount jailed did not ask for (was a path replaced meanwhile?) at", point);
      }
      --left[i];
    }
    line = *end ? end + 1 : end;
  }
}

[[noreturn]] void run(int argc, char** argv, char** envp) {
  if (argc != 2) die(k_cannot_run, "usage: jailed-landlock GATE", nullptr);
  int ruleset = -1;
  size_t size = receive(descriptor(argv[1]), ruleset);
  if (size == 0) die(k_cannot_run, "jailed stopped before handing the launch over", nullptr);
  if (g_hand_over[size - 1] != '\0') die(k_cannot_run, "jailed's hand-over is incomplete", nullptr);
  Fields fields(size);
  if (!same(fields.need(), "jailed-gate-1")) die(k_cannot_run, "not a hand-over from jailed", nullptr);
  const char* verb = fields.need();
  if (same(verb, "exit")) {
    // jailed failed and has said why: its status is the launch's.
    const char* text = fields.need();
    long status = number(text, 255);
    if (status < 1) die(k_cannot_run, "bad exit status from jailed", text);
    raw_syscall(SYS_exit_group, status);
  }
  if (!same(verb, "run")) die(k_cannot_run, "not a hand-over from jailed", verb);
  set_limits(fields);
  check_mounts(fields);
  check_mount_table(fields);
  const char* text = fields.need();
  long count = number(text, 1 << 20);
  if (count < 0) die(k_cannot_run, "bad rule count from jailed", text);
  if (ruleset >= 0) {
    confine(ruleset, fields, count);
  } else if (count > 0) {
    die(k_cannot_run, "jailed's hand-over has rules but no ruleset", nullptr);
  }
  // The count makes a hand-over cut short at a field's end incomplete, not a shorter command.
  text = fields.need();
  long words = number(text, sizeof g_argv / sizeof g_argv[0] - 1);
  if (words < 1) die(k_cannot_run, "bad argument count from jailed", text);
  for (long i = 0; i < words; ++i) g_argv[i] = const_cast<char*>(fields.need());
  g_argv[words] = nullptr;
  if (fields.next()) die(k_cannot_run, "jailed's hand-over is longer than it says", nullptr);
  if (g_argv[0][0] != '/') die(k_cannot_run, "no absolute program in jailed's hand-over", g_argv[0]);
  // The agent gets the standard descriptors only: not the ruleset, nor this helper's binary,
  // which bwrap ran from a descriptor.
  if (long failed = raw_syscall(SYS_close_range, 3, ~0U, CLOSE_RANGE_CLOEXEC); failed != 0) {
    die_errno("cannot mark descriptors close-on-exec", -failed);
  }
  // The environment passes through untouched: bwrap made it.
  long failed = raw_syscall(SYS_execve, reinterpret_cast<long>(g_argv[0]), reinterpret_cast<long>(g_argv),
                            reinterpret_cast<long>(envp));
  char buffer[24];
  die(failed == -ENOENT ? k_not_found : k_cannot_run, g_argv[0], error_name(-failed, buffer));
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
