#include "engine/portfolio_stats.hpp"

#include <algorithm>

#include "engine/evaluator.hpp"

namespace tenet::core {

void PortfolioStats::group_key(const Value& v, std::string& out) {
  switch (v.kind) {
    case Value::Kind::string: out.assign("s").append(v.text); return;
    case Value::Kind::boolean: out.assign(v.boolean ? "btrue" : "bfalse"); return;
    case Value::Kind::number: out.assign("n").append(v.number.to_string()); return;
    case Value::Kind::date: out.assign("d").append(v.number.to_string()); return;
    default: out.assign("?"); return;
  }
}

PortfolioStats::PortfolioStats(const Program& program) : program_(&program), distributions_(program.percentiles.size()) {
  if (!program.percentile_code.empty()) frame_ = program.initial_frame;
}

void PortfolioStats::add(const Value* fields) {
  const Value* slots = fields;
  if (!program_->percentile_code.empty()) {  // a let is ranked: run its steps over a copy of the fields it reads
    for (const std::uint32_t field : program_->percentile_fields) frame_[field] = fields[field];
    run(program_->percentile_code, frame_, *program_, nullptr);
    slots = frame_.data();
  }
  for (std::size_t i = 0; i < program_->percentiles.size(); ++i) {
    const PercentileSpec& spec = program_->percentiles[i];
    const Value& v = slots[spec.value];
    if (v.is_unknown()) continue;
    key_.clear();
    if (spec.group >= 0) {
      const Value& g = slots[spec.group];
      if (g.is_unknown()) continue;
      group_key(g, key_);
    }
    auto& groups = distributions_[i];
    auto it = groups.find(key_);
    if (it == groups.end()) it = groups.emplace(key_, std::vector<Decimal>()).first;
    it->second.push_back(v.number);
  }
}

void PortfolioStats::merge(PortfolioStats& other) {
  for (std::size_t i = 0; i < distributions_.size(); ++i) {
    for (auto& [key, values] : other.distributions_[i]) {
      auto& into = distributions_[i][key];
      if (into.empty()) {
        into.swap(values);  // the first: no copy
        continue;
      }
      into.reserve(into.size() + values.size());
      into.insert(into.end(), values.begin(), values.end());
      values = {};  // freed as soon as it is merged
    }
  }
}

void PortfolioStats::finish() {
  for (auto& groups : distributions_)
    for (auto& [key, values] : groups)
      std::sort(values.begin(), values.end(), [](const Decimal& a, const Decimal& b) { return a.compare(b) < 0; }), values.shrink_to_fit();
}

const std::vector<Decimal>* PortfolioStats::distribution(std::uint32_t spec, const Value* group) const {
  const auto& groups = distributions_[spec];
  std::string key;
  if (group) group_key(*group, key);
  auto it = groups.find(key);
  return it == groups.end() || it->second.empty() ? nullptr : &it->second;
}

Decimal PortfolioStats::percentile(std::uint32_t spec, const Value& value, const Value* group) const {
  const std::vector<Decimal>* distribution = this->distribution(spec, group);
  if (!distribution) return Decimal();
  const auto& values = *distribution;
  const auto at_most =
      std::upper_bound(values.begin(), values.end(), value.number, [](const Decimal& a, const Decimal& b) { return a.compare(b) < 0; });
  const auto count = static_cast<std::int64_t>(at_most - values.begin());
  return Decimal::from_int(count).div(Decimal::from_int(static_cast<std::int64_t>(values.size()))).value;
}

void PortfolioStats::add_values(std::uint32_t spec, const std::string& group_key, const std::vector<Decimal>& values) {
  auto& into = distributions_.at(spec)[group_key];
  into.insert(into.end(), values.begin(), values.end());
}

std::size_t PortfolioStats::values() const {
  std::size_t n = 0;
  for (const auto& groups : distributions_)
    for (const auto& [key, values] : groups) n += values.size();
  return n;
}

}  // namespace tenet::core
