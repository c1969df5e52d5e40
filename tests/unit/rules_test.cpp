// The heuristics library (rules/) against the archetype portfolio (examples/): every expected
// decision, every rule firing somewhere and quiet on its near miss, the focused lenses agreeing.
#include <catch2/catch.hpp>

#include <filesystem>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "helpers.hpp"

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::string source_path(const std::string& relative) { return std::string(TENET_SOURCE_DIR) + "/" + relative; }

// The archetype tests of rules/customer_focus.tests.jsonl (the format of `tenet test`): every
// test line, without the policy line and comments; each names its record by id.
std::vector<json> archetype_tests() {
  std::vector<json> out;
  std::istringstream in(test::read_file(source_path("rules/customer_focus.tests.jsonl")));
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    json j = json::parse(line);
    if (j.contains("test")) out.push_back(std::move(j));
  }
  return out;
}
std::string id_of(const json& t) { return t["record_ref"]["id"]; }

// Per record id: the fired rule names (declaration order), or the record error.
struct Run {
  std::map<std::string, std::vector<std::string>> fired;
  std::map<std::string, std::vector<std::string>> flags;
  std::map<std::string, std::string> decision;
  std::map<std::string, std::string> errors;
  std::vector<std::string> order;
};

Run run_portfolio(const tenet::core::Policy& policy) {
  Run run;
  tenet::core::Evaluator evaluator(policy);
  std::string fatal;
  const auto& rules = policy.checked().module.rules;
  const std::string portfolio = test::read_file(source_path("examples/portfolio.jsonl"));
  const tenet::core::PortfolioStats ranks = tenet::core::portfolio_of(portfolio, tenet::core::FactsFormat::jsonl, policy);  // percentile()
  evaluator.set_portfolio(&ranks);
  tenet::core::read_facts(
      portfolio, tenet::core::FactsFormat::jsonl, policy,
      [&](std::size_t, tenet::core::Record* r, tenet::core::RecordError* e) {
        if (!r) {
          run.errors[*e->id] = e->message;
          run.order.push_back(*e->id);
          return;
        }
        const auto d = evaluator.evaluate(std::move(*r));
        run.order.push_back(d.id);
        for (std::size_t i = 0; i < rules.size(); ++i) {
          if (d.statuses[i] == tenet::core::RuleStatus::fired) run.fired[d.id].push_back(rules[i].name.text);
        }
        for (auto f : d.flags) run.flags[d.id].push_back(policy.checked().flags[f].name);
        run.decision[d.id] = policy.action_name(d.actions.at(0));
      },
      fatal);
  return run;
}

}  // namespace

TEST_CASE("rules: every policy in rules/ checks with no errors and no warnings") {
  std::size_t policies = 0;
  for (const auto& entry : fs::directory_iterator(source_path("rules"))) {
    if (entry.path().extension() != ".tenet") continue;
    ++policies;
    auto result = tenet::core::Policy::compile(tenet::core::SourceFile(entry.path().string(), test::read_file(entry.path().string())));
    INFO(entry.path().string());
    CHECK(tenet::core::render(*result.sources, result.diagnostics) == "");
    REQUIRE(result.policy);
    for (const auto& rule : result.policy->checked().module.rules) {
      INFO(rule.name.text);
      CHECK(rule.title.has_value());
      CHECK(rule.source.has_value());
      CHECK(rule.because.has_value());
    }
  }
  CHECK(policies == 5);
}

// Every archetype's verdict is asserted by `tenet test rules/` itself (the golden
// eval/test.library): the library is tested by the tool its users have.

TEST_CASE("rules: every rule fires on an archetype and stays quiet on its near miss") {
  auto policy = test::compile(test::read_file(source_path("rules/customer_focus.tenet")));
  Run run = run_portfolio(*policy);
  std::map<std::string, std::vector<std::string>> near_misses;
  for (const auto& t : archetype_tests()) {
    if (t.contains("near_miss_of")) near_misses[t["near_miss_of"]].push_back(id_of(t));
  }
  for (const auto& rule : policy->checked().module.rules) {
    const std::string& name = rule.name.text;
    INFO(name);
    bool fires = false;
    for (const auto& [id, fired] : run.fired) fires = fires || std::count(fired.begin(), fired.end(), name) > 0;
    CHECK(fires);
    CHECK_FALSE(near_misses[name].empty());
    for (const auto& id : near_misses[name]) {
      INFO("near miss " << id);
      CHECK(std::count(run.fired[id].begin(), run.fired[id].end(), name) == 0);
    }
  }
}

TEST_CASE("rules: the focused lenses agree with the portfolio policy on every shared rule") {
  auto full = test::compile(test::read_file(source_path("rules/customer_focus.tenet")));
  const Run reference = run_portfolio(*full);
  for (const char* lens : {"loyalty", "fit_and_cost", "frontline", "indispensability"}) {
    INFO(lens);
    auto policy = test::compile_file(source_path(std::string("rules/") + lens + ".tenet"));
    Run run = run_portfolio(*policy);
    std::set<std::string> names;
    for (const auto& rule : policy->checked().module.rules) names.insert(rule.name.text);
    for (const auto& id : reference.order) {
      if (reference.errors.count(id)) continue;
      std::vector<std::string> shared;
      for (const auto& rule : reference.fired.count(id) ? reference.fired.at(id) : std::vector<std::string>{}) {
        if (names.count(rule)) shared.push_back(rule);
      }
      INFO(id);
      // Each lists its rules in its own declaration order.
      std::vector<std::string> fired = run.fired.count(id) ? run.fired.at(id) : std::vector<std::string>{};
      std::sort(fired.begin(), fired.end());
      std::sort(shared.begin(), shared.end());
      CHECK(fired == shared);
    }
  }
}

TEST_CASE("rules: the focused lenses import their rules from the portfolio policy, none written twice") {
  for (const char* lens : {"loyalty", "fit_and_cost", "frontline", "indispensability"}) {
    INFO(lens);
    auto policy = test::compile_file(source_path(std::string("rules/") + lens + ".tenet"));
    REQUIRE(policy->info().imports.size() == 1);
    CHECK(policy->info().imports[0].first == "customer_focus.tenet");
    CHECK(policy->info().imports[0].second.size() == 64);
    CHECK_FALSE(policy->checked().module.rules.empty());
    for (const auto& rule : policy->checked().module.rules) {
      INFO(rule.name.text);
      CHECK(policy->sources().file_at(rule.range.begin).path() == source_path("rules/customer_focus.tenet"));
    }
  }
}
