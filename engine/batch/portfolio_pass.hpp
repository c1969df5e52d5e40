// The first pass of a policy that reads percentile(): every record of a portfolio file read once
// on all cores (block_pipeline.hpp), each thread collecting the values ranked into its own
// PortfolioStats, merged and sorted; then the file is rewound for the second pass. The same
// blocks, records and errors as the second pass will see. Used by batch, diff, sensitivity and
// ranks (ranks_file.hpp).
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include "engine/batch/block_pipeline.hpp"
#include "engine/portfolio_stats.hpp"
#include "engine/policy.hpp"

namespace tenet::core {

// Fills `stats` (of `policy`'s program) and, with `rewind`, rewinds `input` for the second pass;
// returns an input failure, or "".
std::string collect_portfolio(const Policy& policy, const StreamOptions& options, std::FILE* input, PortfolioStats& stats,
                              bool rewind = true);

// One pass for several policies of the same schema (same_schema()): each record read once, its
// values added to each policy's `stats` (stats[i] of policies[i]'s program).
std::string collect_portfolio(const std::vector<const Policy*>& policies, const StreamOptions& options, std::FILE* input,
                              const std::vector<PortfolioStats*>& stats, bool rewind = true);

// Whether two policies read records alike: the same fields, in the same order, of the same types.
bool same_schema(const Policy& a, const Policy& b);

}  // namespace tenet::core
