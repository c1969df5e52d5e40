#include "engine/batch/shard.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace tenet::core {

std::optional<ShardId> parse_shard(const std::string& text, std::string& error) {
  const auto slash = text.find('/');
  const auto number = [](std::string_view digits) -> std::optional<std::uint64_t> {
    if (digits.empty() || digits.size() > 9 || digits.find_first_not_of("0123456789") != std::string_view::npos) return std::nullopt;
    return std::stoull(std::string(digits));
  };
  const auto k = slash == std::string::npos ? std::nullopt : number(std::string_view(text).substr(0, slash));
  const auto n = slash == std::string::npos ? std::nullopt : number(std::string_view(text).substr(slash + 1));
  if (!k || !n || *k < 1 || *k > *n) {
    error = fmt::format("--shard {}: expected K/N, shard K of N (1 <= K <= N), as 2/5", text);
    return std::nullopt;
  }
  return ShardId{*k, *n};
}

std::string check_shards(const std::vector<std::optional<ShardId>>& shards) {
  if (shards.size() == 1 && !shards[0]) return "";
  std::vector<bool> seen;
  for (std::size_t i = 0; i < shards.size(); ++i) {
    if (!shards[i])
      return fmt::format("ranks file {} names no shard: several ranks files must each be written with tenet ranks --shard K/N", i + 1);
    if (shards[i]->of != shards[0]->of)
      return fmt::format("ranks file {} is shard {}/{}, ranks file 1 shard {}/{}: the shards of two different splits", i + 1,
                         shards[i]->index, shards[i]->of, shards[0]->index, shards[0]->of);
    seen.resize(shards[0]->of + 1);
    if (seen[shards[i]->index])
      return fmt::format("shard {}/{} is given twice: its values would be counted twice", shards[i]->index, shards[i]->of);
    seen[shards[i]->index] = true;
  }
  std::vector<std::string> missing;
  for (std::uint64_t k = 1; k <= shards[0]->of; ++k)
    if (!seen[k]) missing.push_back(fmt::format("{}/{}", k, shards[0]->of));
  if (!missing.empty())
    return fmt::format("shard{} missing: {} (every record ranks against the whole portfolio, so every shard's ranks are needed)",
                       missing.size() == 1 ? " is" : "s are", fmt::join(missing, ", "));
  return "";
}

std::string ShardSet::missing() const {
  std::vector<std::string> out;
  std::size_t next = 0;
  for (std::uint64_t k = 1; k <= of; ++k) {
    if (next < present.size() && present[next] == k) ++next;
    else out.push_back(fmt::format("{}/{}", k, of));
  }
  return fmt::format("{}", fmt::join(out, ", "));
}

}  // namespace tenet::core
