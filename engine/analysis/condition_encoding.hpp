// A compiled policy's conditions as SMT formulas (Z3), for `tenet lint` and `tenet flip`: one
// formula per slot of the program, from its instructions, so the solver reasons about exactly
// what the evaluator runs (and a new opcode does not compile until it has an encoding).
//
// Every value is a pair: `defined` (a Bool: the value is known) and `value` (Real for numbers,
// Int for dates as day counts, String, Bool), so the three-valued logic of the language is
// modelled, not ignored: an optional field has a `present` Bool of its own, `and`/`or`/`not`
// follow Kleene's tables, strict operators are defined only when their operands are, `x / 0` is
// unknown, `fired(R)` is R's condition, `flagged(F)` the Kleene `or` of its setters'.
//
// Numbers are exact rationals, as Tenet's decimals are (but for the rounding of a quotient or
// product past 18 digits). What has no exact encoding here (round, mod, lower, upper, trim,
// length, collection fields and set operations) becomes a fresh, unconstrained value whose
// `defined` is free as well: an over-approximation, so "no record can do X" is never claimed
// wrongly, and a record the solver proposes is checked by the evaluator before it is shown.
#pragma once

#include <algorithm>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <z3++.h>

#include "dsl/checker.hpp"
#include "engine/program.hpp"
#include "engine/value.hpp"

namespace tenet::core {

// An overall bound on a run's solver questions (lint's, flip's): each question is bounded by its
// own timeout or by what is left of the budget, if less.
class QuestionBudget {
 public:
  QuestionBudget(unsigned per_question_ms, unsigned total_ms)
      : per_question_ms_(per_question_ms), deadline_(std::chrono::steady_clock::now() + std::chrono::milliseconds(total_ms)) {}
  // The timeout for the next question, in ms; none once the budget is spent (do not ask it).
  std::optional<unsigned> next() const {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline_ - std::chrono::steady_clock::now()).count();
    if (left <= 0) return std::nullopt;
    return static_cast<unsigned>(std::min<long long>(per_question_ms_, left));
  }
  // The solver bounded for the next question; false (nothing set) once the budget is spent.
  bool bound(z3::context& ctx, z3::solver& solver) const {
    const auto timeout = next();
    if (!timeout) return false;
    z3::params p(ctx);
    p.set("timeout", *timeout);
    solver.set(p);
    return true;
  }

 private:
  unsigned per_question_ms_;
  std::chrono::steady_clock::time_point deadline_;
};

class ConditionEncoder {
 public:
  // A value: known or not, and what it is when known. A collection whose items are known
  // (a literal, a param) has `items`; any other collection has neither `value` nor `items`.
  struct Term {
    z3::expr defined;
    std::optional<z3::expr> value;
    std::optional<std::vector<z3::expr>> items;
  };
  // The params: the values the program was compiled with (a param left unknown is free), or all
  // free within their types (`lint --any-params`).
  enum class Params { as_compiled, free };

  // Encodes every instruction some rule's condition reads, in the program's order (dependencies
  // first): one pass, no recursion, each shared let once.
  ConditionEncoder(z3::context& ctx, const CheckedPolicy& policy, const Program& program, Params params);

  // A rule's condition as a term (Bool value).
  const Term& condition(std::uint32_t rule) const { return term(program_.rules[rule].condition); }
  // The rule fires: its condition is known and true.
  z3::expr fires(std::uint32_t rule) const {
    const Term& c = condition(rule);
    return c.defined && *c.value;
  }
  // What every model must satisfy: dates between 0001-01-01 and 9999-12-31.
  const z3::expr_vector& axioms() const { return axioms_; }
  // A record, as a JSON line, that the model describes (absent optional fields left out).
  std::string witness(const z3::model& model) const;
  // A field's `present` Bool and its value (none for a collection field), to pin a record.
  const z3::expr& present(std::uint32_t field) const { return present_[field]; }
  const std::optional<z3::expr>& value(std::uint32_t field) const { return terms_[field]->value; }
  // A value the given Value is (a number, date, string or bool).
  z3::expr constant_of(const Value& v) { return *constant(v).value; }
  // A value with no exact encoding: the slot it is computed into and by what, its fresh `known`
  // Bool and value, and the fields it reads (through lets). Pinning it to what the engine
  // computed for a record makes it exact again wherever the field that moves is not among them.
  struct Opaque {
    std::uint32_t slot;
    OpCode code;
    z3::expr known;
    std::optional<z3::expr> value;
    std::vector<std::uint32_t> fields;
    std::vector<std::optional<z3::expr>> args;  // its operands' values, where they have one
  };
  const std::vector<Opaque>& opaques() const { return opaque_; }
  // The fields the value in a slot reads, through lets: sorted, once each.
  const std::vector<std::uint32_t>& fields_of(std::uint32_t slot) const { return slot_fields_[slot]; }
  // Fields read under floor() or ceil(): exact formulas, but mixed integer ones, where the
  // solver's optimizer can stop short of the optimum.
  const std::vector<std::uint32_t>& stepped_fields() const { return stepped_; }

  // Where a condition can turn: the two sides of every comparison of numbers (and every divisor
  // against 0), with the fields they read. A decision changes only where one side meets the other.
  struct Atom {
    z3::expr lhs, rhs;
    std::vector<std::uint32_t> fields;
  };
  const std::vector<Atom>& atoms() const { return atoms_; }

 private:
  const Term& term(std::uint32_t slot) const { return *terms_[slot]; }
  Term encode(const Instruction& in);
  Term constant(const Value& v);
  Term opaque(const Instruction& in, std::vector<const Term*> args, std::optional<z3::sort> sort);
  void atom(std::uint32_t slot, const z3::expr& lhs, const z3::expr& rhs);
  z3::expr free_value(const std::string& name, TypeKind kind);

  z3::context& ctx_;
  const CheckedPolicy& policy_;
  const Program& program_;
  std::vector<std::optional<Term>> terms_;               // per slot; set for fields, constants and the instructions encoded
  std::vector<std::vector<std::uint32_t>> slot_fields_;  // per slot: fields_of()
  std::vector<z3::expr> present_;
  z3::expr_vector axioms_;
  std::vector<Opaque> opaque_;
  std::vector<std::uint32_t> stepped_;
  std::vector<Atom> atoms_;
  unsigned fresh_count_ = 0;
};

}  // namespace tenet::core
