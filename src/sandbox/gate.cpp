// The gated launch's descriptors, and the planner's hand-over to bwrap and to the helper.
#include "sandbox/gate.hpp"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <map>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string_view>

#include "sandbox/bwrap_args.hpp"
#include "sandbox/closure_rules.hpp"
#include "sandbox/landlock.hpp"
#include "sandbox/launcher.hpp"
#include "sandbox/mount_check.hpp"
#include "sandbox/seccomp.hpp"
#include "util/files.hpp"
#include "util/paths.hpp"
#include "util/process.hpp"
#include "util/strings.hpp"

namespace jailed::sandbox {
namespace {

std::string errno_text() { return std::strerror(errno); }

// Lets bwrap inherit `fd`.
Status pass_on(int fd, const std::string& what) {
  if (::fcntl(fd, F_SETFD, 0) != 0) return fail("cannot pass " + what + " to bwrap: " + errno_text());
  return success();
}

// Makes a pipe whose read end bwrap inherits and whose write end only the planner keeps.
Status open_pipe(int& read_end, int& write_end, const std::string& what) {
  int ends[2];
  if (::pipe2(ends, O_CLOEXEC) != 0) return fail("cannot make a pipe for " + what + ": " + errno_text());
  read_end = ends[0];
  write_end = ends[1];
  return pass_on(read_end, what);
}

// Writes `content` into the planner's end `fd`, then closes it: its reader sees the end.
Status write_and_close(int& fd, std::string_view content, const std::string& what) {
  auto written = util::write_all(fd, content, what);
  ::close(fd);
  fd = -1;
  return written;
}

void add_field(std::string& message, std::string_view field) {
  message += field;
  message += '\0';
}

// Opens the descriptors of a gated launch. Call after close_inherited_on_exec(): exactly the
// gate's descriptors reach bwrap.
Result<Gate> open_gate(const std::string& helper) {
  Gate gate;
  auto seccomp = seccomp_program_fd();
  if (!seccomp) return seccomp.failure();
  gate.seccomp = *seccomp;
  if (auto passed = pass_on(gate.seccomp, "the seccomp program"); !passed) return passed.failure();
  if (auto made = open_pipe(gate.options, gate.options_in, "bwrap's options"); !made) return made.failure();
  gate.data.resize(k_gate_data_files, -1);
  gate.data_in.resize(k_gate_data_files, -1);
  for (size_t i = 0; i < k_gate_data_files; ++i) {
    if (auto made = open_pipe(gate.data[i], gate.data_in[i], "a data file"); !made) return made.failure();
  }
  gate.helper = ::open(helper.c_str(), O_PATH | O_CLOEXEC);
  if (gate.helper < 0) return fail("cannot open the Landlock helper " + helper + ": " + errno_text());
  if (auto passed = pass_on(gate.helper, "the Landlock helper"); !passed) return passed.failure();
  int ends[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ends) != 0) {
    return fail("cannot make a socket for the Landlock helper: " + errno_text());
  }
  gate.helper_end = ends[0];
  gate.planner_end = ends[1];
  if (auto passed = pass_on(gate.helper_end, "the Landlock helper's socket"); !passed) return passed.failure();
  return gate;
}

// Closes the descriptors only bwrap needs: the planner's first step, so that none of them
// reaches a process it starts (Nix).
void keep_planner_ends(Gate& gate) {
  std::vector<int> bwrap_side = gate.data;
  bwrap_side.insert(bwrap_side.end(), {gate.options, gate.seccomp, gate.helper, gate.helper_end});
  for (int fd : bwrap_side) {
    if (fd >= 0) ::close(fd);
  }
}

// Starts the planner on another CPU than jailed's. Left to the scheduler, a child forked by a
// process a shell has just started often queues behind it, and then behind bwrap, and starts
// only once bwrap waits for its options: a millisecond lost. jailed moves its child away as
// soon as it exists; the child waits for that, then lets itself run anywhere again, so that
// nothing it starts (Nix) inherits the restriction.
class CpuSpread {
 public:
  CpuSpread() {
    CPU_ZERO(&m_allowed);
    m_here = ::sched_getcpu();
    m_on = m_here >= 0 && ::sched_getaffinity(0, sizeof m_allowed, &m_allowed) == 0 && CPU_COUNT(&m_allowed) > 1 &&
           ::pipe2(m_moved, O_CLOEXEC) == 0;
  }
  CpuSpread(const CpuSpread&) = delete;
  CpuSpread& operator=(const CpuSpread&) = delete;

