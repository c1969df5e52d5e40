#include "engine/analysis/diff.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "engine/batch/portfolio_pass.hpp"
#include "engine/batch/portfolio_run.hpp"
#include "engine/batch/summary.hpp"
#include "engine/json_text.hpp"
#include "engine/output/json_writer.hpp"

namespace tenet::core {

namespace {

// One side's outcome for one record, kept as indices: the texts are made only for the records
// whose decision changed (and the transition names once a block).
struct Outcome {
  bool error = false;
  std::string id;
  std::vector<std::uint32_t> actions;  // Policy::action_name()
  std::vector<std::uint32_t> chosen;   // rule indices
  std::vector<RuleStatus> statuses;
  std::string message;  // a record error's
  ErrorKind kind = ErrorKind::malformed;
};

struct BlockDiff {
  std::string output;
  DiffSummary summary;
};

// One policy's side of the run: its evaluator and record builder, one a thread.
struct Side {
  const Policy& policy;
  Evaluator evaluator;
  RecordBuilder builder;
  Decision decision;
  std::vector<Outcome> outcomes;  // the block's, reused block after block
  std::size_t count = 0;
  Side(const Policy& p, const DiffOptions& options, const PortfolioStats* portfolio)
      : policy(p), evaluator(p), builder(p, options.input_options) {
    builder.write_into(evaluator.field_slots());
    evaluator.set_portfolio(portfolio);
  }

  void record(Record* record, RecordError* error, Outcome& o) {
    o.error = record == nullptr;
    if (!record) {
      o.id = error->id.value_or("");
      o.message = error->message;
      o.kind = error->kind;
      o.statuses.clear();
      return;
    }
    evaluator.evaluate_in_place(*record, decision);
    o.id = decision.id;
    o.actions = decision.actions;
    o.statuses = decision.statuses;
    o.chosen.clear();
    for (const auto& r : decision.recommendations)
      if (r.chosen) o.chosen.push_back(r.rule);
  }

  // Every record of the block, in order, into outcomes[0, count).
  void decide(const Block& block, const CsvLayout& layout, const DiffOptions& options, std::vector<std::size_t>* lines) {
    count = 0;
    const RecordSink sink = [&](std::size_t line, Record* r, RecordError* error) {
      if (count == outcomes.size()) outcomes.emplace_back();
      record(r, error, outcomes[count++]);
      if (lines) lines->push_back(line);
    };
    read_block(block, options.input, layout, builder, sink);
  }

  // The decision as a transition names it (as summaries do): "release", "a+b" (collect), "error".
  std::string key(const Outcome& o) const { return o.error ? "error" : decision_text(policy, o.actions); }
  std::string chosen_key(const Outcome& o) const {
    std::string out;
    for (std::size_t i = 0; i < o.chosen.size(); ++i) out += (i ? "+" : "") + policy.checked().module.rules[o.chosen[i]].name.text;
    return out.empty() ? "none" : out;
  }
  // {"decision":…,"chosen":…} (arrays under collect), or {"error":…,"kind":…}.
  std::string json(const Outcome& o) const {
    std::string out;
    if (o.error) {
      out = "{\"error\":";
      append_json_string(out, o.message);
      out += ",\"kind\":\"";
      out += kind_name(o.kind);
      return out + "\"}";
    }
    const bool collect = policy.hit() == Hit::collect;
    out = "{\"decision\":";
    append_decision_json(out, policy, o.actions);
    out += collect ? ",\"chosen\":[" : ",\"chosen\":";
    for (std::size_t i = 0; i < o.chosen.size(); ++i) {
      if (i) out += ',';
      append_json_string(out, policy.checked().module.rules[o.chosen[i]].name.text);
    }
    if (!collect && o.chosen.empty()) out += "null";
    return out + (collect ? "]}" : "}");
  }
  // A transition's number under `priority` and `first`: the action, or -1 for an error.
  std::int64_t code(const Outcome& o) const { return o.error ? -1 : static_cast<std::int64_t>(o.actions.front()); }
  std::string name_of(std::int64_t code) const { return code < 0 ? "error" : policy.action_name(static_cast<std::uint32_t>(code)); }
};

// A thread's two sides, kept for the run.
struct Deciders {
  Deciders(const Policy& a, const Policy& b, const DiffOptions& options, const PortfolioStats* a_stats, const PortfolioStats* b_stats)
      : old_side(a, options, a_stats), new_side(b, options, b_stats) {}
  Side old_side, new_side;
  std::vector<std::size_t> lines;
};

using Run = PortfolioRun<BlockDiff, Deciders>;

class DiffRunner {
 public:
  DiffRunner(const Policy& old_policy, const Policy& new_policy, const DiffOptions& options, std::FILE* input,
             const std::function<bool(const std::string&)>& write_output, const PortfolioStats* old_stats, const PortfolioStats* new_stats)
      : old_(old_policy),
        new_(new_policy),
        options_(options),
        write_output_(write_output),
        old_stats_(old_stats),
        new_stats_(new_stats),
        run_(input, options.input, options.block_bytes, options.threads) {
    // Rules matched by name: each name of either policy, with its index on each side.
    const auto add = [&](const Policy& p, bool is_old) {
      const auto& rules = p.checked().module.rules;
      for (std::uint32_t i = 0; i < rules.size(); ++i) {
        auto it = std::find_if(rules_.begin(), rules_.end(), [&](const RuleMatch& m) { return m.name == rules[i].name.text; });
        if (it == rules_.end()) it = rules_.insert(rules_.end(), RuleMatch{rules[i].name.text, std::nullopt, std::nullopt});
        (is_old ? it->old_index : it->new_index) = i;
      }
    };
    add(old_, true);
    add(new_, false);
  }

