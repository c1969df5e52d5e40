// The skeleton of every command that streams a portfolio (batch, diff, sensitivity, the report,
// the first pass of percentile()): the block reader, the CSV header read as each policy that
// reads the records reads it, the ordered pipeline (block_pipeline.hpp) on `threads` threads
// (0: one per core), and one Local per thread, made on the thread's first block and kept for the
// run, so that its builders and evaluators keep their capacity (no allocation per record).
// Each command writes only what is its own: what a block's records become, and how blocks merge.
#pragma once

#include <oneapi/tbb/enumerable_thread_specific.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "engine/batch/block_pipeline.hpp"

namespace tenet::core {

// The threads of a run: as asked, or one per core.
inline unsigned thread_count(unsigned requested) { return requested ? requested : std::max(1u, std::thread::hardware_concurrency()); }

template <typename Result, typename Local>
class PortfolioRun {
 public:
  using Pipeline = BlockPipeline<Result>;
  using Work = typename Pipeline::Work;

  PortfolioRun(std::FILE* input, FactsFormat format, std::size_t block_bytes, unsigned threads)
      : format_(format), reader_(input, format, block_bytes), pipeline_(reader_, thread_count(threads)) {}

  // The CSV header, read as each of `policies` reads it (diff's two sides may place their fields
  // differently): layout(i) is policies[i]'s. False when it cannot be read (failure() says why);
  // JSON lines have none to read.
  bool read_header(const std::vector<const Policy*>& policies, const InputOptions& options) {
    layouts_.assign(std::max<std::size_t>(policies.size(), 1), CsvLayout{});
    if (format_ != FactsFormat::csv) return true;
    RecordBuilder first(*policies.front(), options);
    if (policies.size() == 1) return reader_.read_csv_header(first, layouts_[0]);
    RecordBuilder second(*policies[1], options);
    return reader_.read_csv_header(first, layouts_[0], &second, &layouts_[1]);
  }
  const CsvLayout& layout(std::size_t policy = 0) const { return layouts_[policy]; }
  FactsFormat format() const { return format_; }

  // This thread's Local: made by `make()` on its first call.
  template <typename Make>
  Local& local(Make make) {
    auto& mine = locals_.local();
    if (!mine) mine = make();
    return *mine;
  }
  // Every thread's Local, after the run (a first pass merges what they collected).
  template <typename Visit>
  void for_each_local(Visit visit) {
    for (auto& mine : locals_)
      if (mine) visit(*mine);
  }

  // The pipeline's stages: process(Work&) on the workers for every block (run.readable(w) says
  // whether its records are to be read), write(Work&) in input order, then after().
  template <typename Process, typename Write, typename After>
  void run(Process process, Write write, After after) {
    pipeline_.run(process, write, after);
  }
  // run() for a command whose write stage only merges each block's result in input order; the
  // failure that stopped it ("" when everything was read).
  template <typename Process, typename Merge>
  std::string run_merging(Process process, Merge merge) {
    return pipeline_.run_merging(process, merge);
  }
  bool readable(const Work& w) const { return pipeline_.readable(w); }
  void stop() { pipeline_.stop(); }
  std::string failure() const { return reader_.failure(); }

 private:
  FactsFormat format_;
  BlockReader reader_;
  Pipeline pipeline_;
  std::vector<CsvLayout> layouts_{1};
  tbb::enumerable_thread_specific<std::unique_ptr<Local>> locals_;
};

}  // namespace tenet::core
