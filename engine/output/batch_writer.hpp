// Batch output lines: compact, reasons always on (decision, chosen rule, fired rules, flags),
// as JSON lines or CSV. `because` texts and traces only on request.
#pragma once

#include <string>

#include "engine/ingest/record_error.hpp"
#include "engine/policy.hpp"

namespace tenet::core {

enum class BatchFormat { jsonl, csv };

struct BatchLine {
  bool explain = false;                         // add the `because` texts of fired rules
  const Frame* trace = nullptr;                 // add the trace of this record
  bool with_policy = false;                     // add the policy object (the first line of an output)
  const std::string* csv_provenance = nullptr;  // csv_provenance_cells(), for CSV rows
};

// CSV: the header row. Every row then names the policy in its last columns (policy,
// policy_version, policy_sha256, tenet, params): a spreadsheet or pandas.read_csv keeps the
// provenance with no special option. `explain` adds a `because` column.
void write_batch_header(std::string& out, BatchFormat format, bool explain);
// The provenance cells of every CSV row (with their leading comma), written once per run.
std::string csv_provenance_cells(const PolicyInfo& policy);
void write_batch_decision(std::string& out, BatchFormat format, const Policy& policy, const Decision& decision, std::size_t line,
                          const BatchLine& options);
// `policy`: the first line of an output names the policy, whatever that line is.
void write_batch_error(std::string& out, BatchFormat format, const RecordError& error, const BatchLine& options,
                       const PolicyInfo* policy = nullptr);

}  // namespace tenet::core