  // jailed's part, right after fork.
  void move(pid_t child) {
    if (!m_on) return;
    cpu_set_t elsewhere = m_allowed;
    CPU_CLR(m_here, &elsewhere);
    (void)::sched_setaffinity(child, sizeof elsewhere, &elsewhere);
    (void)!::write(m_moved[1], "m", 1);
    ::close(m_moved[0]);
    ::close(m_moved[1]);
  }
  // The child's part, first thing.
  void settle() {
    if (!m_on) return;
    ::close(m_moved[1]);
    char byte;
    while (::read(m_moved[0], &byte, 1) < 0 && errno == EINTR) {
    }
    ::close(m_moved[0]);
    (void)::sched_setaffinity(0, sizeof m_allowed, &m_allowed);
  }

 private:
  cpu_set_t m_allowed;
  int m_here = -1;
  bool m_on = false;
  int m_moved[2] = {-1, -1};
};

// Executes bwrap through the gate (jailed's part); returns only on failure.
Status exec_gated(const std::string& bwrap, const Gate& gate) {
  // An empty environment, as launch() gives bwrap.
  return util::exec_program(gated_argv(bwrap, gate.options, gate.helper, gate.helper_end), {});
}

}  // namespace

std::vector<size_t> redirectable_mounts(const Policy& policy) {
  // A read-write grant of / leaves nothing to pin (and would pin system files that are symlinks).
  std::vector<std::string> writable;
  for (const auto& mount : policy.mounts) {
    if (mount.kind == MountKind::bind && mount.source != "/") writable.push_back(mount.source);
  }
  std::vector<size_t> out;
  for (size_t i = 0; i < policy.mounts.size(); ++i) {
    const Mount& mount = policy.mounts[i];
    if (mount.kind != MountKind::bind && mount.kind != MountKind::ro_bind) continue;
    if (std::any_of(writable.begin(), writable.end(), [&](const std::string& root) { return util::is_within(mount.source, root); })) {
      out.push_back(i);
    }
  }
  return out;
}

Result<std::vector<MountCheck>> mount_checks(const Policy& policy) {
  std::vector<MountCheck> checks;
  auto redirectable = redirectable_mounts(policy);
  for (size_t i = 0; i < policy.mounts.size(); ++i) {
    const Mount& mount = policy.mounts[i];
    if (mount.kind == MountKind::empty_ro) {
      checks.push_back({k_check_empty, mount.target});
      continue;
    }
    if (std::find(redirectable.begin(), redirectable.end(), i) == redirectable.end()) continue;
    int fd = open_no_symlinks(mount.source.c_str());
    struct stat st {};
    int failed = fd < 0 ? fd : stat_fd(fd, st);
    if (fd >= 0) ::close(fd);
    if (failed != 0) {
      return fail("refusing to start: " + util::printable(mount.source) +
                      (failed == -ELOOP ? " became a symlink while the jail was being made (inspect it)"
                                        : std::string(" cannot be checked: ") + std::strerror(-failed)),
                  ExitCode::not_allowed);
    }
    char kind = mount.kind == MountKind::bind ? k_check_writable : k_check_read_only;
    checks.push_back({kind, mount.target, static_cast<uint64_t>(st.st_dev), static_cast<uint64_t>(st.st_ino)});
  }
  // The jail shows the last mount at a target: only its check can hold.
  std::vector<MountCheck> last;
  for (auto it = checks.rbegin(); it != checks.rend(); ++it) {
    if (std::none_of(last.begin(), last.end(), [&](const MountCheck& c) { return c.target == it->target; })) last.push_back(*it);
  }
  return std::vector<MountCheck>(last.rbegin(), last.rend());
}

namespace {

// Escapes `path` as the kernel writes mount points in mountinfo.
std::string mountinfo_escape(const std::string& path) {
  std::string out;
  for (char c : path) {
    if (c == ' ') out += "\\040";
    else if (c == '\t') out += "\\011";
    else if (c == '\n') out += "\\012";
    else if (c == '\\') out += "\\134";
    else out += c;
  }
  return out;
}

bool beneath_own(const std::string& point) { return util::starts_with(point, "/proc/") || util::starts_with(point, "/dev/"); }

}  // namespace

