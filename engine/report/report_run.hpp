// What `tenet report` shows, collected in one streaming pass on all cores (block_pipeline.hpp):
// the batch summary's counts, decisions by the value of one field (--by), a histogram of one
// number field (--histogram), and the first few records of each chosen rule with their
// explanation and rule trace (--sample N), all deterministic: blocks are merged in input order.
// Memory is flat: samples are bounded, the breakdown keeps its first kMaxValues values (the
// rest is "(other values)"), the histogram bins values at 3 significant digits.
#pragma once

#include <cstdint>
#include <cstdio>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/batch/block_pipeline.hpp"
#include "engine/batch/summary.hpp"
#include "engine/output/trace_tree.hpp"
#include "engine/portfolio_stats.hpp"

namespace tenet::core {

struct ReportOptions {
  StreamOptions stream;
  std::optional<std::uint32_t> by;            // a field (schema index): decisions per value
  std::optional<std::uint32_t> histogram;     // a number field (schema index)
  std::size_t samples = 3;                    // records shown per chosen rule, and for the default
  const PortfolioStats* portfolio = nullptr;  // percentile(): the first pass's
};

// One record shown in full.
struct ReportSample {
  std::uint64_t line = 0;
  std::string id;
  std::string explanation;  // as eval --format text writes it (decision, because, flags, overridden, unknown)
  std::vector<RuleTrace> trace;
};

struct ReportData;
// The text a --by key stands for: the value itself, or the words of kAbsent and kOther.
// A value written as one of those words is shown quoted, so that no two rows read alike.
inline std::string value_label(const std::string& key) {
  if (!key.starts_with("=")) return key;
  const std::string value = key.substr(1);
  return value == "(absent)" || value == "(other values)" ? "\"" + value + "\"" : value;
}

struct ReportData {
  static constexpr std::size_t kMaxValues = 1000;
  static constexpr std::size_t kMaxValueBytes = 256;  // a longer --by value counts among kOther
  static constexpr const char* kAbsent = "(absent)";
  static constexpr const char* kOther = "(other values)";
  Summary summary;
  // --by: value key -> decision -> records; values in first-seen order. A key is "=" and the
  // value's text, or kAbsent, or kOther; value_label() is what a reader sees.
  std::map<std::string, std::map<std::string, std::uint64_t>> by_value;
  std::vector<std::string> value_order;
  // --histogram: value at 3 significant digits -> records; the exact extremes; absent records.
  std::map<double, std::uint64_t> histogram;
  std::optional<Decimal> histogram_min, histogram_max;
  std::uint64_t histogram_absent = 0;
  // Per chosen rule (declaration order), then the default: the first records, in input order.
  std::vector<std::vector<ReportSample>> samples;
};

// Returns an input failure, or "".
std::string run_report(const Policy& policy, const ReportOptions& options, std::FILE* input, ReportData& out);

}  // namespace tenet::core
