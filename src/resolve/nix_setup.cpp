// Proving that Nix builds for this user, and advice for the ways Debian's Nix does not.
#include "resolve/nix_setup.hpp"

#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <vector>

#include "util/accounts.hpp"
#include "util/strings.hpp"

namespace jailed::resolve {
namespace {

const char* const k_daemon_group = "nix-users";  // Debian admits its members to the daemon

bool has(const std::string& text, const char* part) { return text.find(part) != std::string::npos; }

// Returns true if this process holds `gid` among its groups.
bool holds_group(gid_t gid) {
  if (::getegid() == gid) return true;
  int count = ::getgroups(0, nullptr);
  if (count <= 0) return false;
  std::vector<gid_t> groups(static_cast<size_t>(count));
  count = ::getgroups(count, groups.data());
  return count > 0 && std::find(groups.begin(), groups.begin() + count, gid) != groups.begin() + count;
}

// Advice for a daemon socket this user may not open: the group is missing from the account,
// or only from this login, which began before the user was added to it.
std::string group_advice() {
  auto group = util::group_entry(k_daemon_group);
  auto me = util::passwd_entry(::getuid());
  std::string user = me ? me->name : "$USER";
  if (group && holds_group(group->gid)) return "";
  if (group && std::find(group->members.begin(), group->members.end(), user) != group->members.end()) {
    return std::string("you were added to the ") + k_daemon_group +
           " group after this login began: log in again (or run 'newgrp " + k_daemon_group + "')";
  }
  return std::string("only members of the ") + k_daemon_group + " group may use the Nix daemon: run 'sudo usermod -a -G " +
         k_daemon_group + " " + user + "', then log in again";
}

}  // namespace

std::string setup_advice(const std::string& nix_error) {
  if (has(nix_error, "build-users-group") && has(nix_error, "does not exist")) {
    return "Nix has no build users here: install them with 'sudo apt install nix-setup-systemd' (or run 'make deps' in "
           "jailed's source), or set 'build-users-group =' in /etc/nix/nix.conf";
  }
  bool socket = has(nix_error, "daemon-socket") || has(nix_error, "cannot connect to socket");
  if (socket && has(nix_error, "Permission denied")) {
    std::string advice = group_advice();
    if (!advice.empty()) return advice;
  }
  if (socket && (has(nix_error, "Connection refused") || has(nix_error, "No such file"))) {
    return "the Nix daemon is not running: start it with 'sudo systemctl start nix-daemon.socket', or where systemd "
           "does not run, 'sudo nix-daemon --daemon &' (jailed's 'make deps' does this)";
  }
  if (has(nix_error, "could not set permissions on '/nix/var/nix/profiles/per-user'") ||
      (has(nix_error, "/nix/var/nix") && has(nix_error, "Permission denied"))) {
    return "this user cannot write the Nix store and no Nix daemon answers: install 'nix-setup-systemd' and start "
           "the daemon (jailed's 'make deps' does both)";
  }
  return "";
}

Status probe_nix_build(util::CommandRunner& runner, const NixTools& tools) {
  // A name never built before, so Nix really builds (a cached path would prove nothing).
  timespec now{};
  ::clock_gettime(CLOCK_REALTIME, &now);
  std::string name = "jailed-probe-" + std::to_string(now.tv_sec) + "-" + std::to_string(now.tv_nsec) + "-" +
                     std::to_string(::getpid());
  // builtin:buildenv runs inside Nix and needs no program from the host, yet goes through the
  // build users and the daemon like any build.
  std::string expr = "derivation { name = \"" + name +
                     "\"; system = builtins.currentSystem; builder = \"builtin:buildenv\"; derivations = []; "
                     "manifest = \"jailed\"; }";
  auto done = runner.run({tools.nix, "--extra-experimental-features", "nix-command", "--option", "substituters", "",
                          "build", "--no-link", "--impure", "--expr", expr});
  if (!done) return done.failure();
  if (done->status == 0) return success();
  std::string error = nix_error_text(*done);
  std::string advice = setup_advice(error);
  return fail(advice.empty() ? error : advice + "\nnix said: " + error);
}

}  // namespace jailed::resolve
