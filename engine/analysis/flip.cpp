#include "engine/analysis/flip.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "engine/analysis/condition_encoding.hpp"
#include "engine/json_text.hpp"
#include "engine/output/json_writer.hpp"
#include "engine/portfolio_stats.hpp"
#include "engine/program.hpp"

namespace tenet::core {

namespace {

// How far `to` is from `from`, relative to it (absolutely when it is 0): |to - from| / |from|,
// in exact decimals (rounded to 18 digits), never through a binary or locale-read number; none
// when it leaves the decimals' range.
std::optional<Decimal> relative_change(const Decimal& from, const Decimal& to) {
  const auto d = to.sub(from);
  if (d.status != Decimal::Status::ok) return std::nullopt;
  if (from.is_zero()) return d.value.abs();
  const auto r = d.value.abs().div(from.abs());
  if (r.status != Decimal::Status::ok) return std::nullopt;
  return r.value;
}

// Whether change `a` is farther than `b` (a change out of range is the farthest).
bool farther(const std::optional<Decimal>& a, const std::optional<Decimal>& b) {
  if (!a || !b) return !a && b;
  return a->compare(*b) > 0;
}

// The decimal places a value is written with: 2 for 12.50 as read (1.25e1 has 1), 0 for 1200.
int places(const Decimal& d) { return d.exponent() < 0 ? -d.exponent() : 0; }

// The exponent of one unit in the 18th significant digit of `d` (a decimal holds no finer step).
int ulp_exponent(const Decimal& d) {
  if (d.coefficient() == 0) return -300;
  const int digits = static_cast<int>(std::to_string(d.coefficient() < 0 ? -d.coefficient() : d.coefficient()).size());
  return digits - 1 + d.exponent() - 17;
}

// `x` at `p` decimal places, rounded away from the record's value (up: toward +infinity).
Decimal outward(const Decimal& x, int p, bool up) {
  const Decimal scale = *Decimal::parse("1e" + std::to_string(p));
  const auto scaled = x.mul(scale).value;
  const auto whole = scaled.to_whole(up).value;
  return whole.div(scale).value;
}

}  // namespace

struct Flipper::State {
  const Policy& policy;
  FlipOptions options;
  z3::context ctx;
  ConditionEncoder encoder;
  z3::solver solver;
  std::vector<z3::expr> fires;                                       // per rule
  std::vector<std::uint32_t> order;                                  // recommending rules, in the hit policy's ranking
  std::vector<std::uint32_t> candidates;                             // number fields some condition reads
  std::vector<std::uint32_t> categorical;                            // string, bool and string collection fields some condition reads
  std::vector<std::pair<std::uint32_t, std::uint32_t>> field_pairs;  // --fields 2: find_field_pairs()
  // Per field: the strings it is compared with (==, !=, in, set operations, contains), sorted,
  // and whether it is read otherwise too (a string function, a comparison with another field):
  // then the values tried are not all that could matter.
  std::vector<std::vector<std::string>> strings;
  std::vector<bool> read_otherwise;
  Evaluator evaluator;
  std::size_t questions = 0, undecided = 0, skipped = 0;
  QuestionBudget budget;
  std::vector<bool> reads_opaque;  // per field: an opaque value reads it (its flips are not exact)
  // Per opaque value: whether it is a percentile() of a number whose flips are solved through the
  // distribution (percentile_roots()), and the fields its group reads (which must stay pinned).
  std::vector<bool> ranks_exactly;
  std::vector<std::vector<std::uint32_t>> group_fields;
  static constexpr std::uint32_t kNoField = UINT32_MAX;

