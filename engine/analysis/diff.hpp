// `tenet diff OLD NEW PORTFOLIO`: two policies (or one under two sets of params) over the same
// portfolio in one streaming pass on all cores (block_pipeline.hpp): each record is read once and
// decided by both. One JSON line per record whose decision changed,
//   {"id","line","old":{"decision","chosen"},"new":{"decision","chosen"}}
// (a side that is a record error has {"error","kind"} instead), in input order; the summary
// holds the transition counts (old decision -> new decision, unchanged ones included) and, for
// each change, its causes: the rules whose status changed and how ("not_fired -> fired"; rules
// matched by name, a rule only one side has is "absent" on the other), and the chosen rules
// ("release_unprofitable -> not_succeeding": a change of priorities changes no status).
#pragma once

#include <cstdint>
#include <cstdio>
#include <functional>
#include <map>
#include <string>
#include <utility>

#include "engine/batch/block_pipeline.hpp"
#include "engine/ingest/facts_reader.hpp"
#include "engine/policy.hpp"

namespace tenet::core {

using DiffOptions = StreamOptions;

struct DiffSummary {
  std::uint64_t records = 0, changed = 0;
  // (old decision, new decision) -> records; a record error is the decision "error".
  std::map<std::pair<std::string, std::string>, std::uint64_t> transitions;
  // (old, new) of a change -> rule -> "old status -> new status" -> records
  std::map<std::pair<std::string, std::string>, std::map<std::string, std::map<std::string, std::uint64_t>>> causes;
  // (old, new) of a change -> "old chosen -> new chosen" -> records ("none": the default)
  std::map<std::pair<std::string, std::string>, std::map<std::string, std::uint64_t>> chosen;

  void merge(const DiffSummary& other);
  // {"old":{policy},"new":{policy},"records","changed","transitions":[...]}: one line.
  std::string to_json(const PolicyInfo& old_policy, const PolicyInfo& new_policy) const;
};

struct DiffResult {
  DiffSummary summary;
  std::string failure;         // an input failure that stopped the run
  bool output_failed = false;  // a write failed: the run stopped there
};

DiffResult run_diff(const Policy& old_policy, const Policy& new_policy, const DiffOptions& options, std::FILE* input,
                    const std::function<bool(const std::string&)>& write_output);

}  // namespace tenet::core
