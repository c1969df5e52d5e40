// libFuzzer: a policy that compiles, printed canonically and compiled again, gives the same
// AST, and printing that gives the same text. Run: tests/fuzz/run roundtrip SECONDS
#include <cstddef>
#include <cstdint>
#include <string>

#include "dsl/printer.hpp"
#include "engine/tenet.hpp"
#include "tests/fuzz/ast_equal.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto first = tenet::Policy::compile(tenet::SourceFile("fuzz.tenet", std::string(reinterpret_cast<const char*>(data), size)));
  if (!first.policy) return 0;
  const auto& module = first.policy->checked().module;
  const std::string printed = tenet::print_policy(module);
  auto second = tenet::Policy::compile(tenet::SourceFile("printed.tenet", printed));
  if (!second.policy) __builtin_trap();  // the printed text must compile
  if (!tenet::testing::same_module(module, second.policy->checked().module)) __builtin_trap();
  if (tenet::print_policy(second.policy->checked().module) != printed) __builtin_trap();
  return 0;
}
