// The summary of a batch: counts per decision, rule, flag and error kind, provisional
// decisions, schema warnings, and exact totals of numeric fields per decision. Summaries of
// shards merge into exactly the summary of the whole; each names its input, so a shard is
// never counted twice.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/batch/shard.hpp"
#include "engine/ingest/input_checks.hpp"
#include "engine/ingest/record_error.hpp"
#include "engine/policy.hpp"

namespace tenet::core {

// How often a rule fired, was chosen, was overridden by another rule, or was unknown.
struct RuleCounts {
  std::uint64_t fired = 0, chosen = 0, overridden = 0, unknown = 0;
};

// The counts of a run; what reading the input observed (decided, undeclared and optional fields,
// repeated keys) is the InputObservations part, which the readers fill.
struct Summary : InputObservations {
  PolicyInfo policy;
  std::uint64_t records = 0;
  std::uint64_t errors = 0;
  std::uint64_t provisional = 0;                               // decisions an unknown rule could have changed
  std::map<std::string, std::uint64_t> decisions;              // decision text -> records
  std::map<std::string, RuleCounts> rules;                     // every rule of the policy, zeros included
  std::map<std::string, std::uint64_t> flags;                  // flag -> records where it was raised
  std::map<std::string, std::uint64_t> errors_by_kind;         // kind_name() -> records
  std::map<std::string, std::map<std::string, Decimal>> sums;  // field -> decision -> total
  bool sums_overflowed = false;                                // a total left the number range
  std::vector<std::string> inputs;                             // identities of the inputs summed, sorted
  std::vector<std::string> summed;                             // the --sum fields, in order (sums may lack one no record had)
  std::optional<ShardSet> shards;                              // batch --shard K/N: which shards of a split are summed

  // An empty summary of `policy`: every rule listed with zero counts.
  static Summary of(const Policy& policy);
  // Adds another summary of the same policy and params, of other inputs; false (and nothing
  // changed) when the policies, params, rules, --sum fields or shard splits differ, when an
  // input or a shard is in both, or when a count would pass 2^64.
  bool merge(const Summary& other, std::string& error);

  std::string to_json() const;  // deterministic: keys in sorted order, one object
  static std::optional<Summary> from_json(const std::string& text, std::string& error);
};

// Counts for one block of records, kept by rule and flag index so that counting a record
// costs no string building or map lookup; turned into a Summary once per block.
class SummaryTally {
 public:
  SummaryTally(const Policy& policy, std::vector<std::uint32_t> sum_fields);
  void add(const Decision& decision, const Frame& frame);
  void add(const RecordError& error) { errors_.push_back(error.kind); }
  void add_to(Summary& summary) const;

 private:
  // The decision's bucket: the chosen rule, or the default (last bucket); `collect` uses text.
  std::size_t bucket(const Decision& decision);

  const Policy& policy_;
  std::vector<std::uint32_t> sum_fields_;
  bool collect_ = false;
  std::vector<std::uint64_t> by_rule_decision_;           // per chosen rule, then the default
  std::vector<std::vector<std::uint32_t>> collect_keys_;  // bucket -> actions under collect
  std::vector<std::uint64_t> collect_counts_;
  std::vector<RuleCounts> rules_;
  std::vector<std::uint64_t> flags_;
  std::vector<std::vector<std::pair<Decimal, bool>>> sums_;  // [field][bucket] -> total, overflowed
  std::vector<ErrorKind> errors_;
  std::uint64_t decided_ = 0, provisional_ = 0;
};

// The decision as one text: the action, or the actions joined with '+' under `collect`.
std::string decision_text(const Policy& policy, const std::vector<std::uint32_t>& actions);

}  // namespace tenet::core
