// The flat compiled form of a checked policy: instructions over value slots.
//
// Every expression node owns one slot; its instruction writes the node's value there.
// Record fields are the first slots, params and literals are constant slots filled once,
// and a name reference simply reuses the slot of what it names, so evaluating a record is
// one pass over a vector with no name lookup, and a trace is a read of the slots.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "dsl/checker.hpp"
#include "engine/value.hpp"

namespace tenet::core {

enum class OpCode : std::uint8_t {
  negate,
  logical_not,
  add,
  sub,
  mul,
  div,
  difference,
  intersect,
  unite,
  eq,
  ne,
  lt,
  le,
  gt,
  ge,
  logical_and,
  logical_or,
  in,
  not_in,
  between,
  is_missing,
  is_present,
  count,
  any,
  min,
  max,
  abs,
  round,
  floor,
  ceil,
  mod,
  coalesce,
  lower,
  upper,
  trim,
  length,
  contains_text,
  contains_item,
  starts_with,
  ends_with,
  days_between,
  percentile,
  percentile_by,  // c: the spec (Program::percentiles)
  fired,
  flagged,
};

// How many operands an opcode reads, for the strict ones (an unknown operand makes the
// result unknown); 0 for those that handle unknown themselves.
constexpr int strict_arity(OpCode op) {
  switch (op) {
    case OpCode::logical_and:
    case OpCode::logical_or:
    case OpCode::is_missing:
    case OpCode::is_present:
    case OpCode::coalesce:
    case OpCode::fired:
    case OpCode::flagged: return 0;
    case OpCode::negate:
    case OpCode::logical_not:
    case OpCode::count:
    case OpCode::any:
    case OpCode::abs:
    case OpCode::floor:
    case OpCode::ceil:
    case OpCode::lower:
    case OpCode::upper:
    case OpCode::trim:
    case OpCode::length: return 1;
    case OpCode::percentile: return 1;
    case OpCode::between: return 3;
    case OpCode::add:
    case OpCode::sub:
    case OpCode::mul:
    case OpCode::div:
    case OpCode::difference:
    case OpCode::intersect:
    case OpCode::unite:
    case OpCode::eq:
    case OpCode::ne:
    case OpCode::lt:
    case OpCode::le:
    case OpCode::gt:
    case OpCode::ge:
    case OpCode::in:
    case OpCode::not_in:
    case OpCode::min:
    case OpCode::max:
    case OpCode::round:
    case OpCode::mod:
    case OpCode::contains_text:
    case OpCode::contains_item:
    case OpCode::starts_with:
    case OpCode::ends_with:
    case OpCode::days_between:
    case OpCode::percentile_by: return 2;
  }
  return 2;  // unreachable: every opcode is listed (no default, so a new one must be)
}

// How many of a, b, c an opcode reads as values. fired reads `a` (the rule's condition);
// flagged reads the conditions of the flag's rules (Program::flag_setters[c]) and counts 0.
constexpr int operand_count(OpCode op) {
  switch (op) {
    case OpCode::is_missing:
    case OpCode::is_present:
    case OpCode::fired: return 1;
    case OpCode::coalesce:
    case OpCode::logical_and:
    case OpCode::logical_or: return 2;
    case OpCode::flagged: return 0;
    default: return strict_arity(op);  // the strict ones read as many as they are strict on
  }
}

// dst = code(a, b, c); `node` is the expression it computes, for traces and debugging.
struct Instruction {
  OpCode code;
  bool makes_set = false;   // the result is a set: sort and deduplicate it
  std::uint8_t strict = 0;  // strict_arity(code), looked up once at compile time
  std::uint32_t dst = 0;
  std::uint32_t a = 0, b = 0, c = 0;
  const ast::Expr* node = nullptr;
};

// A piece of a `because` text: literal text, or the value in a slot.
struct TemplatePiece {
  std::string text;
  std::int64_t slot = -1;
};

struct CompiledRule {
  std::uint32_t condition = 0;       // slot of the `when` expression
  bool recommends = false;           // `then recommend`, else `then flag`
  std::int64_t priority = 0;         // of a recommendation
  std::uint32_t target = 0;          // the action (Program::actions) or the flag (CheckedPolicy::flags)
  bool has_because = false;          // the rule has a `because` text (maybe empty)
  std::vector<Instruction> explain;  // computes the `because` holes
  std::vector<TemplatePiece> because;
};

// A percentile(VALUE [by GROUP]) of the policy: what the first pass over a portfolio collects.
// VALUE and GROUP are fields or lets: their slots, computed by Program::percentile_code.
struct PercentileSpec {
  std::uint32_t value = 0;
  std::int64_t group = -1;  // a slot, or -1
  bool operator==(const PercentileSpec&) const = default;
};

// How the decision picks among fired recommendations (the `hit` of the decision block).
enum class Hit : std::uint8_t { priority, first, collect };

struct Program {
  std::uint32_t field_count = 0;
  Hit hit = Hit::priority;
  std::vector<std::string> missing_reasons;              // per field: "region is missing"
  std::vector<std::string> not_available_reasons;        // per field: "region is n/a" (a missing-value marker)
  std::vector<Value> initial_frame;                      // constants in place; fields and results empty
  std::vector<Instruction> code;                         // lets and rule conditions, dependencies first
  std::vector<CompiledRule> rules;                       // in declaration order
  std::vector<std::vector<std::uint32_t>> flag_setters;  // per flag: its rules, in declaration order
  std::vector<std::string> actions;                      // action names; rules and the default refer to them by index
  std::uint32_t default_action = 0;
  // Per param (declaration order), the slot holding the value this program runs with.
  std::vector<std::uint32_t> param_slots;
  // Distinct percentile(...) of the policy: a run collects them over the portfolio first.
  std::vector<PercentileSpec> percentiles;
  // What the first pass runs over a record's fields to have every spec's slots: the lets they
  // rank or group by (copies of `code`'s steps, in its order; empty when all are fields), and
  // the fields those read.
  std::vector<Instruction> percentile_code;
  std::vector<std::uint32_t> percentile_fields;
  // Why fired(R) is unknown: "rule R is unknown", per rule (an unknown value points at its reason).
  std::vector<std::string> unknown_rule_reasons;
  // Per slot, the instruction of `code` that writes it, or kConstant (fields, literals, params),
  // or kExplained (written by a rule's `explain` steps): the way back from an unknown condition
  // to the absent fields that made it so. Covers every slot of the frame.
  static constexpr std::int32_t kConstant = -1;
  static constexpr std::int32_t kExplained = -2;
  std::vector<std::int32_t> producer;
  // Per field: whether anything reads its value (a condition, a let, a `because` hole). A field
  // no one reads is only checked when a record is read, never converted (RecordBuilder::reads()).
  std::vector<bool> field_read;
  std::unordered_map<const ast::Expr*, std::uint32_t> slot_of;
  // Per field: the strings a condition compares its value (or its items) with as written, from
  // a literal or a param (==, !=, in, set operations, contains). A value equal to one of them but
  // for case never matches it: the run warns (RecordBuilder counts such values).
  std::vector<std::vector<std::string>> compared_strings;

