#include "engine/analysis/sensitivity.hpp"

#include <algorithm>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "engine/batch/portfolio_pass.hpp"
#include "engine/batch/portfolio_run.hpp"
#include "engine/output/json_writer.hpp"

namespace tenet::core {

namespace {

// A thread's evaluators, one per value, and the record builder they share: the policies differ
// only in a param, so one record read serves them all.
struct Deciders {
  RecordBuilder builder;
  std::vector<Evaluator> evaluators;
  Decision decision;
  Deciders(const std::vector<SensitivityStep>& steps, const SensitivityOptions& options,
           const std::vector<const PortfolioStats*>& portfolios)
      : builder(*steps.front().policy, options.input_options) {
    for (std::size_t i = 0; i < steps.size(); ++i) {
      evaluators.emplace_back(*steps[i].policy);
      evaluators.back().set_portfolio(portfolios[i]);
    }
  }
};

using Run = PortfolioRun<std::vector<Summary>, Deciders>;

class Runner {
 public:
  Runner(std::vector<SensitivityStep>& steps, const SensitivityOptions& options, std::FILE* input,
         const std::vector<const PortfolioStats*>& portfolios)
      : steps_(steps), options_(options), portfolios_(portfolios), run_(input, options.input, options.block_bytes, options.threads) {}

  std::string run() {
    for (auto& step : steps_) step.summary = Summary::of(*step.policy);
    if (!run_.read_header({steps_.front().policy.get()}, options_.input_options)) return run_.failure();
    return run_.run_merging([&](Run::Work& w) { process(w); },
                            [&](Run::Work& w) {
                              std::string error;
                              for (std::size_t i = 0; i < steps_.size(); ++i)
                                if (!steps_[i].summary.merge(w.result[i], error))
                                  throw std::logic_error("a block's summary does not merge: " + error);
                            });
  }

 private:
  void process(Run::Work& w) {
    auto& summaries = w.result;
    summaries.clear();
    for (const auto& step : steps_) summaries.push_back(Summary::of(*step.policy));
    if (!run_.readable(w)) return;
    Deciders& local = run_.local([&] { return std::make_unique<Deciders>(steps_, options_, portfolios_); });
    std::vector<SummaryTally> tallies;
    for (const auto& step : steps_) tallies.emplace_back(*step.policy, std::vector<std::uint32_t>{});
    const std::size_t fields = steps_.front().policy->checked().schema().fields.size();
    const RecordSink sink = [&](std::size_t, Record* record, RecordError* error) {
      for (std::size_t i = 0; i < steps_.size(); ++i) {
        if (!record) {
          tallies[i].add(*error);
          continue;
        }
        Evaluator& evaluator = local.evaluators[i];
        std::copy(record->fields.begin(), record->fields.begin() + static_cast<std::ptrdiff_t>(fields), evaluator.field_slots());
        evaluator.evaluate_in_place(*record, local.decision);
        tallies[i].add(local.decision, evaluator.frame());
      }
    };
    read_block(w.block, options_.input, run_.layout(), local.builder, sink);
    for (std::size_t i = 0; i < steps_.size(); ++i) tallies[i].add_to(summaries[i]);
  }

