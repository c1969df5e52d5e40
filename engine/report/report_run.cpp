#include "engine/report/report_run.hpp"

#include <algorithm>
#include <cmath>
#include <memory>
#include <stdexcept>

#include "engine/batch/portfolio_run.hpp"
#include "engine/output/text_writer.hpp"

namespace tenet::core {

namespace {

// A thread's evaluator and builder, kept for the run.
struct Decider {
  Evaluator evaluator;
  RecordBuilder builder;
  Decision decision;
  Decider(const Policy& policy, const ReportOptions& options) : evaluator(policy), builder(policy, options.stream.input_options) {
    builder.write_into(evaluator.field_slots());
    // The fields the report shows are read even when no rule reads them.
    if (options.by) builder.also_read(*options.by);
    if (options.histogram) builder.also_read(*options.histogram);
    evaluator.set_portfolio(options.portfolio);
    evaluator.set_explain(false);  // because texts only for the samples, evaluated again with them
  }
};

// A block adds to the report what the whole holds, merged in input order.
using Run = PortfolioRun<ReportData, Decider>;

// A number at 3 significant digits: the histogram's bins, fine enough to be redrawn in any
// coarser bins, and as many as the decades the values span, whatever the count of records.
double bin_of(const Decimal& d) {
  const double v = static_cast<double>(d.coefficient()) * std::pow(10.0, d.exponent());
  if (v == 0 || !std::isfinite(v)) return 0;
  const double scale = std::pow(10.0, std::floor(std::log10(std::fabs(v))) - 2);
  return std::round(v / scale) * scale;
}

// The key of a --by value: its text behind '=' (so that a value written "(absent)" is not the
// absent row), kAbsent, or kOther for a value too long to be a category (memory stays bounded).
std::string value_key(const Value& v) {
  if (v.is_unknown()) return ReportData::kAbsent;
  std::string out = "=";
  append_value_text(out, v);
  if (out.size() > ReportData::kMaxValueBytes + 1) return ReportData::kOther;
  return out;
}

class Runner {
 public:
  Runner(const Policy& policy, const ReportOptions& options, std::FILE* input)
      : policy_(policy), options_(options), run_(input, options.stream.input, options.stream.block_bytes, options.stream.threads) {}

  std::string run(ReportData& out) {
    out.summary = Summary::of(policy_);
    out.samples.assign(policy_.checked().module.rules.size() + 1, {});
    if (!run_.read_header({&policy_}, options_.stream.input_options)) return run_.failure();
    return run_.run_merging([&](Run::Work& w) { process(w); }, [&](Run::Work& w) { merge(w.result, out); });
  }

 private:
  void process(Run::Work& w) {
    ReportData& r = w.result;
    r = ReportData{};
    r.summary = Summary::of(policy_);
    const std::size_t rules = policy_.checked().module.rules.size();
    r.samples.assign(rules + 1, {});
    if (!run_.readable(w)) return;
    Decider& d = run_.local([&] { return std::make_unique<Decider>(policy_, options_); });
    SummaryTally tally(policy_, {});
    const RecordSink sink = [&](std::size_t line, Record* record, RecordError* error) {
      if (!record) {
        tally.add(*error);
        return;
      }
      d.evaluator.evaluate_in_place(*record, d.decision);
      tally.add(d.decision, d.evaluator.frame());
      if (options_.by) {
        std::string key = value_key(d.evaluator.frame().slot(*options_.by));
        auto it = r.by_value.find(key);
        if (it == r.by_value.end()) {
          r.value_order.push_back(key);
          it = r.by_value.emplace(std::move(key), std::map<std::string, std::uint64_t>{}).first;
        }
        ++it->second[decision_text(policy_, d.decision.actions)];
      }
      if (options_.histogram) {
        const Value& v = d.evaluator.frame().slot(*options_.histogram);
        if (v.kind != Value::Kind::number) {
          ++r.histogram_absent;
        } else {
          ++r.histogram[bin_of(v.number)];
          if (!r.histogram_min || v.number.compare(*r.histogram_min) < 0) r.histogram_min = v.number;
          if (!r.histogram_max || v.number.compare(*r.histogram_max) > 0) r.histogram_max = v.number;
        }
      }
      std::size_t bucket = rules;  // the default
      for (const auto& rec : d.decision.recommendations)
        if (rec.chosen) {
          bucket = rec.rule;
          break;
        }
      if (r.samples[bucket].size() < options_.samples) {
        d.evaluator.set_explain(true);         // the same slots again, with the because texts
        std::swap(record->id, d.decision.id);  // the first evaluation took the id
        d.evaluator.evaluate_in_place(*record, d.decision);
        d.evaluator.set_explain(false);
        ReportSample sample;
        sample.line = line;
        sample.id = d.decision.id;
        write_decision_text(sample.explanation, policy_, d.decision);
        sample.trace = trace_tree(policy_, d.decision, d.evaluator.frame());
        r.samples[bucket].push_back(std::move(sample));
      }
    };
    read_block(w.block, options_.stream.input, run_.layout(), d.builder, sink);
    tally.add_to(r.summary);
  }

  // In input order: what makes the report deterministic whatever the threads.
  void merge(ReportData& r, ReportData& out) const {
    std::string error;
    if (!out.summary.merge(r.summary, error)) throw std::logic_error("a block's summary does not merge: " + error);
    for (const auto& value : r.value_order) {
      const bool known = out.by_value.count(value) > 0;
      const bool room = out.value_order.size() < ReportData::kMaxValues;
      const std::string& into = known || room ? value : std::string(ReportData::kOther);
      if (!out.by_value.count(into)) out.value_order.push_back(into);
      for (const auto& [decision, n] : r.by_value[value]) out.by_value[into][decision] += n;
    }
    for (const auto& [bin, n] : r.histogram) out.histogram[bin] += n;
    if (r.histogram_min && (!out.histogram_min || r.histogram_min->compare(*out.histogram_min) < 0)) out.histogram_min = r.histogram_min;
    if (r.histogram_max && (!out.histogram_max || r.histogram_max->compare(*out.histogram_max) > 0)) out.histogram_max = r.histogram_max;
    out.histogram_absent += r.histogram_absent;
    for (std::size_t b = 0; b < r.samples.size(); ++b)
      for (auto& sample : r.samples[b])
        if (out.samples[b].size() < options_.samples) out.samples[b].push_back(std::move(sample));
  }

  const Policy& policy_;
  const ReportOptions& options_;
  Run run_;
};

}  // namespace

std::string run_report(const Policy& policy, const ReportOptions& options, std::FILE* input, ReportData& out) {
  return Runner(policy, options, input).run(out);
}

}  // namespace tenet::core
