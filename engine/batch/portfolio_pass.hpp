// The first pass of a policy that reads percentile(): every record of a portfolio file read once
// on all cores (block_pipeline.hpp), each thread collecting the values ranked into its own
// PortfolioStats, merged and sorted; then the file is rewound for the second pass. The same
// blocks, records and errors as the second pass will see. Used by batch, diff and sensitivity.
#pragma once

#include <cstdio>
#include <string>

#include "engine/batch/block_pipeline.hpp"
#include "engine/portfolio_stats.hpp"
#include "engine/tenet.hpp"

namespace tenet {

// Fills `stats` (of `policy`'s program) and rewinds `input`; returns an input failure, or "".
std::string collect_portfolio(const Policy& policy, const StreamOptions& options, std::FILE* input, PortfolioStats& stats);

}  // namespace tenet
