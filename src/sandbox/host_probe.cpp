// Probing the host: who the caller is, which /etc files exist, what the kernel offers.
#include <unistd.h>  // environ (g++ defines _GNU_SOURCE)

#include "sandbox/landlock.hpp"
#include "sandbox/policy.hpp"
#include "util/accounts.hpp"
#include "util/files.hpp"
#include "util/paths.hpp"

namespace jailed::sandbox {
namespace {

// Network files bound when network = on: name resolution and TLS trust anchors.
// Only the public certificates of /etc/ssl: /etc/ssl/private holds the host's TLS keys.
const char* const k_network_files[] = {"/etc/resolv.conf",    "/etc/hosts",          "/etc/nsswitch.conf",
                                       "/etc/host.conf",      "/etc/ssl/certs",      "/etc/ssl/openssl.cnf",
                                       "/etc/ca-certificates"};

}  // namespace

HostFacts probe_host() {
  HostFacts host;
  host.uid = ::getuid();
  host.gid = ::getgid();
  host.home = util::normalize(util::home_dir());
  host.cwd = util::current_dir();
  for (char** entry = environ; entry && *entry; ++entry) {
    std::string text = *entry;
    size_t eq = text.find('=');
    if (eq != std::string::npos) host.env.emplace(text.substr(0, eq), text.substr(eq + 1));
  }
  // An account only in LDAP or sssd is not in /etc/passwd: its login set $USER.
  if (auto entry = util::passwd_entry(host.uid)) {
    host.user = entry->name;
  } else if (auto it = host.env.find("USER"); it != host.env.end() && !it->second.empty()) {
    host.user = it->second;
  } else {
    host.user = "user";
  }
  if (auto name = util::group_name(host.gid)) host.group = *name;
  for (const char* file : k_network_files) {
    if (util::stat_path(file)) host.network_files.push_back(file);
  }
  host.localtime = util::stat_path("/etc/localtime").has_value();
  // Probed at run time: the headers jailed was built with may predate the kernel it runs on.
  host.landlock_abi = probe_landlock_abi();
  host.landlock_helper = find_landlock_helper();
  host.homes_dir = util::xdg_dir("STATE") + "/jailed/homes";
  return host;
}

}  // namespace jailed::sandbox
