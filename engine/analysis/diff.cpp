#include "engine/analysis/diff.hpp"

#include <oneapi/tbb/enumerable_thread_specific.h>

#include <algorithm>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "engine/batch/block_pipeline.hpp"
#include "engine/json_text.hpp"
#include "engine/output/json_writer.hpp"

namespace tenet {

namespace {

// One side's outcome for one record.
struct Outcome {
  std::string key;       // the decision as a transition names it: "release", "a+b" (collect), "error"
  std::string json;      // {"decision":…,"chosen":…} or {"error":…,"kind":…}
  std::string id;
  std::string chosen;    // the chosen rules, "+"-joined; "none" for the default or an error
  std::vector<RuleStatus> statuses;
};

struct BlockDiff {
  std::string output;
  DiffSummary summary;
};

using Pipeline = BlockPipeline<BlockDiff>;

// One policy's side of the run: its evaluator and record builder, one a thread.
struct Side {
  const Policy& policy;
  Evaluator evaluator;
  RecordBuilder builder;
  Decision decision;
  Side(const Policy& p, const DiffOptions& options) : policy(p), evaluator(p), builder(p, options.input_options) {
    builder.write_into(evaluator.field_slots());
  }

  Outcome outcome(Record* record, RecordError* error) {
    Outcome o;
    if (!record) {
      o.key = "error";
      o.chosen = "none";
      o.id = error->id.value_or("");
      o.json = "{\"error\":";
      append_json_string(o.json, error->message);
      o.json += ",\"kind\":\"";
      o.json += kind_name(error->kind);
      o.json += "\"}";
      return o;
    }
    evaluator.evaluate_in_place(*record, decision);
    const Decision& d = decision;
    o.id = d.id;
    o.statuses = d.statuses;
    const bool collect = policy.hit() == Hit::collect;
    o.json = "{\"decision\":";
    if (collect) o.json += '[';
    for (std::size_t i = 0; i < d.actions.size(); ++i) {
      if (i) {
        o.json += ',';
        o.key += '+';
      }
      o.key += policy.action_name(d.actions[i]);
      append_json_string(o.json, policy.action_name(d.actions[i]));
    }
    if (collect) o.json += ']';
    o.json += ",\"chosen\":";
    std::vector<const std::string*> chosen;
    for (const auto& r : d.recommendations)
      if (r.chosen) chosen.push_back(&policy.checked().module.rules[r.rule].name.text);
    if (collect) o.json += '[';
    for (std::size_t i = 0; i < chosen.size(); ++i) {
      if (i) o.json += ',';
      append_json_string(o.json, *chosen[i]);
      o.chosen += (i ? "+" : "") + *chosen[i];
    }
    if (chosen.empty()) o.chosen = "none";
    if (collect) o.json += ']';
    else if (chosen.empty()) o.json += "null";
    o.json += '}';
    return o;
  }

  // Every record of the block, in order.
  void decide(const Block& block, const CsvLayout& layout, const DiffOptions& options, std::vector<Outcome>& out,
              std::vector<std::size_t>* lines) {
    out.clear();
    const RecordSink sink = [&](std::size_t line, Record* record, RecordError* error) {
      out.push_back(outcome(record, error));
      if (lines) lines->push_back(line);
    };
    if (block.oversized) {
      RecordError error = *block.oversized;
      sink(error.line, nullptr, &error);
    } else if (options.input == FactsFormat::csv) {
      read_csv_rows(std::string_view(block.data(), block.length), layout, builder, sink, block.start);
    } else {
      read_jsonl(std::string_view(block.data(), block.length), block.capacity(), builder, sink, block.start);
    }
  }
};

class DiffRunner {
 public:
  DiffRunner(const Policy& old_policy, const Policy& new_policy, const DiffOptions& options, std::FILE* input,
             const std::function<bool(const std::string&)>& write_output)
      : old_(old_policy), new_(new_policy), options_(options), write_output_(write_output),
        reader_(input, options.input, options.block_bytes),
        pipeline_(reader_, options.threads ? options.threads : std::max(1u, std::thread::hardware_concurrency())) {
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
    if (options_.input == FactsFormat::csv) {
      RecordBuilder old_builder(old_, options_.input_options), new_builder(new_, options_.input_options);
      if (!reader_.read_csv_header(old_builder, old_layout_, &new_builder, &new_layout_)) {
        result.failure = reader_.failure();
        return result;
      }
    }
    pipeline_.run([&](Pipeline::Work& w) { process(w); }, [&](Pipeline::Work& w) { write(w, result); }, [] {});
    if (result.failure.empty() && !result.output_failed) result.failure = reader_.failure();
    return result;
  }

