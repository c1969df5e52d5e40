#include "engine/portfolio_stats.hpp"

#include <algorithm>

namespace tenet {

std::string PortfolioStats::group_key(const Value& v) {
  switch (v.kind) {
    case Value::Kind::string: return "s" + v.text;
    case Value::Kind::boolean: return v.boolean ? "btrue" : "bfalse";
    case Value::Kind::number: return "n" + v.number.to_string();
    case Value::Kind::date: return "d" + v.number.to_string();
    default: return "?";
  }
}

void PortfolioStats::add(const Value* fields) {
  for (std::size_t i = 0; i < program_->percentiles.size(); ++i) {
    const PercentileSpec& spec = program_->percentiles[i];
    const Value& v = fields[spec.field];
    if (v.is_unknown()) continue;
    std::string key;
    if (spec.group >= 0) {
      const Value& g = fields[spec.group];
      if (g.is_unknown()) continue;
      key = group_key(g);
    }
    distributions_[i][key].push_back(v.number);
  }
}

void PortfolioStats::merge(PortfolioStats& other) {
  for (std::size_t i = 0; i < distributions_.size(); ++i) {
    for (auto& [key, values] : other.distributions_[i]) {
      auto& into = distributions_[i][key];
      into.insert(into.end(), values.begin(), values.end());
      values = {};
    }
  }
}

void PortfolioStats::finish() {
  for (auto& groups : distributions_)
    for (auto& [key, values] : groups)
      std::sort(values.begin(), values.end(), [](const Decimal& a, const Decimal& b) { return a.compare(b) < 0; });
}

Decimal PortfolioStats::percentile(std::uint32_t spec, const Value& value, const Value* group) const {
  const auto& groups = distributions_[spec];
  auto it = groups.find(group ? group_key(*group) : std::string());
  if (it == groups.end() || it->second.empty()) return Decimal();
  const auto& values = it->second;
  const auto at_most = std::upper_bound(values.begin(), values.end(), value.number,
                                        [](const Decimal& a, const Decimal& b) { return a.compare(b) < 0; });
  const auto count = static_cast<std::int64_t>(at_most - values.begin());
  return Decimal::from_int(count).div(Decimal::from_int(static_cast<std::int64_t>(values.size()))).value;
}

std::size_t PortfolioStats::values() const {
  std::size_t n = 0;
  for (const auto& groups : distributions_)
    for (const auto& [key, values] : groups) n += values.size();
  return n;
}

}  // namespace tenet
