#include <catch2/catch.hpp>

#include <fmt/format.h>

#include "helpers.hpp"

namespace {

// A policy over three optional bools, so every Kleene combination can be fed as a record.
const std::string kLogic = R"(policy logic "Kleene" version "1"
schema s { id: string key  a: bool optional  b: bool optional }
rule and_rule { when a and b then flag and_true }
rule or_rule { when a or b then flag or_true }
rule not_rule { when not a then flag not_true }
decision d { hit collect default none }
)";

std::string bool_field(const char* name, int v) {
  if (v < 0) return "";
  return std::string(",\"") + name + "\":" + (v ? "true" : "false");
}

tenet::core::RuleStatus status_of(const tenet::core::Policy& policy, int a, int b, std::size_t rule) {
  const std::string record = std::string("{\"id\":\"x\"") + bool_field("a", a) + bool_field("b", b) + "}";
  return test::decide(policy, record).at(0).statuses.at(rule);
}

}  // namespace

TEST_CASE("evaluator: Kleene truth tables (T, F, unknown)") {
  using S = tenet::core::RuleStatus;
  auto policy = test::compile(kLogic);
  const int T = 1, F = 0, U = -1;
  struct Row {
    int a, b;
    S and_, or_;
  };
  const Row rows[] = {
      {T, T, S::fired, S::fired},     {T, F, S::not_fired, S::fired},     {T, U, S::unknown, S::fired},
      {F, T, S::not_fired, S::fired}, {F, F, S::not_fired, S::not_fired}, {F, U, S::not_fired, S::unknown},
      {U, T, S::unknown, S::fired},   {U, F, S::not_fired, S::unknown},   {U, U, S::unknown, S::unknown},
  };
  for (const auto& row : rows) {
    INFO("a=" << row.a << " b=" << row.b);
    CHECK(status_of(*policy, row.a, row.b, 0) == row.and_);
    CHECK(status_of(*policy, row.a, row.b, 1) == row.or_);
  }
  CHECK(status_of(*policy, T, U, 2) == S::not_fired);
  CHECK(status_of(*policy, F, U, 2) == S::fired);
  CHECK(status_of(*policy, U, U, 2) == S::unknown);
}

namespace {
const std::string kHits = R"(policy hits "Hit policies" version "1"
schema s { id: string key  x: number }
rule low { when x > 0 then recommend small priority 10 }
rule high_a { when x > 1 then recommend big priority 50 }
rule high_b { when x > 2 then recommend bigger priority 50 }
decision d { hit HIT default nothing }
)";
std::string with_hit(const char* hit) {
  std::string s = kHits;
  s.replace(s.find("HIT"), 3, hit);
  return s;
}
}  // namespace

TEST_CASE("decision: priority picks the highest, ties go to the rule declared first") {
  auto policy = test::compile(with_hit("priority"));
  const std::string expected =
      R"({"id":"a","decision":"big","recommendations":[{"rule":"high_a","action":"big","priority":50,"chosen":true},{"rule":"high_b","action":"bigger","priority":50,"chosen":false,"overridden_by":"high_a"},{"rule":"low","action":"small","priority":10,"chosen":false,"overridden_by":"high_a"}],"flags":[],"policy":{"name":"hits","version":"1","sha256":)";
  CHECK(test::run(*policy, "{\"id\":\"a\",\"x\":3}").at(0).substr(0, expected.size()) == expected);
  const auto d = test::decide(*policy, "{\"id\":\"b\",\"x\":0}");
  CHECK(policy->action_names(d.at(0)) == std::vector<std::string>{"nothing"});
  CHECK(d.at(0).recommendations.empty());
}

TEST_CASE("decision: first picks the first fired rule in declaration order") {
  auto policy = test::compile(with_hit("first"));
  const auto d = test::decide(*policy, "{\"id\":\"a\",\"x\":3}");
  CHECK(policy->action_names(d.at(0)) == std::vector<std::string>{"small"});
  REQUIRE(d.at(0).recommendations.size() == 3);
  CHECK(d.at(0).recommendations[0].chosen);
  CHECK(d.at(0).recommendations[1].overridden_by == 0);
}

TEST_CASE("decision: collect keeps all, by priority then declaration order") {
  auto policy = test::compile(with_hit("collect"));
  const auto lines = test::run(*policy, "{\"id\":\"a\",\"x\":3}\n{\"id\":\"b\",\"x\":-1}");
  CHECK(lines.at(0).substr(0, 30) == R"({"id":"a","decision":["big","b)");
  CHECK(policy->action_names(test::decide(*policy, "{\"id\":\"a\",\"x\":3}").at(0)) == std::vector<std::string>{"big", "bigger", "small"});
  CHECK(lines.at(1).substr(0, 50) == R"({"id":"b","decision":["nothing"],"recommendations")");
}

