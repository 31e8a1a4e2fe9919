// A fresh directory under /tmp for one test, removed with everything in it at the end.
#pragma once

#include <catch2/catch.hpp>
#include <stdlib.h>

#include <string>

#include "util/files.hpp"

namespace jailed::testing {

struct TempDir {
  std::string path;  // the real path, so it compares equal to what jailed resolves

  TempDir() {
    char name[] = "/tmp/jailed-test-XXXXXX";
    REQUIRE(::mkdtemp(name) != nullptr);
    path = util::real_path(name).value();
  }
  ~TempDir() { (void)util::remove_tree(path); }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
};

}  // namespace jailed::testing
