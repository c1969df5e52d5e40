// The canonical printer: exact text for each construct, and parse(print(ast)) == ast for
// every policy in the repository (tests/fuzz/fuzz_roundtrip.cpp does the same on fuzzed ones).
#include <filesystem>

#include "dsl/printer.hpp"
#include "helpers.hpp"
#include <random>

#include "tests/differential/policy_generator.hpp"
#include "tests/fuzz/ast_equal.hpp"

namespace {

const char* kHeader = R"(policy p "P" version "1"
schema s { id: string key  a: number  b: number optional  c: number optional  t: set<string> optional  x: bool optional }
decision d { hit priority default keep }
)";

// The canonical text of `let v = EXPR` in a policy with the fields a, b, c, t, x.
std::string printed_let(const std::string& expr) {
  auto policy = test::compile(std::string(kHeader) + "let v = " + expr + "\nrule r { when v == v then recommend go }\n");
  return tenet::core::print_expr(*policy->checked().module.lets.at(0).value);
}

void require_round_trip(const std::string& name, const std::string& text) {
  INFO(name);
  auto first = tenet::core::Policy::compile(tenet::core::SourceFile(name, text));
  if (!first.policy) return;  // only policies that compile are printed
  const std::string printed = tenet::core::print_policy(first.policy->checked().module);
  INFO(printed);
  auto second = test::compile(printed);
  REQUIRE(tenet::core::testing::same_module(first.policy->checked().module, second->checked().module));
  REQUIRE(tenet::core::print_policy(second->checked().module) == printed);
}

}  // namespace

TEST_CASE("printer: the fewest parentheses precedence needs") {
  CHECK(printed_let("(a + b) * c") == "(a + b) * c");
  CHECK(printed_let("a + (b * c)") == "a + b * c");
  CHECK(printed_let("(a - b) - c") == "a - b - c");
  CHECK(printed_let("a - (b - c)") == "a - (b - c)");
  CHECK(printed_let("a / (b / c)") == "a / (b / c)");
  CHECK(printed_let("((a > b) and (b > c)) or x") == "a > b and b > c or x");
  CHECK(printed_let("a > b and (b > c or x)") == "a > b and (b > c or x)");
  CHECK(printed_let("not (a > b and x)") == "not (a > b and x)");
  CHECK(printed_let("not not x") == "not not x");
  CHECK(printed_let("(a is missing) == x") == "(a is missing) == x");
  CHECK(printed_let("a + 1 between b - 1 and (c)") == "a + 1 between b - 1 and c");
  CHECK(printed_let("t | {\"q\"} & t") == "t | {\"q\"} & t");
  CHECK(printed_let("(t | {\"q\"}) & t") == "(t | {\"q\"}) & t");
  CHECK(printed_let("\"a\" not in t") == "\"a\" not in t");
  CHECK(printed_let("min(a, coalesce(b, 2)) > 1") == "min(a, coalesce(b, 2)) > 1");
}

TEST_CASE("printer: negative literals and negation stay apart") {
  CHECK(printed_let("-12 * a") == "-12 * a");
  CHECK(printed_let("- 12 * a") == "- 12 * a");  // negation of the literal 12, kept as written
  CHECK(printed_let("-(a + 1)") == "- (a + 1)");
  CHECK(printed_let("a - -2.50") == "a - -2.50");  // numbers as written
  CHECK(printed_let("30% * a") == "30% * a");
  CHECK(printed_let("1_000_000 + 1e300 * a") == "1_000_000 + 1e300 * a");
}

TEST_CASE("printer: a whole policy in canonical form") {
  auto policy = test::compile(R"(policy  p "The \"P\"" version "1.0"  # comment
schema s { id: string key
  a: number   b: list<string> optional }
param limit: number = 2
let half = a / limit
rule r { because "half is {half}; braces \{ \} and \\ stay" then recommend go priority 3 when half > 1 tags x, y title "T" source "S" }
rule q { when "v" in b then flag f }
decision d { default keep hit first })");
  CHECK(tenet::core::print_policy(policy->checked().module) == R"(policy p "The \"P\"" version "1.0"

schema s {
  id: string key
  a: number
  b: list<string> optional
}

param limit: number = 2

let half = a / limit

rule r {
  title "T"
  source "S"
  tags x, y
  when half > 1
  then recommend go priority 3
  because "half is {half}; braces \{ \} and \\ stay"
}

rule q {
  when "v" in b
  then flag f
}

decision d {
  hit first
  default keep
}
)");
}

TEST_CASE("printer: every policy in the repository survives the round trip") {
  namespace fs = std::filesystem;
  int printed = 0;
  for (const char* dir : {"rules", "bench", "tests/spec", "tests/golden/check"}) {
    for (const auto& entry : fs::directory_iterator(fs::path(TENET_SOURCE_DIR) / dir)) {
      if (entry.path().extension() != ".tenet") continue;
      require_round_trip(entry.path().string(), test::read_file(entry.path().string()));
      ++printed;
    }
  }
  CHECK(printed > 100);
}

TEST_CASE("printer: 3000 generated policies survive the round trip") {
  std::mt19937 random(7);
  for (int i = 0; i < 3000; ++i) {
    std::vector<std::uint8_t> bytes(64 + random() % 512);
    for (auto& b : bytes) b = static_cast<std::uint8_t>(random());
    tenet::core::testing::ByteSource source(bytes.data(), bytes.size());
    const std::string text = tenet::core::testing::PolicyGenerator(source).generate().policy;
    test::compile(text);  // generated policies always compile, so none is skipped below
    require_round_trip("generated " + std::to_string(i), text);
  }
}
