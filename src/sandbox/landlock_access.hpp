// Landlock access rights and the rule classes of jailed's rules text, shared by jailed and its
// in-jail helper (so this header needs nothing but <cstdint>).
#pragma once

#include <cstdint>

namespace jailed::sandbox::landlock {

// The kernel's ABI numbers, defined here because Debian 12's <linux/landlock.h> stops at ABI 2
// and the kernel we run on may be newer than the headers we build with.
constexpr long k_sys_create_ruleset = 444;
constexpr long k_sys_add_rule = 445;
constexpr long k_sys_restrict_self = 446;
constexpr unsigned k_create_ruleset_version = 1U << 0;
constexpr int k_rule_path_beneath = 1;

constexpr uint64_t k_execute = 1ULL << 0;
constexpr uint64_t k_write_file = 1ULL << 1;
constexpr uint64_t k_read_file = 1ULL << 2;
constexpr uint64_t k_read_dir = 1ULL << 3;
constexpr uint64_t k_remove_dir = 1ULL << 4;
constexpr uint64_t k_remove_file = 1ULL << 5;
constexpr uint64_t k_make_char = 1ULL << 6;
constexpr uint64_t k_make_dir = 1ULL << 7;
constexpr uint64_t k_make_reg = 1ULL << 8;
constexpr uint64_t k_make_sock = 1ULL << 9;
constexpr uint64_t k_make_fifo = 1ULL << 10;
constexpr uint64_t k_make_block = 1ULL << 11;
constexpr uint64_t k_make_sym = 1ULL << 12;
constexpr uint64_t k_refer = 1ULL << 13;     // ABI 2
constexpr uint64_t k_truncate = 1ULL << 14;  // ABI 3

constexpr uint64_t k_net_bind_tcp = 1ULL << 0;  // ABI 4: handled_access_net
constexpr int k_rule_net_port = 2;

constexpr uint64_t k_scope_abstract_unix_socket = 1ULL << 0;  // ABI 6
constexpr uint64_t k_scope_signal = 1ULL << 1;                // ABI 6

// The only rights a rule on a non-directory may carry (the kernel rejects others with EINVAL).
constexpr uint64_t k_file_access = k_execute | k_write_file | k_read_file | k_truncate;

// Returns the rights jailed handles (denies unless a rule grants them) under kernel ABI `abi`.
// Only file-system rights up to ABI 3: IOCTL_DEV (ABI 5) would also police the terminal ioctls
// TUIs need, which the seccomp filter already narrows (TIOCSTI, TIOCLINUX), and the network
// rights (ABI 4) are handled apart (handled_net). Store confinement needs neither.
constexpr uint64_t handled_access(int abi) {
  if (abi < 1) return 0;
  uint64_t rights = (k_make_sym << 1) - 1;  // ABI 1: EXECUTE .. MAKE_SYM
  // Without REFER (ABI 1) the kernel refuses every cross-directory rename or link (EXDEV);
  // handling it from ABI 2 on lets the writable rules below grant it back.
  if (abi >= 2) rights |= k_refer;
  // Before ABI 3 truncate() and O_TRUNC are not checked at all.
  if (abi >= 3) rights |= k_truncate;
  return rights;
}

// Returns the rights jailed handles outside the Landlock store view: reading and writing files
// only. A standard descriptor opened on a host file (`>> log`, `< data`) lies outside every
// mount, so the agent cannot reopen it through /proc/self/fd with more access than it has
// (reading back a write-only log), while executing and listing stay as the mounts make them.
constexpr uint64_t handled_file_io(int abi) {
  return handled_access(abi) & (k_read_file | k_write_file | k_truncate);
}

// Returns the scopes jailed asks for under kernel ABI `abi` (none before ABI 6). Abstract Unix
// sockets belong to the network namespace, so with network = on the agent could reach the host's
// (X11's @/tmp/.X11-unix/X0 takes keystrokes); the scope allows connecting only to sockets bound
// within the agent's own Landlock domain. The signal scope likewise keeps the agent from
// signalling any process outside that domain (bwrap itself included), however it names one.
constexpr uint64_t scopes(int abi) { return abi >= 6 ? k_scope_abstract_unix_socket | k_scope_signal : 0; }

// Returns the rights of a rule class in the rules text, limited to what `abi` handles; 0 for
// an unknown class:
//   r  read files and list directories (generated /etc files, read-only data)
//   x  r plus execute (the closure, read-only binds)
//   d  read and write existing files, no creating or removing (/dev and /proc: /dev/null,
//      the terminal and ptys must keep working, but nothing new may appear there)
//   w  everything handled (the project, config paths, /tmp, home)
// and, where the ruleset handles reading and writing files only (handled_file_io):
//   R  read files (r and x)
//   W  read and write files (d and w)
constexpr uint64_t class_access(char rule_class, int abi) {
  uint64_t rights = 0;
  switch (rule_class) {
    case 'R': rights = k_read_file; break;
    case 'W': rights = k_read_file | k_write_file | k_truncate; break;
    case 'r': rights = k_read_file | k_read_dir; break;
    case 'x': rights = k_read_file | k_read_dir | k_execute; break;
    case 'd': rights = k_read_file | k_read_dir | k_write_file | k_truncate; break;
    case 'w': rights = ~0ULL; break;
    default: return 0;
  }
  return rights & handled_access(abi);
}

// Returns the network rights jailed handles under kernel ABI `abi`: on the host's network
// (network = on), binding TCP ports, so that the agent cannot listen where host programs connect
// (a fake service on a port they expect) unless the file lists the port. Connecting stays allowed.
// With network = off the jail's own namespace holds any port it binds: nothing to handle.
constexpr uint64_t handled_net(int abi, bool host_network) { return abi >= 4 && host_network ? k_net_bind_tcp : 0; }

}  // namespace jailed::sandbox::landlock