  DiffResult run() {
    DiffResult result;
    if (!run_.read_header({&old_, &new_}, options_.input_options)) {
      result.failure = run_.failure();
      return result;
    }
    run_.run([&](Run::Work& w) { process(w); }, [&](Run::Work& w) { write(w, result); }, [] {});
    if (result.failure.empty() && !result.output_failed) result.failure = run_.failure();
    return result;
  }

 private:
  struct RuleMatch {
    std::string name;
    std::optional<std::uint32_t> old_index, new_index;
  };

  void process(Run::Work& w) {
    BlockDiff& r = w.result;
    r.output.clear();
    r.summary = DiffSummary{};
    if (!run_.readable(w)) return;
    Deciders& local = run_.local([&] { return std::make_unique<Deciders>(old_, new_, options_, old_stats_, new_stats_); });
    Side& a = local.old_side;
    Side& b = local.new_side;
    local.lines.clear();
    a.decide(w.block, run_.layout(0), options_, &local.lines);
    b.decide(w.block, run_.layout(1), options_, nullptr);
    // Transitions counted by action index where each side has one decision, named once a block.
    const bool numbered = old_.hit() != Hit::collect && new_.hit() != Hit::collect;
    std::map<std::pair<std::int64_t, std::int64_t>, std::uint64_t> counted;
    const std::size_t n = std::min(a.count, b.count);
    for (std::size_t i = 0; i < n; ++i) {
      const Outcome& x = a.outcomes[i];
      const Outcome& y = b.outcomes[i];
      ++r.summary.records;
      if (numbered) ++counted[{a.code(x), b.code(y)}];
      else ++r.summary.transitions[{a.key(x), b.key(y)}];
      if (changed(x, y)) record_change(a, b, x, y, local.lines[i], r);
    }
    for (const auto& [codes, count] : counted) r.summary.transitions[{a.name_of(codes.first), b.name_of(codes.second)}] += count;
  }

  bool changed(const Outcome& x, const Outcome& y) const {
    if (x.error || y.error) return x.error != y.error || x.message != y.message || x.kind != y.kind;
    if (x.actions.size() != y.actions.size()) return true;
    for (std::size_t i = 0; i < x.actions.size(); ++i)
      if (old_.action_name(x.actions[i]) != new_.action_name(y.actions[i])) return true;
    return false;
  }