  State(const Policy& p, const FlipOptions& o)
      : policy(p),
        options(o),
        encoder(ctx, p.checked(), p.program(), ConditionEncoder::Params::as_compiled),
        solver(ctx),
        evaluator(p),
        budget(o.timeout_ms, o.budget_ms) {
    evaluator.set_portfolio(o.portfolio);  // each question is bounded by `budget`
    for (const auto& axiom : encoder.axioms()) solver.add(axiom);
    const auto& program = p.program();
    for (std::uint32_t r = 0; r < program.rules.size(); ++r) {
      fires.push_back(encoder.fires(r));
      if (program.rules[r].recommends) order.push_back(r);
    }
    if (program.hit == Hit::priority)
      std::stable_sort(order.begin(), order.end(), [&](auto a, auto b) { return program.rules[a].priority > program.rules[b].priority; });
    const auto& fields = p.checked().schema().fields;
    reads_opaque.assign(fields.size(), false);
    for (const auto& o : encoder.opaques()) {
      const bool grouped = o.code == OpCode::percentile_by;
      const Instruction& in = program.code[static_cast<std::size_t>(program.producer[o.slot])];
      const bool percentile = (o.code == OpCode::percentile || grouped) && o.args[0] && o.args[0]->is_real() && options.portfolio;
      ranks_exactly.push_back(percentile);
      group_fields.push_back(percentile && grouped ? encoder.fields_of(in.b) : std::vector<std::uint32_t>{});
      for (auto f : o.fields)
        if (!percentile || std::find(group_fields.back().begin(), group_fields.back().end(), f) != group_fields.back().end())
          reads_opaque[f] = true;
    }
    for (auto f : encoder.stepped_fields()) reads_opaque[f] = true;
    for (std::uint32_t f = 0; f < fields.size(); ++f)
      if (fields[f].type.kind == TypeKind::number && !fields[f].is_key && program.field_read[f]) candidates.push_back(f);
    if (o.fields >= 2) field_pairs = find_field_pairs();
    for (std::uint32_t f = 0; f < fields.size(); ++f) {
      const Type& t = fields[f].type;
      const bool strings_of = t.is_collection() && t.element == TypeKind::string;
      if ((t.kind == TypeKind::string || t.kind == TypeKind::boolean || strings_of) && !fields[f].is_key && program.field_read[f])
        categorical.push_back(f);
    }
    // Only these strings can make a comparison of the field turn: any other value behaves as
    // every other value outside them.
    strings.resize(fields.size());
    read_otherwise.assign(fields.size(), false);
    for (const Instruction& in : program.code) compared_strings(in);
    for (auto& texts : strings) {
      std::sort(texts.begin(), texts.end());
      texts.erase(std::unique(texts.begin(), texts.end()), texts.end());
    }
  }

  // Every field but `free` pinned to the record's value (absent ones absent), and every opaque
  // value that does not read `free` pinned to what the engine computed (`computed`), but
  // `free_opaque`.
  void pin(const Record& record, std::uint32_t free, const std::vector<Value>& computed, std::size_t free_opaque = SIZE_MAX,
           std::uint32_t also_free = kNoField) {
    const auto& opaques = encoder.opaques();
    const auto reads = [](const auto& o, std::uint32_t f) { return std::find(o.fields.begin(), o.fields.end(), f) != o.fields.end(); };
    for (std::size_t i = 0; i < opaques.size(); ++i) {
      const auto& o = opaques[i];
      if (i == free_opaque || reads(o, free) || reads(o, also_free)) continue;
      if (computed[i].is_unknown()) {
        solver.add(!o.known);
        continue;
      }
      solver.add(o.known);
      if (o.value && computed[i].kind != Value::Kind::list) solver.add(*o.value == encoder.constant_of(computed[i]));
    }
    const auto& fields = policy.checked().schema().fields;
    for (std::uint32_t f = 0; f < fields.size(); ++f) {
      if (!policy.program().field_read[f]) continue;  // never converted when a record is read: no value to pin
      const Value& v = record.fields[f];
      if (f == free || f == also_free) {
        solver.add(encoder.present(f));
        continue;
      }
      if (v.is_unknown()) {
        solver.add(!encoder.present(f));
        continue;
      }
      solver.add(encoder.present(f));
      if (encoder.value(f) && v.kind != Value::Kind::list) solver.add(*encoder.value(f) == encoder.constant_of(v));
    }
  }

  // Where the conditions can turn as `field` moves, the others pinned: the value at which each
  // comparison reading it has its two sides equal (one solver question each).
  std::vector<Decimal> roots(const Record& record, std::uint32_t field, const std::vector<Value>& computed) {
    std::vector<Decimal> out;
    const z3::expr v = *encoder.value(field);
    for (const auto& atom : encoder.atoms()) {
      if (std::find(atom.fields.begin(), atom.fields.end(), field) == atom.fields.end()) continue;
      solver.push();
      pin(record, field, computed);
      solver.add(atom.lhs == atom.rhs);
      if (auto root = solve_for(v)) out.push_back(*root);
      solver.pop();
    }
    return out;
  }

