// A ranks file: the first pass of a policy that reads percentile(), written by `tenet ranks` for
// one shard of a portfolio, and read (those of every shard) by `tenet batch --ranks`, so that
// shards run anywhere decide as one run over the whole portfolio would (docs/scale-out.md).
//
// JSON lines. The first names the policy (as every output does: name, version, SHA-256, imports,
// params, Tenet version) and its percentiles in the order of the compiled program:
//   {"tenet_ranks":1,"policy":{...},"percentiles":["percentile(margin by segment)"]}
// then one line per percentile and group, the group's values as exact decimal strings, sorted:
//   {"percentile":0,"group":"smid","values":["-5","10","60"]}
// A group is written as its key: the kind of its value (s string, n number, d date as a day
// count, b boolean) then the value; "" for an ungrouped percentile. The last line closes the
// file and counts the lines between, so that a truncated file is refused:
//   {"tenet_ranks_end":{"lines":2}}
// `tenet ranks --shard K/N` names the shard in the first line ("shard":{"index":K,"of":N}):
// ranks files read together must then be the N shards of one whole, each once.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/batch/shard.hpp"
#include "engine/portfolio_stats.hpp"
#include "engine/policy.hpp"

namespace tenet::core {

// The whole file (stats finished: sorted).
std::string write_ranks(const Policy& policy, const PortfolioStats& stats, const std::optional<ShardId>& shard = std::nullopt);

// Adds a ranks file's values to `stats` (finish() it after the last file); on a bad or truncated
// file or the ranks of another policy or params, returns why, with its line number ("" when
// read). `shard` gets the shard the file names.
std::string read_ranks(const std::string& text, const Policy& policy, PortfolioStats& stats, std::optional<ShardId>& shard);

}  // namespace tenet::core
