// The caller's account as the local account files name it. jailed is linked statically, where
// the C library's getpwuid() and getgrgid() would load NSS modules (shared libraries) at run
// time; reading /etc/passwd and /etc/group directly needs none.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

namespace jailed::util {

struct PasswdEntry {
  std::string name;
  std::string home;
  std::string shell;
};

// Returns the first entry of `uid` in the passwd-format `file`; nullopt if it has none (an
// account from LDAP or sssd) or the file cannot be read.
std::optional<PasswdEntry> passwd_entry(uid_t uid, const std::string& file = "/etc/passwd");

// Returns the name of `gid` in the group-format `file`; nullopt if it has none.
std::optional<std::string> group_name(gid_t gid, const std::string& file = "/etc/group");

struct GroupEntry {
  gid_t gid = 0;
  std::vector<std::string> members;  // the users listed as members (not those with it as primary group)
};

// Returns the group called `name` in the group-format `file`; nullopt if it has none.
std::optional<GroupEntry> group_entry(const std::string& name, const std::string& file = "/etc/group");

}  // namespace jailed::util
