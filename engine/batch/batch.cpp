#include "engine/batch/batch.hpp"

#include <algorithm>
#include <memory>

#include <fmt/format.h>

#include "engine/batch/portfolio_pass.hpp"
#include "engine/batch/portfolio_run.hpp"
#include "engine/output/json_writer.hpp"
#include "engine/sha256.hpp"

namespace tenet::core {

namespace {

struct BlockResult {
  std::string output;
  std::string rejects;
  Summary summary;
  std::vector<std::uint64_t> error_ordinals;                // which records of the block (0-based) were errors
  std::string head, tail;                                   // the block's first (block 0 only) and last bytes: the input's identity
  std::vector<std::pair<std::uint64_t, std::size_t>> keys;  // KeyTracker::hash() of each record's key, and its line
};

// The identity of an input, for summaries: its size and a hash of its first and last 4 KiB.
// Two shards differ there unless they are the same bytes; hashing all of it would cost a
// pass over the portfolio.
constexpr std::size_t kIdentityBytes = 4096;

// What deciding a block needs, reused block after block: a thread owns one, and so does the
// writer when it redoes a block up to --max-errors.
struct Decider {
  Evaluator evaluator;
  RecordBuilder builder;
  Decision decision;
  Decider(const Policy& policy, const BatchOptions& options, const PortfolioStats* portfolio)
      : evaluator(policy), builder(policy, options.input_options) {
    evaluator.set_explain(options.explain);  // `because` texts are written only with --explain
    evaluator.set_portfolio(portfolio);
    builder.write_into(evaluator.field_slots());
    for (const std::uint32_t field : options.sum_fields) builder.also_read(field);  // totalled by SummaryTally
  }
};

using Run = PortfolioRun<BlockResult, Decider>;
using Work = Run::Work;

void append_reject(std::string& out, const RecordError& e) {
  out += fmt::format("{{\"line\":{},\"offset\":{}", e.line, e.offset);
  if (e.id) {
    out += ",\"id\":";
    append_json_string(out, *e.id);
  }
  out += ",\"error\":";
  append_json_string(out, e.message);
  out += ",\"kind\":\"";
  out += kind_name(e.kind);
  out += "\",\"raw\":";
  append_json_text_lossy(out, e.raw);
  out += "}\n";
}

// The run: block_pipeline.hpp's stages, with a block's records decided on the workers and
// written, in input order, by the last stage.
class Runner {
 public:
  Runner(const Policy& policy, const BatchOptions& options, BatchIO& io, const PortfolioStats* portfolio)
      : policy_(policy),
        options_(options),
        io_(io),
        portfolio_(portfolio),
        run_(io.input, options.input, options.block_bytes, options.threads) {}

  BatchResult run() {
    BatchResult result;
    result.summary = Summary::of(policy_);
    if (!run_.read_header({&policy_}, options_.input_options)) {
      result.failure = run_.failure();
      return result;
    }
    run_.run([&](Work& w) { decide(w); }, [&](Work& w) { write_block(w, result); },
             [&] {  // in the arena: the repeated keys are found with its threads, and no more
               result.summary.duplicate_keys = keys_.finish(result.summary.duplicate_lines, Summary::kDuplicateLinesShown);
             });
    if (result.failure.empty() && !result.output_failed && !result.stopped_at_max_errors) result.failure = run_.failure();
    result.summary.inputs = {fmt::format("{}:{}", input_bytes_, sha256_hex(input_head_ + input_tail_).substr(0, 32))};
    result.summary.keys_checked = options_.check_keys;
    for (const std::uint32_t field : options_.sum_fields)
      result.summary.summed.push_back(policy_.checked().schema().fields[field].name.text);
    if (options_.shard) result.summary.shards = ShardSet{options_.shard->of, {options_.shard->index}};
    return result;
  }

 private:
  void decide(Work& w) {
    BlockResult& r = w.result;
    r.output.clear();
    r.rejects.clear();
    r.error_ordinals.clear();
    r.head.clear();
    r.tail.clear();
    r.keys.clear();
    r.summary = Summary::of(policy_);
    if (run_.readable(w)) process(w.block, run_.local([&] { return std::make_unique<Decider>(policy_, options_, portfolio_); }), r);
  }

