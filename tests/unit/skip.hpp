// Test cases that cannot run on this machine say so, and are counted as skipped, not passed.
#pragma once

#include <catch2/catch.hpp>

#include <cstdio>
#include <string>

namespace jailed::testing {

// Reports that the current test case cannot run here and why. tests/run counts each such
// line as a skip and takes it off the test cases Catch2 counts as passed.
inline void report_skip(const std::string& why) {
  std::fprintf(stderr, "SKIP unit [%s]: %s\n", Catch::getResultCapture().getCurrentTestName().c_str(), why.c_str());
}

}  // namespace jailed::testing

// Ends the current test case as skipped, saying why.
#define JAILED_SKIP(why)                                   \
  do {                                                     \
    ::jailed::testing::report_skip(std::string() + (why)); \
    return;                                                \
  } while (0)
