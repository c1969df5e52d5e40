// tenet lint on the differential test's generated policies: every finding has its code and
// names a declaration of the policy, and every unsatisfiable rule indeed fires on none of the
// generated records (the solver's "never" checked against the engine).
#include <catch2/catch.hpp>

#include <algorithm>
#include <random>

#include <fmt/format.h>

#include "engine/analysis/lint.hpp"
#include "helpers.hpp"
#include "tests/differential/policy_generator.hpp"

TEST_CASE("lint: findings on generated policies have their codes, and no unsatisfiable rule fires") {
  std::mt19937 random(5);
  int findings = 0, unsatisfiable = 0;
  for (int round = 0; round < 150; ++round) {
    std::vector<std::uint8_t> bytes(64 + random() % 400);
    for (auto& b : bytes) b = static_cast<std::uint8_t>(random());
    tenet::core::testing::ByteSource source(bytes.data(), bytes.size());
    const auto gen = tenet::core::testing::PolicyGenerator(source).generate();
    auto policy = test::compile(gen.policy);
    INFO(gen.policy);
    const tenet::core::LintResult result = tenet::core::lint(*policy, {false, 500});
    std::vector<std::string> never;
    for (const auto& d : result.findings.sorted()) {
      ++findings;
      INFO(d.message);
      const bool coded = d.message.ends_with("[unsatisfiable]") || d.message.ends_with("[shadowed]") || d.message.ends_with("[overlap]") ||
                         d.message.ends_with("[default-action]") || d.message.ends_with("[unused]");
      CHECK(coded);
      if (d.message.ends_with("[unsatisfiable]")) never.push_back(d.message.substr(6, d.message.find('\'', 6) - 6));
    }
    unsatisfiable += static_cast<int>(never.size());
    const auto& rules = policy->checked().module.rules;
    tenet::core::Evaluator evaluator(*policy);
    std::string error;
    tenet::core::read_facts(
        gen.records, tenet::core::FactsFormat::jsonl, *policy,
        [&](std::size_t, tenet::core::Record* r, tenet::core::RecordError*) {
          if (!r) return;
          const tenet::core::Decision d = evaluator.evaluate(std::move(*r));
          for (std::size_t i = 0; i < rules.size(); ++i) {
            if (std::find(never.begin(), never.end(), rules[i].name.text) == never.end()) continue;
            INFO("rule " << rules[i].name.text << " on record " << d.id);
            CHECK(d.statuses[i] != tenet::core::RuleStatus::fired);
          }
        },
        error);
  }
  WARN(findings << " findings, " << unsatisfiable << " unsatisfiable rules");
  CHECK(findings > 50);
}

TEST_CASE("lint: shared and chained lets are encoded once each, bottom-up; a spent budget leaves the lint incomplete") {
  // l_i = l_{i-1} + l_{i-1}: 2^200 paths through 200 lets (was exponential); a chain of 10,000
  // lets (was a stack overflow).
  std::string shared = "policy p \"P\" version \"1\"\nschema s {\n  id: string key\n  x: number\n}\nlet l0 = x\n";
  for (int i = 1; i <= 200; ++i) shared += fmt::format("let l{} = l{} + l{}\n", i, i - 1, i - 1);
  shared += "rule r {\n  when l200 > 5 and x < 0\n  then recommend go\n}\ndecision d {\n  hit priority\n  default keep\n}\n";
  const auto result = tenet::core::lint(*test::compile(shared), {});
  CHECK(result.complete());
  REQUIRE(result.findings.sorted().size() == 1);
  CHECK(result.findings.sorted()[0].message == "rule 'r' can never fire: no record makes its condition true [unsatisfiable]");

  std::string chain = "policy p \"P\" version \"1\"\nschema s {\n  id: string key\n  x: number\n}\nlet l0 = x\n";
  for (int i = 1; i <= 10000; ++i) chain += fmt::format("let l{} = l{} + 1\n", i, i - 1);
  chain +=
      "rule r {\n  when l10000 > 5\n  then recommend go\n}\nrule q {\n  when fired(r) and x < -9995\n  then recommend stop\n}\n"
      "decision d {\n  hit priority\n  default keep\n}\n";
  const auto chained = tenet::core::lint(*test::compile(chain), {});
  CHECK(chained.complete());
  REQUIRE(chained.findings.sorted().size() == 1);
  CHECK(chained.findings.sorted()[0].message == "rule 'q' can never fire: no record makes its condition true [unsatisfiable]");

  // No time at all: nothing is asked, nothing is claimed.
  tenet::core::LintOptions spent;
  spent.budget_ms = 0;
  const auto none = tenet::core::lint(*test::compile(shared), spent);
  CHECK_FALSE(none.complete());
  CHECK(none.questions == 0);
  CHECK(none.skipped == 1);
  CHECK(none.findings.sorted().empty());
}
