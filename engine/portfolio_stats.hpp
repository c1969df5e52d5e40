// What `percentile(VALUE [by GROUP])` reads: the distribution of a value's known values over the
// run's records, per group. Filled by a first pass over the portfolio (every record read once,
// each thread its own, then merged), sorted once, then read by every evaluator of the second
// pass. A percentile is the share of the group's records whose field is known and at most this
// record's value: count / total, exact to 18 digits, whatever the order or cut of the input.
//
// Memory: one Decimal (16 bytes) per known value per distinct percentile of the policy, plus a
// key per group (docs/language.md, bench/RESULTS.md).
#pragma once

#include <unordered_map>
#include <string>
#include <vector>

#include "engine/program.hpp"

namespace tenet::core {

class PortfolioStats {
 public:
  explicit PortfolioStats(const Program& program);

  // One record's field values (schema order); the lets ranked are computed from them, and
  // unknown values are left out.
  void add(const Value* fields);
  // Another thread's values (before finish()).
  void merge(PortfolioStats& other);
  // Sorts every distribution: after it, percentile() may be called from any thread.
  void finish();
  // percentile(spec) of `value` in `group`'s distribution (group null for an ungrouped one).
  Decimal percentile(std::uint32_t spec, const Value& value, const Value* group) const;
  // The sorted values percentile(spec) ranks against in `group` (null: none there).
  const std::vector<Decimal>* distribution(std::uint32_t spec, const Value* group) const;
  // The values held: for the memory figures.
  std::size_t values() const;

  // Per spec, group key -> values: what a ranks file holds (engine/batch/ranks_file.hpp).
  const std::vector<std::unordered_map<std::string, std::vector<Decimal>>>& distributions() const { return distributions_; }
  // Values of another run (a ranks file), before finish().
  void add_values(std::uint32_t spec, const std::string& group_key, const std::vector<Decimal>& values);

  // How a group's value is keyed: its kind and text (a number by its canonical digits), into
  // `out` (whose capacity is kept: no allocation per record).
  static void group_key(const Value& v, std::string& out);

 private:
  const Program* program_;
  std::vector<std::unordered_map<std::string, std::vector<Decimal>>> distributions_;  // per spec: group -> values
  std::string key_;                                                                   // add()'s scratch key
  std::vector<Value> frame_;  // add()'s slots, when a let is ranked (Program::percentile_code)
};

}  // namespace tenet::core
