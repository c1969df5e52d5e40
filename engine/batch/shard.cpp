#include "engine/batch/shard.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace tenet::core {

std::optional<ShardId> parse_shard(const std::string& text, std::string& error) {
  const auto slash = text.find('/');
  const auto number = [](std::string_view digits) -> std::optional<std::uint64_t> {
    if (digits.empty() || digits.size() > 7 || digits.find_first_not_of("0123456789") != std::string_view::npos) return std::nullopt;
    return std::stoull(std::string(digits));
  };
  const auto k = slash == std::string::npos ? std::nullopt : number(std::string_view(text).substr(0, slash));
  const auto n = slash == std::string::npos ? std::nullopt : number(std::string_view(text).substr(slash + 1));
  if (!k || !n || *k < 1 || *k > *n || *n > kMaxShards) {
    error = fmt::format("--shard {}: expected K/N, shard K of N (1 <= K <= N <= {}), as 2/5", text, kMaxShards);
    return std::nullopt;
  }
  return ShardId{*k, *n};
}

namespace {

// "2/5, 4/5": the shards of 1..of not in `present` (sorted), the first ten, then how many more:
// never a list as long as a split's count (a mistyped --shard 1/999999999).
std::string missing_of(std::uint64_t of, const std::vector<std::uint64_t>& present, std::uint64_t* count = nullptr) {
  const std::uint64_t absent = of - present.size();
  if (count) *count = absent;
  std::vector<std::string> shown;
  std::size_t next = 0;
  for (std::uint64_t k = 1; k <= of && shown.size() < 10; ++k) {
    if (next < present.size() && present[next] == k) ++next;
    else shown.push_back(fmt::format("{}/{}", k, of));
  }
  std::string out = fmt::format("{}", fmt::join(shown, ", "));
  if (absent > shown.size()) out += fmt::format(" and {} more", absent - shown.size());
  return out;
}

}  // namespace

std::string check_shards(const std::vector<std::optional<ShardId>>& shards) {
  if (shards.size() == 1 && !shards[0]) return "";
  std::vector<std::uint64_t> seen;
  for (std::size_t i = 0; i < shards.size(); ++i) {
    if (!shards[i])
      return fmt::format("ranks file {} names no shard: several ranks files must each be written with tenet ranks --shard K/N", i + 1);
    if (shards[i]->of != shards[0]->of)
      return fmt::format("ranks file {} is shard {}/{}, ranks file 1 shard {}/{}: the shards of two different splits", i + 1,
                         shards[i]->index, shards[i]->of, shards[0]->index, shards[0]->of);
    if (std::find(seen.begin(), seen.end(), shards[i]->index) != seen.end())
      return fmt::format("shard {}/{} is given twice: its values would be counted twice", shards[i]->index, shards[i]->of);
    seen.push_back(shards[i]->index);
  }
  std::sort(seen.begin(), seen.end());
  std::uint64_t absent = 0;
  const std::string missing = missing_of(shards[0]->of, seen, &absent);
  if (absent)
    return fmt::format("shard{} missing: {} (every record ranks against the whole portfolio, so every shard's ranks are needed)",
                       absent == 1 ? " is" : "s are", missing);
  return "";
}

std::string ShardSet::missing() const { return missing_of(of, present); }

}  // namespace tenet::core
