// The interpreter loop: enum + switch over a flat vector of instructions.
// Why: a policy is tens of instructions per record, so the dispatch cost dominates;
// a switch over a dense enum compiles to one jump table, keeps the loop in one
// function the compiler can see whole, and needs no virtual calls or allocation
// per node, unlike a tree of polymorphic nodes.
#include "engine/evaluator.hpp"

#include <algorithm>
#include <cctype>

namespace tenet {

namespace {

const char* status_reason(Decimal::Status s) {
  return s == Decimal::Status::division_by_zero ? "division by zero" : "overflow";
}

Value arithmetic(Decimal::Result r) {
  if (r.status != Decimal::Status::ok) return Value::unknown(status_reason(r.status));
  return Value::of(r.value);
}

// Kleene logic: false wins `and`, true wins `or`, otherwise unknown spreads.
Value kleene_and(const Value& a, const Value& b) {
  if (a.is_false() || b.is_false()) return Value::of(false);
  if (a.is_unknown()) return a;
  if (b.is_unknown()) return b;
  return Value::of(true);
}
Value kleene_or(const Value& a, const Value& b) {
  if (a.is_true() || b.is_true()) return Value::of(true);
  if (a.is_unknown()) return a;
  if (b.is_unknown()) return b;
  return Value::of(false);
}

Value compare(OpCode op, const Value& a, const Value& b) {
  if (op == OpCode::eq) return Value::of(equal(a, b));
  if (op == OpCode::ne) return Value::of(!equal(a, b));
  const int c = a.number.compare(b.number);
  switch (op) {
    case OpCode::lt: return Value::of(c < 0);
    case OpCode::le: return Value::of(c <= 0);
    case OpCode::gt: return Value::of(c > 0);
    default: return Value::of(c >= 0);
  }
}

Value set_operation(OpCode op, const Value& a, const Value& b) {
  std::vector<Value> items;
  for (const auto& x : a.items) {
    const bool in_b = contains(b, x);
    if ((op == OpCode::difference && !in_b) || (op != OpCode::difference && (in_b || op == OpCode::unite))) {
      items.push_back(x);
    }
  }
  if (op == OpCode::unite) {
    for (const auto& y : b.items) {
      if (!contains(a, y)) items.push_back(y);
    }
  }
  return Value::list(std::move(items));
}

}  // namespace

void run(const std::vector<Instruction>& code, std::vector<Value>& s, const Program& program) {
  for (const Instruction& in : code) {
    const Value& a = s[in.a];
    const Value& b = s[in.b];
    Value result;
    // Operations other than these few are strict: an unknown operand makes the result unknown.
    const bool strict = in.code != OpCode::logical_and && in.code != OpCode::logical_or &&
                        in.code != OpCode::is_missing && in.code != OpCode::is_present &&
                        in.code != OpCode::coalesce && in.code != OpCode::fired && in.code != OpCode::flagged;
    if (strict) {
      const int arity = in.code == OpCode::between ? 3
                        : (in.code == OpCode::negate || in.code == OpCode::logical_not || in.code == OpCode::count ||
                           in.code == OpCode::any || in.code == OpCode::abs || in.code == OpCode::lower) ? 1 : 2;
      const Value* unknown = a.is_unknown() ? &a : (arity > 1 && b.is_unknown()) ? &b : (arity > 2 && s[in.c].is_unknown()) ? &s[in.c] : nullptr;
      if (unknown) {
        s[in.dst] = Value::unknown(unknown->text);
        continue;
      }
    }
    switch (in.code) {
      case OpCode::negate: result = Value::of(a.number.negate()); break;
      case OpCode::logical_not: result = Value::of(!a.boolean); break;
      case OpCode::add: result = arithmetic(a.number.add(b.number)); break;
      case OpCode::sub: result = arithmetic(a.number.sub(b.number)); break;
      case OpCode::mul: result = arithmetic(a.number.mul(b.number)); break;
      case OpCode::div: result = arithmetic(a.number.div(b.number)); break;
      case OpCode::difference:
      case OpCode::intersect:
      case OpCode::unite: result = set_operation(in.code, a, b); break;
      case OpCode::eq:
      case OpCode::ne:
      case OpCode::lt:
      case OpCode::le:
      case OpCode::gt:
      case OpCode::ge: result = compare(in.code, a, b); break;
      case OpCode::logical_and: result = kleene_and(a, b); break;
      case OpCode::logical_or: result = kleene_or(a, b); break;
      case OpCode::in: result = Value::of(contains(b, a)); break;
      case OpCode::not_in: result = Value::of(!contains(b, a)); break;
      case OpCode::between: {
        const Value& high = s[in.c];
        result = Value::of(b.number.compare(a.number) <= 0 && a.number.compare(high.number) <= 0);
        break;
      }
      case OpCode::is_missing: result = Value::of(a.is_unknown()); break;
      case OpCode::is_present: result = Value::of(!a.is_unknown()); break;
      case OpCode::count: result = Value::of(Decimal::from_int(static_cast<std::int64_t>(a.items.size()))); break;
      case OpCode::any: result = Value::of(!a.items.empty()); break;
      case OpCode::min: result = a.number.compare(b.number) <= 0 ? a : b; break;
      case OpCode::max: result = a.number.compare(b.number) >= 0 ? a : b; break;
      case OpCode::abs: result = Value::of(a.number.abs()); break;
      case OpCode::round: {
        const auto places = b.number.to_integer();
        if (!places || *places < -300 || *places > 300) {
          result = Value::unknown("round() needs a whole number of places from -300 to 300");
        } else {
          result = arithmetic(a.number.round(static_cast<int>(*places)));
        }
        break;
      }
      case OpCode::coalesce: result = a.is_unknown() ? b : a; break;
      case OpCode::lower: {
        std::string t = a.text;
        std::transform(t.begin(), t.end(), t.begin(), [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
        result = Value::of(std::move(t));
        break;
      }
      case OpCode::contains_text: result = Value::of(a.text.find(b.text) != std::string::npos); break;
      case OpCode::contains_item: result = Value::of(contains(a, b)); break;
      case OpCode::fired: result = Value::of(a.is_true()); break;
      case OpCode::flagged: {
        bool any_fired = false;
        for (auto slot : program.flag_setters[in.c]) any_fired = any_fired || s[slot].is_true();
        result = Value::of(any_fired);
        break;
      }
    }
    if (in.makes_set && result.kind == Value::Kind::list) make_set(result);
    s[in.dst] = std::move(result);
  }
}

void Frame::evaluate(std::vector<Value>& fields) {
  for (std::uint32_t i = 0; i < program_->field_count && i < fields.size(); ++i) slots_[i] = std::move(fields[i]);
  run(program_->code, slots_, *program_);
}

void Frame::explain(std::uint32_t rule) { run(program_->rules[rule].explain, slots_, *program_); }

}  // namespace tenet
