// A checked policy's conditions as SMT formulas (Z3), for `tenet lint`.
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
#include <map>
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

// The params' values a compiled program runs with (defaults, or a run's), for the encoder; an
// unset one (`today`) is unknown there, which the encoder leaves free.
std::vector<std::optional<Value>> param_values(const Program& program);

class ConditionEncoder {
 public:
  // A value: known or not, and what it is when known. A collection whose items are known
  // (a literal, a param) has `items`; any other collection has neither `value` nor `items`.
  struct Term {
    z3::expr defined;
    std::optional<z3::expr> value;
    std::optional<std::vector<z3::expr>> items;
  };

  // `params`: each param's value (the policy's default or a run's); none: free within its type.
  ConditionEncoder(z3::context& ctx, const CheckedPolicy& policy, const std::vector<std::optional<Value>>& params);

  // A rule's condition as a term (Bool value).
  const Term& condition(std::uint32_t rule);
  // The rule fires: its condition is known and true.
  z3::expr fires(std::uint32_t rule);
  // What every model must satisfy: dates between 0001-01-01 and 9999-12-31.
  const z3::expr_vector& axioms() const { return axioms_; }
  // A record, as a JSON line, that the model describes (absent optional fields left out).
  std::string witness(const z3::model& model) const;
  // A field's `present` Bool and its value (none for a collection field), to pin a record.
  const z3::expr& present(std::uint32_t field) const { return *present_[field]; }
  const std::optional<z3::expr>& value(std::uint32_t field) const { return field_value_[field]; }
  // A value the given Value is, of the given type (a number, date, string or bool).
  z3::expr constant_of(const Value& v, Type type) { return *constant(v, type).value; }
  // A value with no exact encoding: the expression it stands for, its fresh `known` Bool and
  // value, and the fields its expression reads (through lets). Pinning it to what the engine
  // computed for a record makes it exact again wherever the field that moves is not among them.
  struct Opaque {
    const ast::Expr* expr;
    z3::expr known;
    std::optional<z3::expr> value;
    std::vector<std::uint32_t> fields;
    std::vector<std::optional<z3::expr>> args;  // its operands' values, where they have one
  };
  const std::vector<Opaque>& opaques() const { return opaque_; }
  // The fields an expression reads, through lets (repeats possible).
  std::vector<std::uint32_t> fields_of(const ast::Expr& e) const {
    std::vector<std::uint32_t> out;
    fields_read(e, out);
    return out;
  }
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
  Term encode(const ast::Expr& e);
  Term encode_call(const ast::Expr& e);
  // Encodes the lets and rules `e` reads (through lets, fired() and flagged()) that are not yet
  // encoded, dependencies first (the checker's order), so that encoding `e` then finds each one
  // done: recursion as deep as one expression, never as a chain of lets, and a let read twice
  // encoded once (a DAG of shared lets stays linear).
  void prepare(const ast::Expr& e);
  Term constant(const Value& v, Type type);
  Term opaque(const ast::Expr& e, const std::vector<Term>& args);
  z3::expr fresh(Type type);
  z3::expr all_defined(const std::vector<Term>& args) const;
  void fields_read(const ast::Expr& e, std::vector<std::uint32_t>& out) const;

  z3::context& ctx_;
  const CheckedPolicy& policy_;
  std::vector<Term> fields_, params_;
  std::map<std::uint32_t, Term> lets_, rules_;
  std::vector<std::vector<std::uint32_t>> let_fields_;  // per let: the fields it reads, through lets, sorted, once each
  std::vector<std::optional<z3::expr>> present_, field_value_;
  z3::expr_vector axioms_;
  std::vector<Opaque> opaque_;
  std::vector<std::uint32_t> stepped_;
  std::vector<Atom> atoms_;
  void atom(const ast::Expr& e, const z3::expr& lhs, const z3::expr& rhs);
  unsigned fresh_count_ = 0;
};

}  // namespace tenet::core
