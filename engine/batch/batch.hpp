// `tenet batch`: a portfolio streamed through one immutable policy on all cores, as a oneTBB
// pipeline of blocks of whole records (batch.cpp; docs/architecture.md):
//
//   cut ─▶ read ∥ ─▶ number ─▶ decide ∥ (one Evaluator a thread) ─▶ write, in input order
//
// Memory is bounded by the blocks in flight (a few per thread), whatever the input size, and
// the output is byte-identical whatever the thread count: blocks are cut by the first stage alone.
#pragma once

#include <cstdio>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "engine/batch/shard.hpp"
#include "engine/batch/summary.hpp"
#include "engine/ingest/facts_reader.hpp"
#include "engine/output/batch_writer.hpp"

namespace tenet::core {

struct BatchOptions {
  FactsFormat input = FactsFormat::jsonl;  // jsonl or csv
  BatchFormat output = BatchFormat::jsonl;
  unsigned threads = 0;  // 0: one per core
  bool explain = false;
  bool trace = false;
  std::uint64_t trace_sample = 0;  // trace records whose line number is a multiple of N
  std::optional<std::uint64_t> max_errors;
  std::vector<std::uint32_t> sum_fields;  // schema indices of numeric fields to total per decision
  std::optional<ShardId> shard;           // --shard K/N: the summary says which shard of a split it is
  std::size_t block_bytes = 1 << 20;
  InputOptions input_options;  // --strict-fields, missing-value markers
  bool check_keys = true;      // find repeated keys: 16 bytes a record (--no-key-check)
  // percentile(): the distributions of the whole portfolio, read from ranks files (--ranks),
  // instead of a first pass over this input. Null: a first pass, when the policy needs one.
  const PortfolioStats* ranks = nullptr;
};

struct BatchProgress {
  std::uint64_t records = 0;
  std::uint64_t bytes = 0;
};

struct BatchIO {
  std::FILE* input = nullptr;
  std::function<bool(const std::string&)> write_output;   // false: the write failed, stop
  std::function<bool(const std::string&)> write_rejects;  // optional
  std::function<void(const BatchProgress&)> progress;     // optional, called from the caller's thread
};

struct BatchResult {
  Summary summary;  // with the schema checks' counts: see input_warnings()
  bool stopped_at_max_errors = false;
  std::string failure;         // an input failure that stopped the run
  bool output_failed = false;  // a write of the output or rejects failed: the run stopped there
};

BatchResult run_batch(const Policy& policy, const BatchOptions& options, BatchIO& io);

}  // namespace tenet::core
