// The differential test in the suite: 3000 seeded byte strings, each a generated policy with
// records, evaluated by the compiled program and the reference interpreter
// (tests/differential/differential.hpp; libFuzzer explores further in tests/fuzz).
#include <random>

#include "helpers.hpp"
#include "tests/differential/differential.hpp"

TEST_CASE("differential: the compiled program agrees with the reference interpreter") {
  std::mt19937 random(20261124);
  for (int i = 0; i < 3000; ++i) {
    std::vector<std::uint8_t> bytes(64 + random() % 512);
    for (auto& b : bytes) b = static_cast<std::uint8_t>(random());
    const std::string mismatch = tenet::core::testing::find_mismatch(bytes.data(), bytes.size());
    INFO("input " << i);
    REQUIRE(mismatch == "");
  }
}

TEST_CASE("differential: an empty input is the simplest generated policy, and it agrees") {
  tenet::core::testing::ByteSource none(nullptr, 0);
  const auto gen = tenet::core::testing::PolicyGenerator(none).generate();
  CHECK(gen.records == "{\"id\":\"r0\",\"n1\":0}\n");
  CHECK(tenet::core::testing::find_mismatch(nullptr, 0) == "");
}