std::vector<std::pair<std::string, int>> mount_table(const Policy& policy, const std::string& host_mountinfo) {
  std::vector<std::string> host_points;
  for (const auto& line : util::split(host_mountinfo, '\n')) {
    auto fields = util::split(line, ' ');
    if (fields.size() > 4) host_points.push_back(fields[4]);
  }
  std::map<std::string, int> counts{{"/", 1}};  // bwrap's new root
  for (const auto& mount : policy.mounts) {
    switch (mount.kind) {
      case MountKind::symlink:
      case MountKind::ro_data:
      case MountKind::copy:
      case MountKind::dir:
      case MountKind::remount_ro:
        continue;
      default:
        break;
    }
    std::string target = mountinfo_escape(mount.target);
    if (beneath_own(target)) continue;
    ++counts[target];
    if (mount.kind != MountKind::bind && mount.kind != MountKind::ro_bind) continue;
    std::string source = mountinfo_escape(mount.source);
    for (const auto& point : host_points) {
      if (point != source && util::is_within(point, source)) {
        std::string beneath = source == "/" ? target + point : target + point.substr(source.size());
        if (!beneath_own(beneath)) ++counts[util::normalize(beneath)];
      }
    }
  }
  return {counts.begin(), counts.end()};
}

std::string run_message(const std::string& rules, const std::vector<std::string>& command, const RunExtras& extras) {
  std::string message;
  add_field(message, "jailed-gate-1");
  add_field(message, "run");
  add_field(message, std::to_string(extras.processes));
  add_field(message, std::to_string(extras.memory_bytes));
  add_field(message, std::to_string(extras.checks.size()));
  for (const auto& check : extras.checks) {
    add_field(message, std::string(1, check.kind));
    add_field(message, check.target);
    add_field(message, std::to_string(check.dev));
    add_field(message, std::to_string(check.ino));
  }
  add_field(message, std::to_string(extras.mount_points.size()));
  for (const auto& [point, count] : extras.mount_points) {
    add_field(message, point);
    add_field(message, std::to_string(count));
  }
  add_field(message, std::to_string(std::count(rules.begin(), rules.end(), '\0') / 2));
  message += rules;
  add_field(message, std::to_string(command.size()));
  for (const auto& word : command) add_field(message, word);
  return message;
}

Status send_hand_over(int& socket, const std::string& message, int ruleset) {
  iovec chunk{const_cast<char*>(message.data()), message.size()};
  msghdr header{};
  header.msg_iov = &chunk;
  header.msg_iovlen = 1;
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
  if (ruleset >= 0) {
    header.msg_control = control;
    header.msg_controllen = sizeof control;
    cmsghdr* rights = CMSG_FIRSTHDR(&header);
    rights->cmsg_level = SOL_SOCKET;
    rights->cmsg_type = SCM_RIGHTS;
    rights->cmsg_len = CMSG_LEN(sizeof(int));
    std::memcpy(CMSG_DATA(rights), &ruleset, sizeof ruleset);
  }
  // MSG_NOSIGNAL: a helper that is gone (bwrap failed) is an error, not a SIGPIPE.
  ssize_t sent = ::sendmsg(socket, &header, MSG_NOSIGNAL);
  size_t done = sent > 0 ? static_cast<size_t>(sent) : 0;
  while (sent >= 0 && done < message.size()) {  // a long argv: the rest as a stream
    sent = ::send(socket, message.data() + done, message.size() - done, MSG_NOSIGNAL);
    if (sent > 0) done += static_cast<size_t>(sent);
  }
  std::string why = sent < 0 ? errno_text() : "";
  // The helper reads to the end of the stream.
  ::close(socket);
  socket = -1;
  if (!why.empty()) return fail("cannot hand the launch over to the Landlock helper: " + why);
  return success();
}