TEST_CASE("evaluator: arithmetic, sets, functions and unknown reasons") {
  auto policy = test::compile(R"(policy f "F" version "1"
schema s { id: string key  a: number  b: number optional  t: list<string>  name: string }
param core: set<string> = {"x", "y"}
let beyond = t - core
rule r { when count(beyond) > 0 then recommend act
         because "{beyond}|{t & core}|{t | core}|{a / 3}|{min(a, 2)}|{max(a, 2)}|{abs(-a)}|{coalesce(b, 7)}|{lower(name)}|{contains(name, "B")}|{b}|{a / 0}|{a between 1 and 10}|{"y" in t}|{b is missing}" }
decision d { hit priority default none }
)");
  const auto d = test::decide(*policy, R"({"id":"1","a":10,"t":["z","x","w"],"name":"ABC"})");
  CHECK(d.at(0).text(d.at(0).recommendations.at(0).because) ==
        "z, w|x|z, x, w, y|3.33333333333333333|2|10|10|7|abc|true|unknown|unknown|true|false|true");
}

TEST_CASE("evaluator: unknown carries the reason into the trace") {
  auto policy = test::compile(R"(policy f "F" version "1"
schema s { id: string key  a: number  b: number optional }
rule r { when a / b > 1 or b is missing then flag f }
decision d { hit priority default none }
)");
  const auto lines = test::run(*policy, "{\"id\":\"1\",\"a\":1,\"b\":0}\n{\"id\":\"2\",\"a\":1}", tenet::core::FactsFormat::jsonl, true);
  CHECK(
      lines.at(0).substr(lines.at(0).find("\"trace\"")) ==
      R"("trace":{"rules":[{"rule":"r","status":"unknown","condition":{"expr":"a / b > 1 or b is missing","line":3,"column":15,"value":null,"unknown":"division by zero","operands":[{"expr":"a / b > 1","line":3,"column":15,"value":null,"unknown":"division by zero","operands":[{"expr":"a / b","line":3,"column":15,"value":null,"unknown":"division by zero","operands":[{"expr":"a","line":3,"column":15,"value":1},{"expr":"b","line":3,"column":19,"value":0}]},{"expr":"1","line":3,"column":23,"value":1}]},{"expr":"b is missing","line":3,"column":28,"value":false,"operands":[{"expr":"b","line":3,"column":28,"value":0}]}]}}]}})");
  CHECK(lines.at(1).find(R"("status":"fired")") != std::string::npos);
  CHECK(lines.at(1).find(R"({"expr":"b","line":3,"column":19,"value":null,"unknown":"b is missing"})") != std::string::npos);
}

TEST_CASE("evaluator: params can be overridden, checked against their type") {
  const std::string text = R"(policy f "F" version "1"
schema s { id: string key  a: number }
param limit: number = 5
param names: set<string> = {"a"}
rule r { when a > limit then recommend act }
decision d { hit priority default none }
)";
  auto policy = test::compile(text, {{"limit", "0.5"}});
  CHECK(policy->action_name(test::decide(*policy, "{\"id\":\"1\",\"a\":1}").at(0).actions.at(0)) == "act");
  auto bad = tenet::core::Policy::compile(tenet::core::SourceFile("t", text), {{"limit", "five"}, {"limt", "1"}, {"names", "a,b"}});
  CHECK_FALSE(bad.policy);
  CHECK(bad.param_errors == std::vector<std::string>{"--param limit=five: 'five' is not a number; 'limit' is a number",
                                                     "--param limt: the policy has no param 'limt'; did you mean 'limit'?"});
}

TEST_CASE("evaluator: output is deterministic") {
  auto policy = test::compile(test::read_file(test::spec_path("customer_focus.tenet")));
  const std::string facts = test::read_file(test::spec_path("customer_focus.jsonl"));
  CHECK(test::run(*policy, facts) == test::run(*policy, facts));
  auto again = test::compile(test::read_file(test::spec_path("customer_focus.tenet")));
  CHECK(test::run(*policy, facts, tenet::core::FactsFormat::jsonl, true) ==
        test::run(*again, facts, tenet::core::FactsFormat::jsonl, true));
}

namespace {
// fired() and flagged() over rules whose conditions are three-valued (v2 contract, section 1).
const std::string kGraph = R"(policy graph "Three-valued graph references" version "1"
schema s { id: string key  a: bool optional  b: bool optional }
rule ra { when a then flag f }
rule rb { when b then flag f }
rule not_fired_ra { when not fired(ra) then flag g1 }
rule not_flagged_f { when not flagged(f) then flag g2 }
decision d { hit collect default none }
)";
}  // namespace