  // `limit`: process only the first N records of the block (to stop exactly at --max-errors).
  void process(const Block& block, Decider& decider, BlockResult& r, std::uint64_t limit = UINT64_MAX) {
    Evaluator& evaluator = decider.evaluator;
    RecordBuilder& builder = decider.builder;
    Decision& d = decider.decision;
    SummaryTally tally(policy_, options_.sum_fields);
    bool first_line = block.sequence == 0;
    std::uint64_t ordinal = 0;
    const auto sink = [&](std::size_t line, Record* record, RecordError* error) {
      if (ordinal >= limit) return;
      if (error) r.error_ordinals.push_back(ordinal);
      ++ordinal;
      if (options_.check_keys)
        if (const auto key = KeyTracker::key_of(record, error)) r.keys.emplace_back(*key, line);
      if (record) {
        evaluator.evaluate_in_place(*record, d);
        const bool traced = options_.trace || (options_.trace_sample && line % options_.trace_sample == 0);
        write_batch_decision(r.output, options_.output, policy_, d, line,
                             {options_.explain, traced ? &evaluator.frame() : nullptr, first_line && options_.output == BatchFormat::jsonl,
                              &csv_provenance_});
        tally.add(d, evaluator.frame());
      } else {
        write_batch_error(r.output, options_.output, *error, {options_.explain, nullptr, false, &csv_provenance_},
                          first_line && options_.output == BatchFormat::jsonl ? &policy_.info() : nullptr);
        if (io_.write_rejects) append_reject(r.rejects, *error);
        tally.add(*error);
      }
      first_line = false;
    };
    if (!block.oversized) {
      const std::string_view text(block.data(), block.length);
      if (block.sequence == 0) r.head.assign(text.substr(0, kIdentityBytes));
      r.tail.assign(text.substr(text.size() - std::min(text.size(), kIdentityBytes)));
    }
    read_block(block, options_.input, run_.layout(), builder, sink);
    tally.add_to(r.summary);
    builder.report(r.summary);
  }

  void write_block(Work& w, BatchResult& result) {
    if (finished_) return;  // stopped at a block before: nothing after it is written
    if (!w.read_failure.empty()) {
      result.failure = w.read_failure;
      finished_ = true;
      run_.stop();
      return;
    }
    BlockResult& r = w.result;
    if (options_.max_errors && result.summary.errors + r.summary.errors > *options_.max_errors) {
      // Redo this block up to and including the error that goes over the limit, so the
      // output stops exactly there and the summary counts exactly what was written.
      const std::uint64_t allowed = *options_.max_errors - result.summary.errors;
      const std::uint64_t limit = r.error_ordinals[allowed] + 1;
      Decider decider(policy_, options_, portfolio_);
      r = BlockResult{};
      r.summary = Summary::of(policy_);
      process(w.block, decider, r, limit);
      result.stopped_at_max_errors = true;
      finished_ = true;
      run_.stop();
    }
    if (!io_.write_output(r.output) || (io_.write_rejects && !r.rejects.empty() && !io_.write_rejects(r.rejects))) {
      result.output_failed = true;  // the writer knows why (errno) and reports it
      finished_ = true;
      run_.stop();
      return;
    }
    // Keys in input order, for the repeated keys found at the end (KeyTracker::finish()).
    for (const auto& [hash, line] : r.keys) keys_.add(hash, line);
    if (!r.head.empty()) input_head_ = r.head;
    if (!r.tail.empty()) input_tail_ = r.tail;
    input_bytes_ = w.block.start.offset + w.block.length;
    std::string error;
    if (!result.summary.merge(r.summary, error)) throw std::logic_error("a block's summary does not merge: " + error);
    if (io_.progress) io_.progress({result.summary.records, input_bytes_});
  }

  const Policy& policy_;
  const BatchOptions& options_;
  BatchIO& io_;
  const PortfolioStats* portfolio_;  // the first pass's, for percentile(); or null
  const std::string csv_provenance_ = csv_provenance_cells(policy_.info());
  Run run_;

  // The write stage's.
  bool finished_ = false;
  std::string input_head_, input_tail_;
  KeyTracker keys_;
  std::uint64_t input_bytes_ = 0;
};

}  // namespace

BatchResult run_batch(const Policy& policy, const BatchOptions& options, BatchIO& io) {
  if (!policy.needs_portfolio() || options.ranks) return Runner(policy, options, io, options.ranks).run();
  // Two passes: the distributions percentile() reads, then the decisions (the input is a file:
  // the command line spools standard input into one).
  PortfolioStats stats(policy.program());
  const StreamOptions stream{options.input, options.threads, options.block_bytes, options.input_options};
  if (std::string failure = collect_portfolio(policy, stream, io.input, stats); !failure.empty()) {
    BatchResult result;
    result.summary = Summary::of(policy);
    result.failure = std::move(failure);
    return result;
  }
  return Runner(policy, options, io, &stats).run();
}

}  // namespace tenet::core
