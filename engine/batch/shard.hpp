// A portfolio split into N shards run apart (docs/scale-out.md): which shard a ranks file or a
// summary is of, so that the parts read together are checked to make one whole.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tenet::core {

// Splits of more shards than this are refused (a ranks file or summary naming more is not one).
inline constexpr std::uint64_t kMaxShards = 1000000;

// Shard K of N (1 <= K <= N).
struct ShardId {
  std::uint64_t index = 1, of = 1;
  bool operator==(const ShardId&) const = default;
};

// "K/N" as a --shard option gives it; nullopt (with `error`) for anything else.
std::optional<ShardId> parse_shard(const std::string& text, std::string& error);

// Whether ranks files naming these shards (in the order given) make one whole: one file alone
// may name no shard; otherwise each names one, all of the same N, each of 1..N once. Returns
// why not ("" when they do).
std::string check_shards(const std::vector<std::optional<ShardId>>& shards);

// The shards a summary holds (one, or several once merged): of N, which, sorted.
struct ShardSet {
  std::uint64_t of = 1;
  std::vector<std::uint64_t> present;
  bool complete() const { return present.size() == of; }
  // "3/5, 4/5": the shards not present (the first ten, then how many more).
  std::string missing() const;
};

}  // namespace tenet::core