  std::vector<SensitivityStep>& steps_;
  const SensitivityOptions& options_;
  const std::vector<const PortfolioStats*>& portfolios_;  // per step, for percentile(); or null
  Run run_;
};

// Every decision any value made, in order.
std::vector<std::string> all_decisions(const SensitivityResult& result) {
  std::set<std::string> names;
  for (const auto& step : result.steps)
    for (const auto& [name, count] : step.summary.decisions) names.insert(name);
  return {names.begin(), names.end()};
}

// Whether two steps' first passes are the same: every constant their percentile code reads (the
// moved param among them, if it is read) has the same value.
bool same_first_pass(const Program& a, const Program& b) {
  for (const Instruction& in : a.percentile_code) {
    const int operands = operand_count(in.code);
    const std::uint32_t slots[3] = {in.a, in.b, in.c};
    for (int i = 0; i < operands; ++i)
      if (a.is_constant(slots[i]) && !equal(a.initial_frame[slots[i]], b.initial_frame[slots[i]])) return false;
  }
  return true;
}

}  // namespace

SensitivityResult run_sensitivity(std::vector<SensitivityStep> steps, const SensitivityOptions& options, std::FILE* input) {
  SensitivityResult result;
  // percentile(): the distributions of each distinct first pass (one for all steps unless the
  // ranked lets read the moved param), all collected in one pass over the portfolio.
  std::vector<std::unique_ptr<PortfolioStats>> distributions;
  std::vector<const Policy*> collected;
  std::vector<PortfolioStats*> into;
  std::vector<const PortfolioStats*> portfolios(steps.size(), nullptr);
  for (std::size_t i = 0; i < steps.size() && steps[i].policy->needs_portfolio(); ++i) {
    const Program& program = steps[i].policy->program();
    if (i > 0 && same_first_pass(steps[i - 1].policy->program(), program)) {
      portfolios[i] = portfolios[i - 1];
      continue;
    }
    distributions.push_back(std::make_unique<PortfolioStats>(program));
    collected.push_back(steps[i].policy.get());
    into.push_back(distributions.back().get());
    portfolios[i] = distributions.back().get();
  }
  if (!collected.empty()) result.failure = collect_portfolio(collected, options, input, into);
  if (!result.failure.empty()) {
    result.steps = std::move(steps);
    return result;
  }
  result.failure = Runner(steps, options, input, portfolios).run();
  result.steps = std::move(steps);
  return result;
}

std::string sensitivity_text(const std::string& param, const SensitivityResult& result) {
  const auto decisions = all_decisions(result);
  std::vector<std::string> header{param};
  header.insert(header.end(), decisions.begin(), decisions.end());
  header.push_back("provisional");
  header.push_back("errors");
  std::vector<std::vector<std::string>> rows{header};
  for (const auto& step : result.steps) {
    std::vector<std::string> row{step.value};
    for (const auto& d : decisions) {
      auto it = step.summary.decisions.find(d);
      row.push_back(std::to_string(it == step.summary.decisions.end() ? 0 : it->second));
    }
    row.push_back(std::to_string(step.summary.provisional));
    row.push_back(std::to_string(step.summary.errors));
    rows.push_back(std::move(row));
  }
  std::vector<std::size_t> width(header.size(), 0);
  for (const auto& row : rows)
    for (std::size_t c = 0; c < row.size(); ++c) width[c] = std::max(width[c], row[c].size());
  std::string out;
  for (const auto& row : rows) {
    for (std::size_t c = 0; c < row.size(); ++c) {
      if (c == 0) out += fmt::format("{:<{}}", row[c], width[c]);  // the value, then counts aligned right
      else out += fmt::format("  {:>{}}", row[c], width[c]);
    }
    out += '\n';
  }
  return out;
}

std::string sensitivity_json(const std::string& param, const SensitivityResult& result) {
  nlohmann::ordered_json j;
  j["param"] = param;
  if (!result.steps.empty()) {
    std::string policy;
    append_policy_json(policy, result.steps.front().summary.policy);
    auto object = nlohmann::ordered_json::parse(policy);
    object.erase("params");  // each step has its own value of the param
    j["policy"] = object;
  }
  j["steps"] = nlohmann::ordered_json::array();
  for (const auto& step : result.steps) {
    nlohmann::ordered_json s;
    s["value"] = step.value;
    s["decisions"] = step.summary.decisions;
    s["provisional"] = step.summary.provisional;
    s["errors"] = step.summary.errors;
    nlohmann::ordered_json fired = nlohmann::ordered_json::object();
    for (const auto& [name, counts] : step.summary.rules) fired[name] = counts.fired;
    s["fired"] = fired;
    j["steps"].push_back(std::move(s));
  }
  return j.dump() + "\n";
}

}  // namespace tenet::core
