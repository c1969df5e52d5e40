// Runs a compiled program over one record's slots.
#pragma once

#include <vector>

#include "engine/program.hpp"

namespace tenet::core {

class PortfolioStats;

// `portfolio`: what percentile() reads (null: percentile is unknown, "no portfolio").
void run(const std::vector<Instruction>& code, std::vector<Value>& slots, const Program& program, const PortfolioStats* portfolio);

// A frame of slots for one thread; reuse it for record after record.
class Frame {
 public:
  explicit Frame(const Program& program) : program_(&program), slots_(program.initial_frame), visited_(program.initial_frame.size(), 0) {}

  // Swaps the record's field values into the field slots and runs the lets and conditions.
  void evaluate(std::vector<Value>& fields);
  // Runs the lets and conditions over field slots filled in place (field_slots()).
  void evaluate_in_place();
  Value* field_slots() { return slots_.data(); }
  // Computes the `because` holes of one rule (only fired rules need them).
  void explain(std::uint32_t rule);

  const Value& slot(std::uint32_t i) const { return slots_[i]; }
  // The distributions percentile() reads: the run's first pass (engine/portfolio_stats.hpp).
  void set_portfolio(const PortfolioStats* portfolio) { portfolio_ = portfolio; }
  const Program& program() const { return *program_; }

  // Appends the absent fields (schema indices, ascending) that made the unknown value in
  // `slot` unknown: followed back through every unknown operand, lets and rules included.
  void append_missing_fields(std::uint32_t slot, std::vector<std::uint32_t>& out);

 private:
  const Program* program_;
  const PortfolioStats* portfolio_ = nullptr;
  std::vector<Value> slots_;
  // For append_missing_fields(): a slot is visited when visited_[slot] == epoch_, so the
  // marks need no clearing; the stack keeps its capacity from record to record.
  std::vector<std::uint32_t> visited_;
  std::uint32_t epoch_ = 0;
  std::vector<std::uint32_t> stack_;
};

}  // namespace tenet::core
