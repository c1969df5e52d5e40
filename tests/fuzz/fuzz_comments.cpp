// libFuzzer: a comment between any two tokens of a policy that parses leaves its AST unchanged
// (tests/fuzz/comment_insertion.hpp): between every two at once, and at each of up to 8
// boundaries alone. A mutated text that does not parse steers the differential test's policy
// generator instead, so every execution checks a policy. Run: tests/fuzz/run comments SECONDS
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>

#include "dsl/parser.hpp"
#include "tests/differential/policy_generator.hpp"
#include "tests/fuzz/ast_equal.hpp"
#include "tests/fuzz/comment_insertion.hpp"

namespace {

void require_same(const tenet::core::ast::Module& original, const std::string& text, const std::string& commented) {
  const tenet::core::SourceFile source("commented.tenet", commented);
  const auto reparsed = tenet::core::parse(source);
  if (reparsed.diagnostics.has_errors() || !tenet::core::testing::same_module(original, reparsed.module)) {
    std::fprintf(stderr, "--- source\n%s\n--- with comments\n%s\n", text.c_str(), commented.c_str());
    __builtin_trap();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  auto parsed = tenet::core::parse(tenet::core::SourceFile("fuzz.tenet", text));
  if (parsed.diagnostics.has_errors()) {
    tenet::core::testing::ByteSource bytes(data, size);
    text = tenet::core::testing::PolicyGenerator(bytes).generate().policy;
    parsed = tenet::core::parse(tenet::core::SourceFile("generated.tenet", text));
    if (parsed.diagnostics.has_errors()) __builtin_trap();  // the generator writes policies that parse
  }
  require_same(parsed.module, text, tenet::core::testing::with_comments_everywhere(text));
  const auto boundaries = tenet::core::testing::token_boundaries(text);
  const std::size_t step = boundaries.size() / 8 + 1;
  for (std::size_t i = size % step; i < boundaries.size(); i += step)
    require_same(parsed.module, text, tenet::core::testing::with_comment_at(text, boundaries[i]));
  return 0;
}