Status launch_gated(const std::string& bwrap, const std::string& helper, const std::function<int(Gate&)>& planner) {
  if (auto marked = close_inherited_on_exec(); !marked) return marked;
  // The helper turns them off too; here they are off for bwrap and the planner as well.
  if (auto off = turn_core_dumps_off(); !off) return off;
  auto gate = open_gate(helper);
  if (!gate) return gate.failure();
  CpuSpread spread;
  pid_t child = ::fork();
  if (child < 0) return fail("cannot start the launch: " + errno_text());
  if (child == 0) {
    spread.settle();
    keep_planner_ends(*gate);
    int status = planner(*gate);
    std::fflush(nullptr);
    ::_exit(status);
  }
  spread.move(child);
  auto failed = exec_gated(bwrap, *gate);
  // bwrap did not start: the planner has no one to hand over to.
  ::kill(child, SIGKILL);
  return failed;
}

Status hand_over(Gate& gate, const Policy& policy, const std::function<void()>& before_run) {
  auto files = data_files(policy);
  if (!files) return files.failure();
  if (files->size() > gate.data.size()) return fail("refusing to start: the jail needs more data files than jailed passes");
  FdPlan plan;
  plan.seccomp = gate.seccomp;
  plan.files.assign(gate.data.begin(), gate.data.begin() + static_cast<long>(files->size()));
  auto options = encode_options(policy, plan);
  if (!options) return options.failure();
  for (const auto& word : policy.command) {
    if (word.find('\0') != std::string::npos) return fail("refusing to start: an argument holds a NUL byte");
  }

  // bwrap starts building the jail now; it reads the data files when it gets to them.
  if (auto sent = write_and_close(gate.options_in, *options, "bwrap's options"); !sent) return sent;
  gate.options_sent = true;
  for (size_t i = 0; i < gate.data_in.size(); ++i) {
    std::string_view content = i < files->size() ? std::string_view((*files)[i]) : std::string_view();
    if (auto sent = write_and_close(gate.data_in[i], content, "a data file"); !sent) return sent;
  }

  // Meanwhile: what the helper checks, and the ruleset, with a rule per closure path.
  RunExtras extras{policy.limits.processes, policy.limits.memory_bytes, {}, {}};
  auto checks = mount_checks(policy);
  if (!checks) return checks.failure();
  extras.checks = std::move(*checks);
  auto host_mounts = util::read_file("/proc/self/mountinfo", 16 * 1024 * 1024);
  if (!host_mounts) return fail("refusing to start: cannot read the host's mount table: " + host_mounts.error());
  extras.mount_points = mount_table(policy, *host_mounts);
  int ruleset = -1;
  if (!policy.landlock_helper.empty()) {
    auto made = create_helper_ruleset(policy);
    if (!made) return made.failure();
    ruleset = *made;
    if (auto added = add_closure_rules(ruleset, policy); !added) {
      ::close(ruleset);
      return added;
    }
  }
  if (before_run) before_run();
  auto sent = send_hand_over(gate.planner_end, run_message(landlock_rules(policy), policy.command, extras), ruleset);
  if (ruleset >= 0) ::close(ruleset);
  return sent;
}

void hand_over_failure(Gate& gate, int status) {
  // bwrap needs options to start the helper at all: the fewest that do, in a jail of its own.
  if (!gate.options_sent && gate.options_in >= 0) {
    static constexpr char k_minimal[] = "--unshare-all\0--die-with-parent\0--cap-drop\0ALL\0--proc\0/proc\0";
    (void)write_and_close(gate.options_in, std::string_view(k_minimal, sizeof k_minimal - 1), "bwrap's options");
    gate.options_sent = true;
  }
  for (int& fd : gate.data_in) {
    if (fd >= 0) ::close(fd);
    fd = -1;
  }
  if (gate.planner_end < 0) return;
  std::string message;
  add_field(message, "jailed-gate-1");
  add_field(message, "exit");
  add_field(message, std::to_string(std::clamp(status, 1, 255)));
  (void)send_hand_over(gate.planner_end, message, -1);
}

int hand_over_policy(Gate& gate, const Policy& policy, const std::function<void(const std::string&)>& report,
                     const std::function<void()>& before_run) {
  auto handed = hand_over(gate, policy, before_run);
  if (handed) return 0;
  report(handed.error());
  int status = static_cast<int>(ExitCode::no_sandbox);
  hand_over_failure(gate, status);
  return status;
}

}  // namespace jailed::sandbox