  // The value of an expression that is a constant of the program (a literal, a param), or null.
  const Value* constant_of(const ast::Expr& e) const {
    auto it = slot_of.find(&e);
    return it == slot_of.end() || !is_constant(it->second) ? nullptr : &initial_frame[it->second];
  }
  // A slot no instruction writes and no record fills: a literal's or a param's.
  bool is_constant(std::uint32_t slot) const { return slot >= field_count && producer[slot] == kConstant; }
};

// Calls `f(slot)` for each slot an instruction reads as a value: its operands, or for flagged(F)
// the conditions of F's rules. The one walk of the data flow that the analyses share.
template <class F>
void for_each_operand(const Program& program, const Instruction& in, F&& f) {
  if (in.code == OpCode::flagged) {
    for (const auto rule : program.flag_setters[in.c]) f(program.rules[rule].condition);
    return;
  }
  const int operands = operand_count(in.code);
  if (operands > 0) f(in.a);
  if (operands > 1) f(in.b);
  if (operands > 2) f(in.c);
}

// Values given on the command line replace the params' literals: name -> value.
using ParamValues = std::unordered_map<std::string, Value>;

Program compile_program(const CheckedPolicy& policy, const ParamValues& params);

// The constant value of a literal expression (params, set literals).
Value literal_value(const ast::Expr& e);

}  // namespace tenet::core
