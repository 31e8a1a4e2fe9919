// Probing the host: who the caller is, which /etc files exist, what the kernel offers.
#include <sys/stat.h>
#include <unistd.h>  // environ (g++ defines _GNU_SOURCE)

#include <algorithm>
#include <iterator>

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

// With network = on: where the agent's HTTP clients find a proxy, and which proxies to skip.
// Node's fetch reads the proxy variables only with NODE_USE_ENV_PROXY=1 (Node 24 and later).
const char* const k_proxy_variables[] = {"HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY",
                                         "all_proxy",   "NO_PROXY",    "no_proxy",   "NODE_USE_ENV_PROXY"};

// Certificate authorities a TLS-intercepting proxy needs trusted: each names a file (or, for
// SSL_CERT_DIR, a directory) that is bound read-only so that it resolves inside.
const char* const k_ca_variables[] = {"NODE_EXTRA_CA_CERTS", "SSL_CERT_FILE",   "SSL_CERT_DIR",
                                      "REQUESTS_CA_BUNDLE",  "CURL_CA_BUNDLE",  "GIT_SSL_CAINFO",
                                      "CODEX_CA_CERTIFICATE"};

bool is_executable_file(const std::string& path) {
  auto st = util::stat_path(path);
  return st && S_ISREG(st->st_mode) && ::access(path.c_str(), X_OK) == 0;
}

}  // namespace

// The entries of a fresh /proc that act on the whole host rather than the jail's processes
// (Docker's read-only list: sys, sysrq-trigger, irq, bus, fs). bwrap's --proc binds sys,
// sysrq-trigger, irq and bus read-only itself, but only those it finds writable by access(): as
// root it covers all but /proc/sys, whose directory is 0555 while its files are 0644 and checked
// by uid, not capability (kernel.core_pattern = |program runs that program as host root). So:
// /proc/sys for every caller, and what bwrap leaves to root. /proc/pressure is writable by every
// user (0666): a write there arms a PSI trigger that has the host kernel poll system-wide
// pressure for the agent, so it is read-only for everyone too. For another user nothing else is
// writable at all (the jail's uid is not root in any namespace); each bind costs bwrap a reading
// of the mount table at every launch, so none is added for nothing.
const char* const k_proc_always[] = {"/proc/sys", "/proc/pressure"};
const char* const k_proc_for_root[] = {"/proc/fs"};

const std::vector<std::string>& network_variables() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> all(std::begin(k_proxy_variables), std::end(k_proxy_variables));
    all.insert(all.end(), std::begin(k_ca_variables), std::end(k_ca_variables));
    return all;
  }();
  return names;
}

void probe_shell(const resolve::Resolution& resolution, HostFacts& host) {
  host.shell = "/bin/sh";
  if (!host.login_shell.empty()) {
    auto real = util::real_path(host.login_shell);
    bool shown = real && is_executable_file(*real) &&
                 (std::any_of(resolution.readonly.begin(), resolution.readonly.end(),
                              [&](const resolve::ReadonlyPath& r) { return util::is_within(*real, r.path); }) ||
                  std::any_of(resolution.closure.begin(), resolution.closure.end(),
                              [&](const std::string& path) { return util::is_within(*real, path); }));
    if (shown) {
      host.shell = *real;
      return;
    }
  }
  for (const char* name : {"bash", "sh"}) {
    for (const auto& dir : resolution.path_dirs) {
      std::string candidate = util::join_path(dir, name);
      if (is_executable_file(candidate)) {
        host.shell = candidate;
        return;
      }
    }
  }
}

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
    host.login_shell = entry->shell;
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
  for (const char* entry : k_proc_always) {
    // /proc/pressure exists only with CONFIG_PSI; /proc/sys always.
    if (::access(entry, F_OK) == 0) host.host_global_proc.push_back(entry);
  }
  if (host.uid == 0) {
    for (const char* entry : k_proc_for_root) {
      if (::access(entry, F_OK) == 0) host.host_global_proc.push_back(entry);
    }
  }
  for (const char* name : k_ca_variables) {
    auto it = host.env.find(name);
    if (it == host.env.end() || it->second.empty() || it->second[0] != '/') continue;
    std::string path = util::normalize(it->second);
    if (util::stat_path(path)) host.ca_paths[name] = path;
  }
  // Probed at run time: the headers jailed was built with may predate the kernel it runs on.
  host.landlock_abi = probe_landlock_abi();
  host.landlock_helper = find_landlock_helper();
  host.homes_dir = util::xdg_dir("STATE") + "/jailed/homes";
  return host;
}

}  // namespace jailed::sandbox
