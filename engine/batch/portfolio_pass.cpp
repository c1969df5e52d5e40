#include "engine/batch/portfolio_pass.hpp"

#include <oneapi/tbb/enumerable_thread_specific.h>

#include <algorithm>
#include <memory>
#include <thread>

namespace tenet {

std::string collect_portfolio(const Policy& policy, const StreamOptions& options, std::FILE* input, PortfolioStats& stats) {
  BlockReader reader(input, options.input, options.block_bytes);
  CsvLayout layout;
  if (options.input == FactsFormat::csv) {
    RecordBuilder builder(policy, options.input_options);
    if (!reader.read_csv_header(builder, layout)) return reader.failure();
  }
  struct Local {
    RecordBuilder builder;
    PortfolioStats stats;
  };
  tbb::enumerable_thread_specific<std::unique_ptr<Local>> locals;
  const unsigned threads = options.threads ? options.threads : std::max(1u, std::thread::hardware_concurrency());
  BlockPipeline<int> pipeline(reader, threads);
  std::string failure;
  pipeline.run(
      [&](BlockPipeline<int>::Work& w) {
        if (!pipeline.readable(w) || w.block.oversized) return;
        auto& local = locals.local();
        if (!local) local = std::make_unique<Local>(Local{RecordBuilder(policy, options.input_options), PortfolioStats(policy.program())});
        const RecordSink sink = [&](std::size_t, Record* record, RecordError*) {
          if (record) local->stats.add(record->fields.data());
        };
        const std::string_view text(w.block.data(), w.block.length);
        if (options.input == FactsFormat::csv) read_csv_rows(text, layout, local->builder, sink, w.block.start);
        else read_jsonl(text, w.block.capacity(), local->builder, sink, w.block.start);
      },
      [&](BlockPipeline<int>::Work& w) {
        if (!w.read_failure.empty() && failure.empty()) {
          failure = w.read_failure;
          pipeline.stop();
        }
      },
      [] {});
  for (auto& local : locals)
    if (local) stats.merge(local->stats);
  stats.finish();
  if (failure.empty()) failure = reader.failure();
  if (!failure.empty()) return failure;
  if (std::fseek(input, 0, SEEK_SET) != 0) return "cannot read the portfolio twice (percentile() needs a first pass): it is not a regular file";
  return "";
}

}  // namespace tenet
