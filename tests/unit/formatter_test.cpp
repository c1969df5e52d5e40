// tenet fmt (dsl/formatter.hpp): every comment kept, in order and in place; formatting is
// idempotent; the formatted text parses to the same AST.
#include <catch2/catch.hpp>

#include <filesystem>

#include "dsl/formatter.hpp"
#include "dsl/parser.hpp"
#include "helpers.hpp"
#include "tests/fuzz/ast_equal.hpp"

namespace {

std::string format(const std::string& name, const std::string& text) {
  const tenet::core::SourceFile source(name, text);
  auto parsed = tenet::core::parse(source);
  REQUIRE_FALSE(parsed.diagnostics.has_errors());
  return tenet::core::format_policy(parsed.module, source);
}

std::vector<std::string> comment_texts(const std::string& text) {
  std::vector<std::string> out;
  for (auto& [offset, comment] : tenet::core::find_comments(text)) out.push_back(comment);
  return out;
}

}  // namespace

TEST_CASE("fmt: comments stay above what they preceded and at the end of the line they ended") {
  const std::string messy = R"(# header
policy p "P" version "1"   # trailing on the policy
schema s {
  # above a field
  id: string key   # the key
  a: number
  # before the closing brace
}
decision d {hit priority
  default keep }
param limit: number = 30%  # a percent stays a percent
rule r {
  # above the title
  title "T"
  when a > limit and # inside the condition
     a < 1_000
  then recommend go priority 5  # after then
}  # after the rule
# at the end
)";
  CHECK(format("m.tenet", messy) == R"(# header
policy p "P" version "1"  # trailing on the policy

schema s {
  # above a field
  id: string key  # the key
  a: number
  # before the closing brace
}

param limit: number = 30%  # a percent stays a percent

rule r {
  # above the title
  title "T"
  when a > limit and a < 1_000  # inside the condition
  then recommend go priority 5  # after then
}  # after the rule

decision d {
  hit priority
  default keep
}
# at the end
)");
}

TEST_CASE("fmt: a long condition is one top-level operand a line") {
  const std::string text = R"(policy p "P" version "1"
schema s { id: string key  alpha_value: number  beta_value: number  gamma_value: number }
rule r { when alpha_value > 1000000 and beta_value < alpha_value * 2 and (gamma_value > 3 or gamma_value < -3) then recommend go }
decision d { hit priority default keep }
)";
  const std::string formatted = format("w.tenet", text);
  CHECK(formatted.find(
            "  when alpha_value > 1000000\n       and beta_value < alpha_value * 2\n       and (gamma_value > 3 or gamma_value < -3)\n") !=
        std::string::npos);
}

TEST_CASE("fmt: every policy in the repository keeps its comments, reparses alike and is idempotent") {
  namespace fs = std::filesystem;
  int formatted = 0;
  for (const char* dir : {"rules", "bench", "tests/spec", "tests/golden/check", "tests/golden/eval"}) {
    for (const auto& entry : fs::directory_iterator(fs::path(TENET_SOURCE_DIR) / dir)) {
      if (entry.path().extension() != ".tenet") continue;
      const std::string name = entry.path().string(), text = test::read_file(name);
      const tenet::core::SourceFile source(name, text);
      auto parsed = tenet::core::parse(source);
      if (parsed.diagnostics.has_errors()) continue;  // a syntax-error case: nothing to format
      INFO(name);
      const std::string once = tenet::core::format_policy(parsed.module, source);
      CHECK(comment_texts(once) == comment_texts(text));
      const tenet::core::SourceFile again_source(name, once);
      auto again = tenet::core::parse(again_source);
      REQUIRE_FALSE(again.diagnostics.has_errors());
      CHECK(tenet::core::testing::same_module(parsed.module, again.module));
      CHECK(tenet::core::format_policy(again.module, again_source) == once);
      ++formatted;
    }
  }
  CHECK(formatted >= 50);  // the policies that parse, of rules/, bench/ and the test inputs
}
