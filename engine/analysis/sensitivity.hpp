// `tenet sensitivity POLICY PORTFOLIO --param NAME --range LOW..HIGH --steps N`: the decision
// counts as one number param moves from LOW to HIGH in N equal steps (N + 1 values, both ends
// included). One streaming pass on all cores (block_pipeline.hpp): each record is read once and
// decided under every value, by one policy compiled per value.
#pragma once

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "engine/batch/block_pipeline.hpp"
#include "engine/batch/summary.hpp"
#include "engine/ingest/facts_reader.hpp"

namespace tenet::core {

using SensitivityOptions = StreamOptions;

// One value of the param and what the portfolio decided under it.
struct SensitivityStep {
  std::string value;  // as a policy writes it: 0.15
  std::shared_ptr<const Policy> policy;
  Summary summary;
};

struct SensitivityResult {
  std::vector<SensitivityStep> steps;
  std::string failure;  // an input failure that stopped the run
};

// `steps`: the policies, one per value (same source, same schema); their summaries are filled.
SensitivityResult run_sensitivity(std::vector<SensitivityStep> steps, const SensitivityOptions& options, std::FILE* input);

// The table people read: one row per value, one column per decision, then provisional and errors.
std::string sensitivity_text(const std::string& param, const SensitivityResult& result);
// {"param","policy":{…},"steps":[{"value","decisions":{…},"provisional","errors","rules":{NAME: fired}}]}
std::string sensitivity_json(const std::string& param, const SensitivityResult& result);

}  // namespace tenet::core
