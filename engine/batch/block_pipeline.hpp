// The ordered pipeline a portfolio runs through, for `tenet batch` and `tenet diff`: a oneTBB
// pipeline, one token a block of whole records (docs/architecture.md):
//
//   cut (serial, in order)   the next block: its offsets (a regular file of JSON lines) or its bytes
//   read (parallel)          an unread block's bytes (pread), and its line ends counted
//   number (serial)          the block's first line: the line ends of every block before it
//   process (parallel)       the caller's: its records decided
//   write (serial, in order) the caller's: output written, summaries merged; may stop the run
//
// Reading and counting run on the workers, so that no one thread touches every byte; at most
// `tokens` blocks are in flight, so memory is flat; the output is in input order and
// byte-identical whatever the thread count, as blocks are cut by the first stage alone.
// The thread count is a task arena of N threads, the caller's included: 1 is one thread in all.
#pragma once

#include <oneapi/tbb/concurrent_queue.h>
#include <oneapi/tbb/parallel_pipeline.h>
#include <oneapi/tbb/task_arena.h>

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "engine/batch/block_reader.hpp"

namespace tenet::core {

// How a portfolio is streamed by a command that is not `batch` (diff, sensitivity).
struct StreamOptions {
  FactsFormat input = FactsFormat::jsonl;  // jsonl or csv
  unsigned threads = 0;                    // 0: one per core
  std::size_t block_bytes = 1 << 20;
  InputOptions input_options;
};

template <typename Result>
class BlockPipeline {
 public:
  // A token: one block and what processing it produced. Tokens go round (the write stage
  // gives them back to the cut stage), keeping their buffers' capacity: a run reads and writes
  // into the same few megabytes however long it is.
  struct Work {
    Block block;
    std::size_t lines = 0;     // line ends in the block
    std::string read_failure;  // reading the block failed: the run stops before it
    Result result;
  };

  BlockPipeline(BlockReader& reader, unsigned threads) : reader_(reader), threads_(threads) {}

  // `process(Work&)` on the workers, `write(Work&)` in input order, then `after()` inside the
  // arena (its threads, and no more).
  template <typename Process, typename Write, typename After>
  void run(Process process, Write write, After after) {
    next_line_ = reader_.first_line();
    // Enough tokens that every thread has a block to process while others wait on the in-order
    // stages: 2 a thread measured 10% slower at 2 threads than 4 (bench/RESULTS.md, "Core v2").
    const std::size_t tokens = 4 * threads_ + 2;
    tbb::task_arena arena(static_cast<int>(threads_));
    arena.execute([&] {
      tbb::parallel_pipeline(tokens, tbb::make_filter<void, Work*>(tbb::filter_mode::serial_in_order, [&](tbb::flow_control& flow) {
                                       return cut(flow);
                                     }) & tbb::make_filter<Work*, Work*>(tbb::filter_mode::parallel, [&](Work* w) {
                                       return read(w);
                                     }) & tbb::make_filter<Work*, Work*>(tbb::filter_mode::serial_in_order, [&](Work* w) {
                                       return number(w);
                                     }) & tbb::make_filter<Work*, Work*>(tbb::filter_mode::parallel, [&](Work* w) {
                                       process(*w);
                                       return w;
                                     }) & tbb::make_filter<Work*, void>(tbb::filter_mode::serial_in_order, [&](Work* w) {
                                       write(*w);
                                       free_.push(w);
                                     }));
      after();
    });
  }

  // From the write stage: nothing more is cut or processed.
  void stop() { stop_ = true; }

  // run() for a caller whose write stage only merges each block's result, in input order: the
  // run stops at the first block that could not be read; returns that failure, or the reader's,
  // or "" when all was read.
  template <typename Process, typename Merge>
  std::string run_merging(Process process, Merge merge) {
    std::string failure;
    run(
        process,
        [&](Work& w) {
          if (!failure.empty()) return;
          if (!w.read_failure.empty()) {
            failure = w.read_failure;
            stop();
            return;
          }
          merge(w);
        },
        [] {});
    return failure.empty() ? reader_.failure() : failure;
  }
  // Whether a block is to be processed: it was read, and the run does not stop before it.
  bool readable(const Work& w) const { return w.read_failure.empty() && !stopped_before(w.block.sequence); }

 private:
  bool stopped_before(std::uint64_t sequence) const { return stop_ || sequence > failed_from_; }

  Work* cut(tbb::flow_control& flow) {
    Work* w = nullptr;
    if (!free_.try_pop(w)) w = all_.emplace_back(std::make_unique<Work>()).get();
    if (stopped_before(reader_.blocks_cut()) || !reader_.next(w->block)) {
      free_.push(w);
      flow.stop();
      return nullptr;
    }
    return w;
  }

  Work* read(Work* w) {
    w->read_failure.clear();
    w->lines = 0;
    if (stopped_before(w->block.sequence)) return w;
    if (w->block.unread) {
      if (auto failure = reader_.read_block(w->block)) {
        w->read_failure = std::move(*failure);
        // The first block that cannot be read ends the run; those before it are still written.
        for (std::uint64_t from = failed_from_; w->block.sequence < from;) failed_from_.compare_exchange_weak(from, w->block.sequence);
        return w;
      }
    }
    w->lines = w->block.line_ends();
    return w;
  }

  Work* number(Work* w) {
    w->block.start.line = next_line_;
    if (w->block.oversized) w->block.oversized->line = next_line_;
    next_line_ += w->lines;
    return w;
  }

  BlockReader& reader_;
  unsigned threads_;
  std::atomic<bool> stop_{false};
  std::atomic<std::uint64_t> failed_from_{UINT64_MAX};  // the first block that could not be read
  std::vector<std::unique_ptr<Work>> all_;              // every token, made by the cut stage as needed
  tbb::concurrent_queue<Work*> free_;                   // tokens the write stage gave back
  std::size_t next_line_ = 1;                           // the number stage's
};

}  // namespace tenet::core