TEST_CASE("evaluator: fired(R) has R's status and flagged(F) is the Kleene or of F's rules; not of unknown is unknown") {
  using S = tenet::core::RuleStatus;
  auto policy = test::compile(kGraph);
  const int T = 1, F = 0, U = -1;
  struct Row {
    int a, b;
    S not_fired, not_flagged;
  };
  const Row rows[] = {
      {T, U, S::not_fired, S::not_fired},  // ra fired: fired(ra) true, flagged(f) true
      {F, F, S::fired, S::fired},          // both false
      {U, F, S::unknown, S::unknown},      // ra unknown: neither is false
      {F, U, S::fired, S::unknown},        // rb unknown, ra false: flagged(f) unknown
      {U, T, S::unknown, S::not_fired},    // rb fired decides flagged(f), whatever ra
  };
  for (const auto& row : rows) {
    INFO("a=" << row.a << " b=" << row.b);
    CHECK(status_of(*policy, row.a, row.b, 2) == row.not_fired);
    CHECK(status_of(*policy, row.a, row.b, 3) == row.not_flagged);
  }
  // The value's reason names the rule, and the decision names the field behind it.
  const auto d = test::decide(*policy, R"({"id":"x","b":false})").at(0);
  REQUIRE(d.unknown.size() == 3);
  CHECK(d.unknown[0].rule == 0);
  CHECK(d.unknown[1].rule == 2);
  CHECK(d.unknown[2].rule == 3);
  for (const auto& u : d.unknown) {
    REQUIRE(u.missing_end - u.missing_begin == 1);
    CHECK(d.missing[u.missing_begin] == 1);  // field a
  }
  CHECK(d.provisional == false);  // collect, but no rule recommends
}

namespace {
// Provisional decisions under each hit policy (v2 contract, section 2).
const std::string kProvisional = R"(policy prov "Provisional" version "1"
schema s { id: string key  x: number  u: number optional }
rule top { when u > 0 then recommend top priority 90 }
rule mid { when x > 0 then recommend mid priority 50 }
rule tie_after { when u > 0 then recommend tie priority 50 }
decision d { hit HIT default none }
)";
bool provisional(const char* hit, const char* record) {
  std::string text = kProvisional;
  text.replace(text.find("HIT"), 3, hit);
  auto policy = test::compile(text);
  return test::decide(*policy, record).at(0).provisional;
}
}  // namespace

TEST_CASE("evaluator: a decision is provisional when an unknown recommending rule could have been chosen instead") {
  // priority: `top` (90, unknown) outranks the chosen `mid` (50).
  CHECK(provisional("priority", R"({"id":"a","x":1})"));
  // All known: certain.
  CHECK_FALSE(provisional("priority", R"({"id":"a","x":1,"u":-1})"));
  // first: `top`, declared before the chosen `mid`, is unknown.
  CHECK(provisional("first", R"({"id":"a","x":1})"));
  // collect: any unknown recommending rule.
  CHECK(provisional("collect", R"({"id":"a","x":1})"));
  // The default reached while a recommending rule is unknown.
  CHECK(provisional("priority", R"({"id":"a","x":-1})"));
  CHECK(provisional("first", R"({"id":"a","x":-1})"));
}

TEST_CASE("evaluator: an unknown rule of equal priority declared after the chosen one leaves the decision certain") {
  const std::string text = R"(policy prov "Provisional" version "1"
schema s { id: string key  x: number  u: number optional }
rule mid { when x > 0 then recommend mid priority 50 }
rule tie_after { when u > 0 then recommend tie priority 50 }
rule below { when u > 0 then recommend low priority 10 }
decision d { hit priority default none }
)";
  auto policy = test::compile(text);
  const auto d = test::decide(*policy, R"({"id":"a","x":1})").at(0);
  CHECK(policy->action_names(d) == std::vector<std::string>{"mid"});
  CHECK(d.unknown.size() == 2);
  CHECK_FALSE(d.provisional);
}

TEST_CASE("evaluator: 2000 fired recommendations are ordered by priority, ties in declaration order") {
  std::string text = "policy many \"Many\" version \"1\"\nschema s { id: string key  x: number }\n";
  for (int i = 0; i < 2000; ++i) text += fmt::format("rule r{} {{ when x > 0 then recommend a{} priority {} }}\n", i, i, i % 7);
  text += "decision d { hit collect default none }\n";
  auto policy = test::compile(text);
  const auto d = test::decide(*policy, R"({"id":"a","x":1})").at(0);
  REQUIRE(d.recommendations.size() == 2000);
  for (std::size_t i = 1; i < d.recommendations.size(); ++i) {
    const auto& p = d.recommendations[i - 1];
    const auto& q = d.recommendations[i];
    CHECK((p.priority > q.priority || (p.priority == q.priority && p.rule < q.rule)));
  }
  CHECK(policy->action_name(d.actions.front()) == "a6");
}
