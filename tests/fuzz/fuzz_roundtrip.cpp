// libFuzzer: a policy that compiles, printed canonically and compiled again, gives the same
// AST, and printing that gives the same text; formatted (tenet fmt), it keeps every comment in
// order, parses to the same AST, and formats to itself. Most mutated texts do not compile, so those
// bytes steer the differential test's policy generator instead (tests/differential/): every
// execution round-trips a policy. Run: tests/fuzz/run roundtrip SECONDS
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>

#include "dsl/formatter.hpp"
#include "dsl/parser.hpp"
#include "dsl/printer.hpp"
#include "engine/policy.hpp"
#include "tests/differential/policy_generator.hpp"
#include "tests/fuzz/ast_equal.hpp"

// A policy with imports prints merged (imports resolved), so no file is read: it does not compile here.
bool no_imports(const std::string&, std::string&, std::string& error) {
  error = "not read while fuzzing";
  return false;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto first = tenet::core::Policy::compile(tenet::core::SourceFile("fuzz.tenet", std::string(reinterpret_cast<const char*>(data), size)),
                                            {}, no_imports);
  if (!first.policy) {
    tenet::core::testing::ByteSource bytes(data, size);
    first = tenet::core::Policy::compile(
        tenet::core::SourceFile("generated.tenet", tenet::core::testing::PolicyGenerator(bytes).generate().policy));
    if (!first.policy) __builtin_trap();  // the generator writes type-correct policies
  }
  const auto& module = first.policy->checked().module;
  const std::string printed = tenet::core::print_policy(module);
  auto second = tenet::core::Policy::compile(tenet::core::SourceFile("printed.tenet", printed));
  if (!second.policy || !tenet::core::testing::same_module(module, second.policy->checked().module) ||
      tenet::core::print_policy(second.policy->checked().module) != printed) {
    std::fprintf(stderr, "--- source\n%s\n--- printed\n%s\n", first.source().text().c_str(), printed.c_str());
    __builtin_trap();
  }
  const tenet::core::SourceFile& source = first.source();
  const auto parsed = tenet::core::parse(source);
  const std::string formatted = tenet::core::format_policy(parsed.module, source);
  const tenet::core::SourceFile formatted_source("formatted.tenet", formatted);
  const auto reparsed = tenet::core::parse(formatted_source);
  const auto texts = [](std::string_view text) {
    std::vector<std::string> out;
    for (auto& [offset, comment] : tenet::core::find_comments(text)) out.push_back(comment);
    return out;
  };
  if (reparsed.diagnostics.has_errors() || !tenet::core::testing::same_module(parsed.module, reparsed.module) ||
      texts(formatted) != texts(source.text()) || tenet::core::format_policy(reparsed.module, formatted_source) != formatted) {
    std::fprintf(stderr, "--- source\n%s\n--- formatted\n%s\n", source.text().c_str(), formatted.c_str());
    __builtin_trap();
  }
  return 0;
}
