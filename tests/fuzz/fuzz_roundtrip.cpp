// libFuzzer: a policy that compiles, printed canonically and compiled again, gives the same
// AST, and printing that gives the same text. Most mutated texts do not compile, so those
// bytes steer the differential test's policy generator instead (tests/differential/): every
// execution round-trips a policy. Run: tests/fuzz/run roundtrip SECONDS
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>

#include "dsl/printer.hpp"
#include "engine/tenet.hpp"
#include "tests/differential/policy_generator.hpp"
#include "tests/fuzz/ast_equal.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto first = tenet::Policy::compile(tenet::SourceFile("fuzz.tenet", std::string(reinterpret_cast<const char*>(data), size)));
  if (!first.policy) {
    tenet::testing::ByteSource bytes(data, size);
    first = tenet::Policy::compile(tenet::SourceFile("generated.tenet", tenet::testing::PolicyGenerator(bytes).generate().policy));
    if (!first.policy) __builtin_trap();  // the generator writes type-correct policies
  }
  const auto& module = first.policy->checked().module;
  const std::string printed = tenet::print_policy(module);
  auto second = tenet::Policy::compile(tenet::SourceFile("printed.tenet", printed));
  if (!second.policy || !tenet::testing::same_module(module, second.policy->checked().module) ||
      tenet::print_policy(second.policy->checked().module) != printed) {
    std::fprintf(stderr, "--- source\n%s\n--- printed\n%s\n", first.source().text().c_str(), printed.c_str());
    __builtin_trap();
  }
  return 0;
}