  void record_change(const Side& a, const Side& b, const Outcome& x, const Outcome& y, std::size_t line, BlockDiff& r) const {
    ++r.summary.changed;
    const auto transition = std::make_pair(a.key(x), b.key(y));
    auto& causes = r.summary.causes[transition];
    for (const RuleMatch& m : rules_) {
      // A rule one side lacks, or a side that is a record error, is "absent" there.
      const std::string_view before = m.old_index && !x.error ? status_name(x.statuses[*m.old_index]) : "absent";
      const std::string_view after = m.new_index && !y.error ? status_name(y.statuses[*m.new_index]) : "absent";
      if (before == after) continue;
      ++causes[m.name][fmt::format("{} -> {}", before, after)];
    }
    const std::string chosen_before = a.chosen_key(x), chosen_after = b.chosen_key(y);
    if (chosen_before != chosen_after) ++r.summary.chosen[transition][chosen_before + " -> " + chosen_after];
    r.output += "{\"id\":";
    append_json_string(r.output, x.id.empty() ? y.id : x.id);
    r.output += fmt::format(",\"line\":{},\"old\":", line);
    r.output += a.json(x);
    r.output += ",\"new\":";
    r.output += b.json(y);
    r.output += "}\n";
  }

  void write(Run::Work& w, DiffResult& result) {
    if (finished_) return;
    if (!w.read_failure.empty()) {
      result.failure = w.read_failure;
      finished_ = true;
      run_.stop();
      return;
    }
    if (!write_output_(w.result.output)) {
      result.output_failed = true;
      finished_ = true;
      run_.stop();
      return;
    }
    result.summary.merge(w.result.summary);
  }

  const Policy& old_;
  const Policy& new_;
  const DiffOptions& options_;
  const std::function<bool(const std::string&)>& write_output_;
  const PortfolioStats* old_stats_;  // each side's first pass, for percentile(); or null
  const PortfolioStats* new_stats_;
  std::vector<RuleMatch> rules_;
  Run run_;
  bool finished_ = false;  // the write stage's
};

}  // namespace

void DiffSummary::merge(const DiffSummary& other) {
  records += other.records;
  changed += other.changed;
  for (const auto& [t, n] : other.transitions) transitions[t] += n;
  for (const auto& [t, rules] : other.causes)
    for (const auto& [rule, changes] : rules)
      for (const auto& [change, n] : changes) causes[t][rule][change] += n;
  for (const auto& [t, changes] : other.chosen)
    for (const auto& [change, n] : changes) chosen[t][change] += n;
}

std::string DiffSummary::to_json(const PolicyInfo& old_policy, const PolicyInfo& new_policy) const {
  std::string old_text, new_text;
  append_policy_json(old_text, old_policy);
  append_policy_json(new_text, new_policy);
  nlohmann::ordered_json j;
  j["old"] = nlohmann::ordered_json::parse(old_text);
  j["new"] = nlohmann::ordered_json::parse(new_text);
  j["records"] = records;
  j["changed"] = changed;
  j["transitions"] = nlohmann::json::array();
  for (const auto& [t, n] : transitions) {
    nlohmann::ordered_json entry;
    entry["old"] = t.first;
    entry["new"] = t.second;
    entry["records"] = n;
    if (auto it = causes.find(t); it != causes.end()) entry["rules"] = it->second;
    if (auto it = chosen.find(t); it != chosen.end()) entry["chosen"] = it->second;
    j["transitions"].push_back(std::move(entry));
  }
  return j.dump() + "\n";
}

DiffResult run_diff(const Policy& old_policy, const Policy& new_policy, const DiffOptions& options, std::FILE* input,
                    const std::function<bool(const std::string&)>& write_output) {
  // A side that reads percentile() has a first pass; both sides share one when they read
  // records alike (the same schema), else each has its own.
  std::optional<PortfolioStats> stats[2];
  const Policy* policies[2] = {&old_policy, &new_policy};
  std::vector<std::vector<const Policy*>> passes;
  std::vector<std::vector<PortfolioStats*>> into;
  for (int i = 0; i < 2; ++i) {
    if (!policies[i]->needs_portfolio()) continue;
    stats[i].emplace(policies[i]->program());
    if (passes.empty() || !same_schema(*passes.back().front(), *policies[i])) {
      passes.emplace_back();
      into.emplace_back();
    }
    passes.back().push_back(policies[i]);
    into.back().push_back(&*stats[i]);
  }
  for (std::size_t p = 0; p < passes.size(); ++p) {
    if (std::string failure = collect_portfolio(passes[p], options, input, into[p]); !failure.empty()) {
      DiffResult result;
      result.failure = std::move(failure);
      return result;
    }
  }
  return DiffRunner(old_policy, new_policy, options, input, write_output, stats[0] ? &*stats[0] : nullptr, stats[1] ? &*stats[1] : nullptr)
      .run();
}

}  // namespace tenet::core
