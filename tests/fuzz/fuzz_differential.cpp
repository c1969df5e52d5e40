// libFuzzer: generated type-correct policies and records, evaluated by the compiled program
// and by the reference interpreter over the AST, must agree (tests/differential/).
// Run: tests/fuzz/run differential SECONDS
#include <cstdio>

#include "tests/differential/differential.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string mismatch = tenet::core::testing::find_mismatch(data, size);
  if (!mismatch.empty()) {
    std::fputs(mismatch.c_str(), stderr);
    __builtin_trap();
  }
  return 0;
}
