// `tenet flip POLICY FACTS`: per record, the smallest change of one number field that changes
// its decision, solved, not searched: with every other field pinned to the record's values
// (and every value with no exact encoding pinned to what the engine computed), the solver gives,
// for each comparison that reads the field, the value at which its two sides meet
// (condition_encoding.hpp's atoms). Between two such roots no condition turns, so the nearest
// change of decision is at a root (`x >= 10`) or just past it (`x > 10`: one unit of the last
// decimal place of the record's value or the root, whichever is finer: the precision of the
// data); the engine decides each candidate, nearest first. The change reported is the one
// smallest relative to the field's value (|new - old| / |old|), with the root it comes from as
// `boundary`. Where a value with no exact encoding (round, mod, string functions, collections)
// or a floor()/ceil() reads the field, `"exact":false` says a nearer flip may exist.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "dsl/base/decimal.hpp"
#include "engine/policy.hpp"

namespace tenet::core {

class PortfolioStats;

struct FlipOptions {
  unsigned timeout_ms = 1000;     // per solver question
  unsigned budget_ms = 600000;    // all questions of a run together: once spent, the rest are not asked
  std::optional<Decimal> within;  // only flips within this relative change (0.05 for 5%)
  unsigned fields = 1;            // change up to this many number fields at once (1 or 2)
  // What percentile() ranks against (the facts read as a portfolio), for a policy that reads it.
  // A percentile is pinned at its value like any value without an exact encoding: flips of the
  // fields it reads are not exact, and the engine decides each candidate with the distribution.
  const PortfolioStats* portfolio = nullptr;
};

// What the solver was asked, and how often it gave no answer in time.
struct FlipCounts {
  std::size_t questions = 0, undecided = 0, skipped = 0;  // skipped: not asked, the budget was spent
};

class Flipper {
 public:
  Flipper(const Policy& policy, const FlipOptions& options);
  ~Flipper();
  // The record's line: {"id","decision","flip":{"changes":{FIELD: VALUE},"decision":NEW,"boundary":B,"exact":E}}
  // or "flip":null; nullopt when --within leaves it out.
  std::optional<std::string> flip(const Record& record);
  FlipCounts counts() const;
  // Whether flips of this field are exact: no opaque value, floor() or ceil() reads it.
  bool exact(std::uint32_t field) const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace tenet::core
