#include "engine/batch/portfolio_pass.hpp"

#include <oneapi/tbb/enumerable_thread_specific.h>

#include <algorithm>
#include <memory>
#include <thread>

namespace tenet::core {

std::string collect_portfolio(const std::vector<const Policy*>& policies, const StreamOptions& options, std::FILE* input,
                              const std::vector<PortfolioStats*>& stats, bool rewind) {
  const Policy& reader_policy = *policies.front();  // every policy reads records as this one does
  BlockReader reader(input, options.input, options.block_bytes);
  CsvLayout layout;
  if (options.input == FactsFormat::csv) {
    RecordBuilder builder(reader_policy, options.input_options);
    if (!reader.read_csv_header(builder, layout)) return reader.failure();
  }
  struct Local {
    RecordBuilder builder;
    std::vector<PortfolioStats> stats;
    std::vector<Value> fields;  // the builder writes each record's values here: no allocation per record
  };
  tbb::enumerable_thread_specific<std::unique_ptr<Local>> locals;
  const unsigned threads = options.threads ? options.threads : std::max(1u, std::thread::hardware_concurrency());
  BlockPipeline<int> pipeline(reader, threads);
  std::string failure = pipeline.run_merging(
      [&](BlockPipeline<int>::Work& w) {
        if (!pipeline.readable(w)) return;
        auto& local = locals.local();
        if (!local) {
          local = std::make_unique<Local>(Local{RecordBuilder(reader_policy, options.input_options), {}, {}});
          for (const Policy* policy : policies) local->stats.emplace_back(policy->program());
          local->fields.resize(reader_policy.checked().schema().fields.size());
          local->builder.write_into(local->fields.data());
        }
        const RecordSink sink = [&](std::size_t, Record* record, RecordError*) {
          if (!record) return;
          for (auto& s : local->stats) s.add(local->fields.data());
        };
        read_block(w.block, options.input, layout, local->builder, sink);
      },
      [](BlockPipeline<int>::Work&) {});
  for (auto& local : locals)
    if (local)
      for (std::size_t i = 0; i < stats.size(); ++i) stats[i]->merge(local->stats[i]);
  for (PortfolioStats* s : stats) s->finish();
  if (!failure.empty()) return failure;
  if (rewind && std::fseek(input, 0, SEEK_SET) != 0) return "cannot read the portfolio twice (percentile() needs a first pass): it is not a regular file";
  return "";
}

std::string collect_portfolio(const Policy& policy, const StreamOptions& options, std::FILE* input, PortfolioStats& stats,
                              bool rewind) {
  return collect_portfolio({&policy}, options, input, {&stats}, rewind);
}

bool same_schema(const Policy& a, const Policy& b) {
  const auto& x = a.checked().schema().fields;
  const auto& y = b.checked().schema().fields;
  return std::equal(x.begin(), x.end(), y.begin(), y.end(), [](const ast::FieldDecl& f, const ast::FieldDecl& g) {
    return f.name.text == g.name.text && f.type == g.type && f.is_key == g.is_key && f.is_optional == g.is_optional;
  });
}

}  // namespace tenet::core
