// tenet lint on the differential test's generated policies: every finding has its code and
// names a declaration of the policy, and every unsatisfiable rule indeed fires on none of the
// generated records (the solver's "never" checked against the engine).
#include <catch2/catch.hpp>

#include <algorithm>
#include <random>

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
      const bool coded = d.message.ends_with("[unsatisfiable]") || d.message.ends_with("[shadowed]") ||
                         d.message.ends_with("[overlap]") || d.message.ends_with("[default-action]") ||
                         d.message.ends_with("[unused]");
      CHECK(coded);
      if (d.message.ends_with("[unsatisfiable]")) never.push_back(d.message.substr(6, d.message.find('\'', 6) - 6));
    }
    unsatisfiable += static_cast<int>(never.size());
    const auto& rules = policy->checked().module.rules;
    tenet::core::Evaluator evaluator(*policy);
    std::string error;
    tenet::core::read_facts(gen.records, tenet::core::FactsFormat::jsonl, *policy, [&](std::size_t, tenet::core::Record* r, tenet::core::RecordError*) {
      if (!r) return;
      const tenet::core::Decision d = evaluator.evaluate(std::move(*r));
      for (std::size_t i = 0; i < rules.size(); ++i) {
        if (std::find(never.begin(), never.end(), rules[i].name.text) == never.end()) continue;
        INFO("rule " << rules[i].name.text << " on record " << d.id);
        CHECK(d.statuses[i] != tenet::core::RuleStatus::fired);
      }
    }, error);
  }
  WARN(findings << " findings, " << unsatisfiable << " unsatisfiable rules");
  CHECK(findings > 50);
}
