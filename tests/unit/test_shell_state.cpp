// Unit tests for shell/state: the JAILED_STATE text survives a round trip and rejects junk.
#include <catch2/catch.hpp>

#include "shell/state.hpp"

using namespace jailed::shell;

namespace {

State sample() {
  State state;
  state.activation = Activation::blocked;
  state.path_hash = "0123456789abcdef";
  state.file = {2049, 1234567, 42, 1700000000123456789, 1700000000987654321};
  state.trust = {66306, 18446744073709551615ULL, 0, -5, 0};
  return state;
}

}  // namespace

TEST_CASE("state round-trips through its text for every activation", "[shell]") {
  for (auto activation : {Activation::loaded, Activation::blocked, Activation::invalid}) {
    State state = sample();
    state.activation = activation;
    auto text = encode(state);
    auto back = decode(text);
    REQUIRE(back.has_value());
    REQUIRE(*back == state);
  }
  REQUIRE(decode(encode(State{})) == State{});
}

TEST_CASE("state text is short, versioned ascii without shell metacharacters", "[shell]") {
  auto text = encode(sample());
  REQUIRE(text.rfind("1:B:0123456789abcdef:2049:1234567:42:", 0) == 0);
  REQUIRE(text.size() < 256);
  for (char c : text) {
    bool plain = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || c == ':' || c == '-' || c == 'B';
    REQUIRE(plain);
  }
}

TEST_CASE("state decode rejects malformed, foreign and other-version text", "[shell]") {
  auto good = encode(sample());
  REQUIRE(decode(good).has_value());
  std::string rest = good.substr(1);  // everything after the version
  const std::string bad[] = {
      "",
      "1",
      "garbage",
      "2" + rest,                                  // another version
      "0" + rest,
      "1:X" + good.substr(3),                      // unknown activation
      "1:LL" + good.substr(3),
      good + ":1",                                 // too many fields
      good.substr(0, good.rfind(':')),             // too few
      good + "x",                                  // trailing junk in a number
      "1:L:abc:1:2:3:4:5:6:7:8:9:",                // empty number
      "1:L:abc:+1:2:3:4:5:6:7:8:9:10",             // sign on an unsigned field
      "1:L:abc:-1:2:3:4:5:6:7:8:9:10",
      "1:L:abc:01:2:3:4:5:6:7:8:9:10",             // not the canonical form
      "1:L:abc:18446744073709551616:2:3:4:5:6:7:8:9:10",  // overflow
      "1:L:ABC:1:2:3:4:5:6:7:8:9:10",              // hash not lowercase hex
      "1:L:a;b:1:2:3:4:5:6:7:8:9:10",
      "1:L:abc:1:2:3:4:5:6:7:8:9:10\n",
      std::string("1:L:abc:1:2:3:4:5:6:7:8:9:1\0", 28),
      "1:L:" + std::string(2000, 'a') + ":1:2:3:4:5:6:7:8:9:10",
  };
  for (const auto& text : bad) {
    INFO(text);
    REQUIRE_FALSE(decode(text).has_value());
  }
  REQUIRE(decode("1:E:abc:1:2:3:4:-5:6:7:8:9:10").has_value());
}
