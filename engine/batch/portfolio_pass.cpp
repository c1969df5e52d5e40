#include "engine/batch/portfolio_pass.hpp"

#include <memory>

#include "engine/batch/portfolio_run.hpp"

namespace tenet::core {

namespace {

// A thread's builder and its share of the distributions, merged after the run.
struct Collector {
  RecordBuilder builder;
  std::vector<PortfolioStats> stats;
  std::vector<Value> fields;  // the builder writes each record's values here: no allocation per record
};

}  // namespace

std::string collect_portfolio(const std::vector<const Policy*>& policies, const StreamOptions& options, std::FILE* input,
                              const std::vector<PortfolioStats*>& stats, bool rewind) {
  const Policy& reader_policy = *policies.front();  // every policy reads records as this one does
  PortfolioRun<int, Collector> run(input, options.input, options.block_bytes, options.threads);
  if (!run.read_header({&reader_policy}, options.input_options)) return run.failure();
  const std::string failure = run.run_merging(
      [&](PortfolioRun<int, Collector>::Work& w) {
        if (!run.readable(w)) return;
        Collector& local = run.local([&] {
          auto made = std::make_unique<Collector>(Collector{RecordBuilder(reader_policy, options.input_options), {}, {}});
          for (const Policy* policy : policies) made->stats.emplace_back(policy->program());
          made->fields.resize(reader_policy.checked().schema().fields.size());
          made->builder.write_into(made->fields.data());
          return made;
        });
        const RecordSink sink = [&](std::size_t, Record* record, RecordError*) {
          if (!record) return;
          for (auto& s : local.stats) s.add(local.fields.data());
        };
        read_block(w.block, options.input, run.layout(), local.builder, sink);
      },
      [](PortfolioRun<int, Collector>::Work&) {});
  run.for_each_local([&](Collector& local) {
    for (std::size_t i = 0; i < stats.size(); ++i) stats[i]->merge(local.stats[i]);
  });
  for (PortfolioStats* s : stats) s->finish();
  if (!failure.empty()) return failure;
  if (rewind && std::fseek(input, 0, SEEK_SET) != 0)
    return "cannot read the portfolio twice (percentile() needs a first pass): it is not a regular file";
  return "";
}

std::string collect_portfolio(const Policy& policy, const StreamOptions& options, std::FILE* input, PortfolioStats& stats, bool rewind) {
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