  // Where two conditions turn at once as `f` and `g` move, the others pinned: for each two
  // comparisons reading either, the point where both have their sides equal. With the points
  // where one turns as one field moves (roots()), these are the corners of the regions in which
  // no condition turns; the least change of the two fields (the sum of their relative changes)
  // that changes the decision is at one of them, or just past it.
  std::vector<std::pair<Decimal, Decimal>> pair_roots(const Record& record, std::uint32_t f, std::uint32_t g,
                                                      const std::vector<Value>& computed) {
    std::vector<std::pair<Decimal, Decimal>> out;
    std::vector<const ConditionEncoder::Atom*> atoms;
    for (const auto& atom : encoder.atoms())
      if (std::find(atom.fields.begin(), atom.fields.end(), f) != atom.fields.end() ||
          std::find(atom.fields.begin(), atom.fields.end(), g) != atom.fields.end())
        atoms.push_back(&atom);
    for (std::size_t i = 0; i < atoms.size(); ++i) {
      for (std::size_t j = i + 1; j < atoms.size(); ++j) {
        solver.push();
        pin(record, f, computed, SIZE_MAX, g);
        solver.add(atoms[i]->lhs == atoms[i]->rhs);
        solver.add(atoms[j]->lhs == atoms[j]->rhs);
        if (const auto x = solve_for(*encoder.value(f)))
          if (const auto y = in_model(*encoder.value(g))) out.emplace_back(*x, *y);
        solver.pop();
      }
    }
    return out;
  }

