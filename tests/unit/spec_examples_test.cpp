// The conformance examples of the language contract (tests/spec, copied from the spec),
// checked exactly as their README says.
#include <catch2/catch.hpp>

#include "helpers.hpp"

namespace {

struct Outcome {
  std::vector<std::string> lines;
  std::vector<tenet::core::Decision> decisions;
  std::vector<tenet::core::RecordError> errors;
};

Outcome evaluate(const std::string& name) {
  auto policy = test::compile(test::read_file(test::spec_path(name + ".tenet")));
  Outcome out;
  tenet::core::Evaluator evaluator(*policy);
  std::string fatal;
  tenet::core::read_facts(
      test::read_file(test::spec_path(name + ".jsonl")), tenet::core::FactsFormat::jsonl, *policy,
      [&](std::size_t, tenet::core::Record* r, tenet::core::RecordError* e) {
        if (r) out.decisions.push_back(evaluator.evaluate(std::move(*r)));
        else out.errors.push_back(*e);
      },
      fatal);
  return out;
}

std::vector<std::string> chosen_rules(const tenet::core::Decision& d, const tenet::core::Policy& policy, bool chosen) {
  std::vector<std::string> out;
  for (const auto& r : d.recommendations) {
    if (r.chosen == chosen) out.push_back(policy.checked().module.rules[r.rule].name.text);
  }
  return out;
}

std::vector<std::string> flag_names(const tenet::core::Decision& d, const tenet::core::Policy& policy) {
  std::vector<std::string> out;
  for (auto f : d.flags) out.push_back(policy.checked().flags[f].name);
  return out;
}

using V = std::vector<std::string>;

}  // namespace

TEST_CASE("spec: customer_focus (hit policy priority)") {
  auto policy = test::compile(test::read_file(test::spec_path("customer_focus.tenet")));
  const auto out = evaluate("customer_focus");
  REQUIRE(out.decisions.size() == 4);
  REQUIRE(out.errors.size() == 2);
  struct Row {
    const char* id;
    const char* decision;
    V chosen, overridden, flags;
  };
  const Row rows[] = {
      {"C001", "release", {"release_unprofitable"}, {"satisfied_not_loyal"}, {}},
      {"C002", "renegotiate", {"unsustainable_processes"}, {}, {"beyond_competence"}},
      {"C003", "keep", {}, {}, {}},
      {"C004", "elevate_experience", {"satisfied_not_loyal"}, {}, {}},
  };
  for (std::size_t i = 0; i < 4; ++i) {
    const auto& d = out.decisions[i];
    INFO(rows[i].id);
    CHECK(d.id == rows[i].id);
    CHECK(policy->action_names(d) == V{rows[i].decision});
    CHECK(chosen_rules(d, *policy, true) == rows[i].chosen);
    CHECK(chosen_rules(d, *policy, false) == rows[i].overridden);
    CHECK(flag_names(d, *policy) == rows[i].flags);
  }
  CHECK(out.decisions[0].text(out.decisions[0].recommendations[0].because) == "serving C001 costs 120000 but brings 80000");
  CHECK(out.errors[0].line == 5);
  CHECK(out.errors[0].id == std::optional<std::string>("C005"));
  CHECK(out.errors[0].message == "required field `annual_revenue` is absent");
  CHECK(out.errors[1].line == 6);
  CHECK(out.errors[1].message == "malformed JSON: JSON document ended early in the middle of an object or array.");
}

TEST_CASE("spec: missing_data (hit policy collect, Kleene logic)") {
  const auto out = evaluate("missing_data");
  using S = tenet::core::RuleStatus;
  struct Row {
    const char* id;
    V decision;
    std::vector<S> statuses;
    V flags;
  };
  const Row rows[] = {
      {"A1", {"review_cost", "celebrate"}, {S::fired, S::not_fired, S::fired, S::not_fired}, {}},
      {"A2", {"celebrate"}, {S::fired, S::unknown, S::not_fired, S::fired}, {"no_region"}},
      {"A3", {"call_now"}, {S::not_fired, S::fired, S::unknown, S::not_fired}, {}},
      {"A4", {"none"}, {S::not_fired, S::unknown, S::not_fired, S::fired}, {"no_region"}},
  };
  auto policy = test::compile(test::read_file(test::spec_path("missing_data.tenet")));
  REQUIRE(out.decisions.size() == 4);
  for (std::size_t i = 0; i < 4; ++i) {
    INFO(rows[i].id);
    CHECK(out.decisions[i].id == rows[i].id);
    CHECK(policy->action_names(out.decisions[i]) == rows[i].decision);
    CHECK(out.decisions[i].statuses == rows[i].statuses);
    CHECK(flag_names(out.decisions[i], *policy) == rows[i].flags);
  }
  CHECK(out.decisions[2].text(out.decisions[2].recommendations[0].because) == "NPS -20 in hot region east");
  REQUIRE(out.errors.size() == 1);
  CHECK(out.errors[0].line == 5);
  CHECK(out.errors[0].message == "field `nps` is a string, expected number");
}

TEST_CASE("spec: decimal (exact decimal numbers)") {
  auto policy = test::compile(test::read_file(test::spec_path("decimal.tenet")));
  const auto out = evaluate("decimal");
  REQUIRE(out.decisions.size() == 2);
  CHECK(policy->action_names(out.decisions[0]) == V{"none"});
  CHECK(flag_names(out.decisions[0], *policy) == V{"thirty_cents", "sum_exact"});
  CHECK(policy->action_names(out.decisions[1]) == V{"close_gap"});
  CHECK(out.decisions[1].text(out.decisions[1].recommendations[0].because) == "gap of 1.6");
}

TEST_CASE("spec: broken reports all four errors") {
  CHECK(test::diagnostics(test::read_file(test::spec_path("broken.tenet"))) ==
        R"(test.tenet:9:5: error: cycle in the rule graph: a -> b -> a
  let a = b + 1
      ^
test.tenet:10:5: note: 'b' is part of the cycle
  let b = a * 2
      ^
test.tenet:13:8: error: unknown field 'revenu'; did you mean 'revenue'?
    when revenu > 10
         ^~~~~~
test.tenet:18:8: error: '>' compares a string with a number
    when segment > 5
         ^~~~~~~~~~~
test.tenet:22:6: error: rule 'r1' is declared twice
  rule r1 {
       ^~
test.tenet:12:6: note: first declared here
  rule r1 {
       ^~
)");
}