 private:
  struct RuleMatch {
    std::string name;
    std::optional<std::uint32_t> old_index, new_index;
  };
  struct Deciders {
    Deciders(const Policy& a, const Policy& b, const DiffOptions& options) : old_side(a, options), new_side(b, options) {}
    Side old_side, new_side;
    std::vector<Outcome> old_outcomes, new_outcomes;
    std::vector<std::size_t> lines;
  };

  void process(Pipeline::Work& w) {
    BlockDiff& r = w.result;
    r.output.clear();
    r.summary = DiffSummary{};
    if (!pipeline_.readable(w)) return;
    auto& local = deciders_.local();
    if (!local) local = std::make_unique<Deciders>(old_, new_, options_);
    local->lines.clear();
    local->old_side.decide(w.block, old_layout_, options_, local->old_outcomes, &local->lines);
    local->new_side.decide(w.block, new_layout_, options_, local->new_outcomes, nullptr);
    const std::size_t n = std::min(local->old_outcomes.size(), local->new_outcomes.size());
    for (std::size_t i = 0; i < n; ++i) compare(local->old_outcomes[i], local->new_outcomes[i], local->lines[i], r);
  }

  void compare(const Outcome& a, const Outcome& b, std::size_t line, BlockDiff& r) const {
    ++r.summary.records;
    const auto transition = std::make_pair(a.key, b.key);
    ++r.summary.transitions[transition];
    if (a.key == b.key && (a.key != "error" || a.json == b.json)) return;
    ++r.summary.changed;
    auto& causes = r.summary.causes[transition];
    for (const RuleMatch& m : rules_) {
      // A rule one side lacks, or a side that is a record error, is "absent" there.
      const std::string_view before = m.old_index && !a.statuses.empty() ? status_name(a.statuses[*m.old_index]) : "absent";
      const std::string_view after = m.new_index && !b.statuses.empty() ? status_name(b.statuses[*m.new_index]) : "absent";
      if (before == after) continue;
      ++causes[m.name][fmt::format("{} -> {}", before, after)];
    }
    if (a.chosen != b.chosen) ++r.summary.chosen[transition][a.chosen + " -> " + b.chosen];
    r.output += "{\"id\":";
    append_json_string(r.output, a.id.empty() ? b.id : a.id);
    r.output += fmt::format(",\"line\":{},\"old\":", line);
    r.output += a.json;
    r.output += ",\"new\":";
    r.output += b.json;
    r.output += "}\n";
  }

  void write(Pipeline::Work& w, DiffResult& result) {
    if (finished_) return;
    if (!w.read_failure.empty()) {
      result.failure = w.read_failure;
      finished_ = true;
      pipeline_.stop();
      return;
    }
    if (!write_output_(w.result.output)) {
      result.output_failed = true;
      finished_ = true;
      pipeline_.stop();
      return;
    }
    result.summary.merge(w.result.summary);
  }

  const Policy& old_;
  const Policy& new_;
  const DiffOptions& options_;
  const std::function<bool(const std::string&)>& write_output_;
  std::vector<RuleMatch> rules_;
  CsvLayout old_layout_, new_layout_;
  BlockReader reader_;
  Pipeline pipeline_;
  tbb::enumerable_thread_specific<std::unique_ptr<Deciders>> deciders_;
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
  return DiffRunner(old_policy, new_policy, options, input, write_output).run();
}

}  // namespace tenet
