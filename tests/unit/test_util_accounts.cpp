// Unit tests for util/accounts: reading the caller's name, home and group from the account files.
#include <catch2/catch.hpp>

#include "util/accounts.hpp"
#include "util/files.hpp"
#include "temp_dir.hpp"

namespace util = jailed::util;
using jailed::testing::TempDir;

TEST_CASE("accounts: the first entry with the id, as NSS's files module reads it", "[util]") {
  TempDir tmp;
  std::string passwd = tmp.path + "/passwd";
  REQUIRE(util::write_file_atomic(passwd,
                                  "# comment\n"
                                  "root:x:0:0:root:/root:/bin/bash\n"
                                  "+nisuser::1000:1000:::\n"          // NIS compat: not an entry
                                  "short:x:1000\n"                     // too few fields
                                  "ada:x:1000:100:Ada L.:/home/ada:/bin/zsh\n"
                                  "dup:x:1000:100::/home/dup:/bin/sh\n"
                                  "big:x:4294967294:4294967294::/nonexistent:/usr/sbin/nologin\n")
              .ok());
  auto ada = util::passwd_entry(1000, passwd);
  REQUIRE(ada.has_value());
  REQUIRE(ada->name == "ada");
  REQUIRE(ada->home == "/home/ada");
  REQUIRE(util::passwd_entry(0, passwd)->home == "/root");
  REQUIRE(util::passwd_entry(4294967294U, passwd)->name == "big");
  // An account only LDAP knows, and a file that cannot be read: the caller falls back to $USER.
  REQUIRE_FALSE(util::passwd_entry(1001, passwd).has_value());
  REQUIRE_FALSE(util::passwd_entry(1000, tmp.path + "/missing").has_value());

  std::string group = tmp.path + "/group";
  REQUIRE(util::write_file_atomic(group, "root:x:0:\nusers:x:100:ada,bob\nstaff:x:50\n").ok());
  REQUIRE(util::group_name(100, group) == "users");
  REQUIRE(util::group_name(50, group) == "staff");
  REQUIRE_FALSE(util::group_name(1000, group).has_value());

  auto users = util::group_entry("users", group);
  REQUIRE(users.has_value());
  REQUIRE(users->gid == 100);
  REQUIRE(users->members == std::vector<std::string>{"ada", "bob"});
  REQUIRE(util::group_entry("staff", group)->members.empty());
  REQUIRE(util::group_entry("root", group)->gid == 0);
  REQUIRE_FALSE(util::group_entry("nix-users", group).has_value());
}
