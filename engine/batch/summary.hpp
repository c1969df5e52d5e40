// The summary of a batch: counts per decision, rule, flag and error kind, and exact totals of
// numeric fields per decision. Summaries of shards merge into exactly the summary of the whole.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/ingest/record_builder.hpp"
#include "engine/tenet.hpp"

namespace tenet {

struct Summary {
  PolicyInfo policy;
  std::uint64_t records = 0;
  std::uint64_t decided = 0;
  std::uint64_t errors = 0;
  std::map<std::string, std::uint64_t> decisions;         // decision text -> records
  std::map<std::string, std::uint64_t> rules_fired;       // rule -> records where it fired
  std::map<std::string, std::uint64_t> flags;             // flag -> records where it was raised
  std::map<std::string, std::uint64_t> errors_by_kind;    // error_kind() -> records
  std::map<std::string, std::map<std::string, Decimal>> sums;  // field -> decision -> total
  bool sums_overflowed = false;                            // a total left the number range

  void add(const Policy& policy, const Decision& decision, const Frame& frame, const std::vector<std::uint32_t>& sum_fields);
  void add(const RecordError& error);
  // Adds another summary of the same policy; false (and nothing changed) when the policies differ.
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
  void add(const RecordError& error) { errors_.push_back(error_kind(error)); }
  void add_to(Summary& summary) const;

 private:
  // The decision's bucket: the chosen rule, or the default (last bucket); `collect` uses text.
  std::size_t bucket(const Decision& decision);

  const Policy& policy_;
  std::vector<std::uint32_t> sum_fields_;
  bool collect_ = false;
  std::vector<std::uint64_t> by_rule_decision_;          // per chosen rule, then the default
  std::map<std::string, std::uint64_t> collect_decisions_;
  std::vector<std::string> collect_keys_;                // bucket -> text under collect
  std::vector<std::uint64_t> fired_, flags_;
  std::vector<std::vector<std::pair<Decimal, bool>>> sums_;  // [field][bucket] -> total, overflowed
  std::vector<const char*> errors_;
  std::uint64_t decided_ = 0;
};

// The decision as one text: the action, or the actions joined with '+' under `collect`.
std::string decision_text(const Decision& decision);

}  // namespace tenet
