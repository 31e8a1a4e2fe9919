// Unit tests for resolve/nix_setup: the advice for each way Debian's Nix fails to build.
#include <catch2/catch.hpp>

#include "resolve/nix_setup.hpp"

using jailed::resolve::setup_advice;

namespace {

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("nix setup: each setup failure gets the fix, other errors none", "[resolve]") {
  // nix-bin without nix-setup-systemd, as root.
  auto users = setup_advice("error: the group 'nixbld' specified in 'build-users-group' does not exist");
  REQUIRE(has(users, "no build users"));
  REQUIRE(has(users, "nix-setup-systemd"));
  // The daemon's socket exists but nothing listens, or it was never made.
  for (const char* error : {"error: cannot connect to socket at '/nix/var/nix/daemon-socket/socket': Connection refused",
                            "error: cannot connect to socket at '/run/x/socket': No such file or directory"}) {
    auto advice = setup_advice(error);
    REQUIRE(has(advice, "daemon is not running"));
    REQUIRE(has(advice, "systemctl start nix-daemon.socket"));
  }
  // A normal user with no daemon: Nix tries to use the store directly.
  REQUIRE(has(setup_advice("error: could not set permissions on '/nix/var/nix/profiles/per-user' to 755: Operation "
                           "not permitted"),
              "cannot write the Nix store"));
  // Problems of the flake itself are Nix's to explain.
  REQUIRE(setup_advice("error: syntax error, unexpected '{'").empty());
  REQUIRE(setup_advice("error: attribute 'bot' missing").empty());
}