  // The pairs of number fields worth moving together: both read by one rule's condition.
  std::vector<std::pair<std::uint32_t, std::uint32_t>> find_field_pairs() const {
    std::vector<std::pair<std::uint32_t, std::uint32_t>> out;
    for (const CompiledRule& rule : policy.program().rules) {
      const std::vector<std::uint32_t>& read = encoder.fields_of(rule.condition);  // sorted, once each
      for (std::size_t i = 0; i < read.size(); ++i)
        for (std::size_t j = i + 1; j < read.size(); ++j)
          if (std::count(candidates.begin(), candidates.end(), read[i]) && std::count(candidates.begin(), candidates.end(), read[j]))
            out.emplace_back(read[i], read[j]);
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
  }

  // What `v` is in a model of the solver's assertions, if it has one.
  std::optional<Decimal> solve_for(const z3::expr& v) {
    if (!budget.bound(ctx, solver)) {  // the budget is spent: no more questions (each counted as skipped)
      ++skipped;
      return std::nullopt;
    }
    const z3::check_result answer = solver.check();
    ++questions;
    if (answer == z3::unknown) ++undecided;
    if (answer != z3::sat) return std::nullopt;
    return in_model(v);
  }

  // What `v` is in the model the last solve_for() found.
  std::optional<Decimal> in_model(const z3::expr& v) {
    std::string text = solver.get_model().eval(v, true).get_decimal_string(40);
    if (!text.empty() && text.back() == '?') text.pop_back();  // a quotient that does not terminate: 18 digits
    return Decimal::parse(text);
  }

  static bool mentions(const z3::expr& e, const z3::expr& x) {
    if (z3::eq(e, x)) return true;
    for (unsigned i = 0; i < e.num_args(); ++i)
      if (mentions(e.arg(i), x)) return true;
    return false;
  }

  // Where a percentile() reading `field` turns, as `field` moves: a percentile is a step function
  // of the value it ranks, so first the levels its comparisons turn at (solved with that
  // percentile free and everything else pinned), then, for each level, the values of the
  // record's distribution at which the percentile reaches it (>= level and > level), then the
  // values of `field` at which the ranked value is one of those (solved). `distributions`: per
  // opaque value, the record's (null but for percentiles); `levels`: per opaque value, its
  // levels once found for this record (they do not depend on the field that moves).
  void percentile_roots(const Record& record, std::uint32_t field, const std::vector<Value>& computed,
                        const std::vector<const std::vector<Decimal>*>& distributions,
                        std::vector<std::optional<std::vector<Decimal>>>& levels, std::vector<Decimal>& out) {
    const auto& opaques = encoder.opaques();
    for (std::size_t i = 0; i < opaques.size(); ++i) {
      const auto& o = opaques[i];
      const auto& group = group_fields[i];
      if (!ranks_exactly[i] || !distributions[i] || std::find(o.fields.begin(), o.fields.end(), field) == o.fields.end() ||
          std::find(group.begin(), group.end(), field) != group.end())
        continue;
      if (!levels[i]) {
        levels[i].emplace();
        for (const auto& atom : encoder.atoms()) {
          if (!mentions(atom.lhs, *o.value) && !mentions(atom.rhs, *o.value)) continue;
          solver.push();
          pin(record, kNoField, computed, i);
          solver.add(atom.lhs == atom.rhs);
          if (auto level = solve_for(*o.value)) levels[i]->push_back(*level);
          solver.pop();
        }
      }
      const auto& values = *distributions[i];
      const auto n = static_cast<std::int64_t>(values.size());
      for (const Decimal& level : *levels[i]) {
        const Decimal share = level.mul(Decimal::from_int(n)).value;                         // records at most the value, for this level
        const std::int64_t at_least = share.to_whole(true).value.to_integer().value_or(0);   // percentile >= level
        const std::int64_t more = share.to_whole(false).value.to_integer().value_or(0) + 1;  // percentile > level
        for (const std::int64_t k : {at_least, more}) {
          if (k < 1 || k > n) continue;
          solver.push();
          pin(record, field, computed);
          solver.add(*o.args[0] == encoder.constant_of(Value::of(values[static_cast<std::size_t>(k - 1)])));
          if (auto root = solve_for(*encoder.value(field))) out.push_back(*root);
          solver.pop();
        }
      }
    }
  }

  // Whether the values tried for a field are all that could matter: a number's roots, where
  // nothing without an exact encoding reads it; a bool's other value; a string's compared
  // strings, where nothing else reads it; never a collection's (a member less or more).
  bool exact(std::uint32_t f) const {
    const Type& t = policy.checked().schema().fields[f].type;
    if (t.kind == TypeKind::boolean) return true;
    if (t.kind == TypeKind::string) return !reads_opaque[f] && !read_otherwise[f];
    return t.kind != TypeKind::list && t.kind != TypeKind::set && !reads_opaque[f];
  }

  // Collects, for each comparison of a field with a constant (a literal or a param), the
  // constant's strings into the field's `strings`; any other read marks it `read_otherwise`.
  void compared_strings(const Instruction& in) {
    const Program& program = policy.program();
    const OpCode op = in.code;
    const bool compares = op == OpCode::eq || op == OpCode::ne || op == OpCode::in || op == OpCode::not_in || op == OpCode::difference ||
                          op == OpCode::intersect || op == OpCode::unite || op == OpCode::contains_item || op == OpCode::contains_text;
    // A bool read as such, or a presence test: any value is alike.
    const bool alike = op == OpCode::logical_and || op == OpCode::logical_or || op == OpCode::logical_not || op == OpCode::is_missing ||
                       op == OpCode::is_present || op == OpCode::fired;
    const int n = operand_count(op);
    const std::uint32_t operands[3] = {in.a, in.b, in.c};
    for (int i = 0; i < n; ++i) {
      const std::uint32_t field = operands[i];
      if (field >= program.field_count || alike) continue;  // a computed value is an instruction of its own
      // Only a two-operand comparison has an `other` side (operands[1 - i] would be [-1] at i = 2).
      if (!(compares && n == 2 && program.is_constant(operands[1 - i]))) {
        read_otherwise[field] = true;
        continue;
      }
      const Value& v = program.initial_frame[operands[1 - i]];
      if (v.kind == Value::Kind::string) strings[field].push_back(v.text);
      for (const Value& item : v.items)
        if (item.kind == Value::Kind::string) strings[field].push_back(item.text);
    }
  }

  // The other values of a categorical field that can change a decision, in order: a bool's other
  // value; for a string, each string it is compared with, then "" for any value those do not
  // name; for a collection of strings, each member left out, then each of those strings added,
  // then "" (any other).
  std::vector<Value> alternatives(std::uint32_t field, const Value& now, const Type& type) const {
    const auto& strings = this->strings[field];
    std::vector<Value> out;
    if (type.kind == TypeKind::boolean) {
      out.push_back(Value::of(!now.boolean));
    } else if (type.kind == TypeKind::string) {
      for (const auto& text : strings)
        if (text != now.text) out.push_back(Value::of(text));
      if (!std::binary_search(strings.begin(), strings.end(), std::string()) && !now.text.empty()) out.push_back(Value::of(std::string()));
    } else {
      for (std::size_t i = 0; i < now.items.size(); ++i) {
        Value fewer = now;
        fewer.items.erase(fewer.items.begin() + static_cast<std::ptrdiff_t>(i));
        out.push_back(std::move(fewer));
      }
      std::vector<std::string> added = strings;
      if (!std::binary_search(strings.begin(), strings.end(), std::string())) added.emplace_back();
      for (const auto& text : added) {
        if (contains(now, Value::of(text))) continue;
        Value more = now;
        more.items.push_back(Value::of(text));
        if (type.kind == TypeKind::set) make_set(more);
        out.push_back(std::move(more));
      }
    }
    return out;
  }

  // The record decided with `field` set to `value` (and `other` to its value, for two fields):
  // its decision, when it differs from `d`.
  std::optional<Decision> decide_with(const Record& record, std::uint32_t field, const Value& value, const Decision& d,
                                      std::optional<std::pair<std::uint32_t, Value>> other = std::nullopt) {
    Record copy = record;
    copy.fields[field] = value;
    if (other) copy.fields[other->first] = other->second;
    Decision changed;
    evaluator.evaluate(copy, changed);
    if (changed.actions == d.actions) return std::nullopt;  // one policy: the same action indices
    return changed;
  }
};

Flipper::Flipper(const Policy& policy, const FlipOptions& options) : state_(std::make_unique<State>(policy, options)) {}
Flipper::~Flipper() = default;

bool Flipper::exact(std::uint32_t field) const { return state_->exact(field); }

FlipCounts Flipper::counts() const { return {state_->questions, state_->undecided, state_->skipped}; }

std::optional<std::string> Flipper::flip(const Record& record) {
  State& s = *state_;
  const Policy& policy = s.policy;
  Record copy = record;
  Decision d;
  s.evaluator.evaluate(copy, d);
  // What the engine computed for the opaque values, before any other evaluation.
  std::vector<Value> computed;
  std::vector<const std::vector<Decimal>*> distributions;  // of the percentiles: the record's group's
  const Program& program = policy.program();
  for (const auto& o : s.encoder.opaques()) {
    computed.push_back(s.evaluator.frame().slot(o.slot));
    const Instruction& in = program.code[static_cast<std::size_t>(program.producer[o.slot])];
    const bool grouped = in.code == OpCode::percentile_by;
    distributions.push_back(s.options.portfolio && (in.code == OpCode::percentile || grouped) &&
                                    (!grouped || !s.evaluator.frame().slot(in.b).is_unknown())
                                ? s.options.portfolio->distribution(in.c, grouped ? &s.evaluator.frame().slot(in.b) : nullptr)
                                : nullptr);
  }
  struct Best {
    std::uint32_t field;
    Value value;
    std::optional<std::pair<std::uint32_t, Decimal>> second;  // --fields 2: the other field changed
    std::optional<Decimal> boundary;                          // of a number: the root it comes from
    Decimal relative;                                         // the change, relative to the value (exact to 18 digits)
    bool exact;
    Decision decision;
  };
  std::optional<Best> best;
  std::vector<std::optional<std::vector<Decimal>>> levels(s.encoder.opaques().size());  // percentile_roots()'s
  for (std::uint32_t f : s.candidates) {
    const Value& now = record.fields[f];
    if (now.kind != Value::Kind::number) continue;  // an absent field has no nearer value
    // Between two roots no condition turns, so the decision holds: the nearest change is at a
    // root (x >= 10: the root itself) or just past it (x > 10: one unit of the last decimal
    // place, at the precision of the data: the record's places, or the root's when it has a
    // few more, 10.5 for an integer field). A root with many more (a quotient of the field
    // itself, 90909.0909...) is taken rounded outward to the record's places + 2.
    const int p = places(now.number);
    std::vector<std::pair<Decimal, Decimal>> tries;  // value, the root it comes from
    std::vector<Decimal> roots = s.roots(record, f, computed);
    s.percentile_roots(record, f, computed, distributions, levels, roots);
    for (const Decimal& root : roots) {
      const int c = root.compare(now.number);
      for (const bool up : {true, false}) {
        if ((up && c < 0) || (!up && c > 0)) continue;
        const bool fine = places(root) <= p + 2;
        const Decimal at = fine ? root : outward(root, p + 2, up);
        // One unit of the last place kept, never finer than a decimal of 18 digits can step.
        const int last = fine ? std::max(p, places(root)) : p + 2;
        const auto unit = *Decimal::parse("1e" + std::to_string(std::max(-last, ulp_exponent(at))));
        tries.emplace_back(at, root);
        tries.emplace_back((up ? at.add(unit) : at.sub(unit)).value, root);
      }
    }
    std::stable_sort(tries.begin(), tries.end(), [&](const auto& a, const auto& b) {
      return farther(relative_change(now.number, b.first), relative_change(now.number, a.first));
    });
    for (const auto& [value, root] : tries) {
      if (value.compare(now.number) == 0) continue;
      const auto relative = relative_change(now.number, value);
      if (!relative) continue;  // beyond the decimals' range: no nearer flip there
      auto changed = s.decide_with(record, f, Value::of(value), d);
      if (!changed) continue;
      if (!best || relative->compare(best->relative) < 0)
        best = Best{f, Value::of(value), std::nullopt, root, *relative, !s.reads_opaque[f], std::move(*changed)};
      break;  // the nearest for this field
    }
  }
  // A categorical field changes whole: its relative change is 1 (100%), so a number that must
  // more than double to flip the decision is a larger change than a category's.
  const auto& fields = policy.checked().schema().fields;
  const Decimal whole = Decimal::from_int(1);
  for (std::uint32_t f : s.categorical) {
    if (best && best->relative.compare(whole) <= 0) break;
    if (record.fields[f].is_unknown()) continue;  // an absent field has no other value
    for (Value& value : s.alternatives(f, record.fields[f], fields[f].type)) {
      auto changed = s.decide_with(record, f, value, d);
      if (!changed) continue;
      best = Best{f, std::move(value), std::nullopt, std::nullopt, whole, s.exact(f), std::move(*changed)};
      break;
    }
  }
  // --fields 2: two number fields at once, at the corners pair_roots() gives and just past them
  // (one unit of each field's last place, in each of the four directions).
  if (s.options.fields >= 2) {
    for (const auto& [f, g] : s.field_pairs) {
      const Value& vf = record.fields[f];
      const Value& vg = record.fields[g];
      if (vf.kind != Value::Kind::number || vg.kind != Value::Kind::number) continue;
      for (const auto& [x, y] : s.pair_roots(record, f, g, computed)) {
        const auto unit_of = [](const Decimal& now, const Decimal& at) {
          return *Decimal::parse("1e" + std::to_string(-std::max(places(now), places(at))));
        };
        const Decimal ux = unit_of(vf.number, x), uy = unit_of(vg.number, y);
        for (int dx = -1; dx <= 1; ++dx) {
          for (int dy = -1; dy <= 1; ++dy) {
            const Decimal tx = dx == 0 ? x : (dx > 0 ? x.add(ux) : x.sub(ux)).value;
            const Decimal ty = dy == 0 ? y : (dy > 0 ? y.add(uy) : y.sub(uy)).value;
            if (tx.compare(vf.number) == 0 || ty.compare(vg.number) == 0) continue;  // one field: found above
            const auto rx = relative_change(vf.number, tx), ry = relative_change(vg.number, ty);
            if (!rx || !ry) continue;
            const auto sum = rx->add(*ry);
            if (sum.status != Decimal::Status::ok) continue;
            const Decimal relative = sum.value;
            if (best && relative.compare(best->relative) >= 0) continue;
            auto changed = s.decide_with(record, f, Value::of(tx), d, std::make_pair(g, Value::of(ty)));
            if (!changed) continue;
            best = Best{f,
                        Value::of(tx),
                        std::make_pair(g, ty),
                        std::nullopt,
                        relative,
                        !s.reads_opaque[f] && !s.reads_opaque[g],
                        std::move(*changed)};
          }
        }
      }
    }
  }
  if (s.options.within && (!best || best->relative.compare(*s.options.within) > 0)) return std::nullopt;
  const auto decision_json = [&](const Decision& x) {
    std::string out;
    append_decision_json(out, policy, x.actions);
    return out;
  };
  std::string line = "{\"id\":";
  append_json_string(line, record.id);
  line += ",\"decision\":" + decision_json(d) + ",\"flip\":";
  if (!best) return line + "null}";
  line += "{\"changes\":{";
  append_json_string(line, policy.checked().schema().fields[best->field].name.text);
  line += ':';
  append_json_value(line, best->value);
  if (best->second) {  // in schema order, as every output names fields
    line += ',';
    append_json_string(line, policy.checked().schema().fields[best->second->first].name.text);
    line += ':' + best->second->second.to_string();
  }
  line += "},\"decision\":" + decision_json(best->decision);
  if (best->boundary) line += ",\"boundary\":" + best->boundary->to_string();
  line += fmt::format(",\"exact\":{}}}}}", best->exact ? "true" : "false");
  return line;
}

}  // namespace tenet::core
