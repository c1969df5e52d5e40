// The interpreter loop: enum + switch over a flat vector of instructions.
// Why: a policy is tens of instructions per record, so the dispatch cost dominates;
// a switch over a dense enum compiles to one jump table, keeps the loop in one
// function the compiler can see whole, and needs no virtual calls or allocation
// per node, unlike a tree of polymorphic nodes.
#include "engine/evaluator.hpp"

#include "engine/portfolio_stats.hpp"

#include <algorithm>
#include <cctype>

namespace tenet::core {

namespace {

// Writes a decimal result, or unknown with the reason it failed.
void set_arithmetic(Value& out, const Decimal::Result& r) {
  if (r.status == DecimalStatus::ok) {
    out.set_number(r.value);
  } else {
    out.set_unknown(r.status == DecimalStatus::division_by_zero ? &reasons::division_by_zero() : &reasons::overflow());
  }
}

// Kleene logic: false wins `and`, true wins `or`, otherwise unknown spreads.
void kleene_and(Value& out, const Value& a, const Value& b) {
  if (a.is_false() || b.is_false()) out.set_bool(false);
  else if (a.is_unknown()) out.set_unknown(a.reason);
  else if (b.is_unknown()) out.set_unknown(b.reason);
  else out.set_bool(true);
}
void kleene_or(Value& out, const Value& a, const Value& b) {
  if (a.is_true() || b.is_true()) out.set_bool(true);
  else if (a.is_unknown()) out.set_unknown(a.reason);
  else if (b.is_unknown()) out.set_unknown(b.reason);
  else out.set_bool(false);
}

bool compare(OpCode op, const Value& a, const Value& b) {
  if (op == OpCode::eq) return equal(a, b);
  if (op == OpCode::ne) return !equal(a, b);
  const int c = a.number.compare(b.number);
  switch (op) {
    case OpCode::lt: return c < 0;
    case OpCode::le: return c <= 0;
    case OpCode::gt: return c > 0;
    default: return c >= 0;
  }
}

// The result's elements are assigned over the slot's old ones, not cleared and copied anew:
// a string element keeps its capacity, so a long one costs no allocation per record.
void set_operation(Value& out, OpCode op, const Value& a, const Value& b) {
  out.kind = Value::Kind::list;
  std::size_t count = 0;
  const auto keep = [&](const Value& x) {
    if (count < out.items.size()) out.items[count] = x;
    else out.items.push_back(x);
    ++count;
  };
  for (const auto& x : a.items) {
    const bool in_b = contains(b, x);
    if ((op == OpCode::difference && !in_b) || (op != OpCode::difference && (in_b || op == OpCode::unite))) keep(x);
  }
  if (op == OpCode::unite) {
    for (const auto& y : b.items) {
      if (!contains(a, y)) keep(y);
    }
  }
  out.items.resize(count);
}

}  // namespace

void run(const std::vector<Instruction>& code, std::vector<Value>& s, const Program& program, const PortfolioStats* portfolio) {
  for (const Instruction& in : code) {
    const Value& a = s[in.a];
    const Value& b = s[in.b];
    Value& out = s[in.dst];
    const int arity = in.strict;
    if (arity > 0) {
      const Value* unknown = a.is_unknown()                        ? &a
                             : (arity > 1 && b.is_unknown())       ? &b
                             : (arity > 2 && s[in.c].is_unknown()) ? &s[in.c]
                                                                   : nullptr;
      if (unknown) {
        out.set_unknown(unknown->reason);
        continue;
      }
    }
    switch (in.code) {
      case OpCode::negate: out.set_number(a.number.negate()); break;
      case OpCode::logical_not: out.set_bool(!a.boolean); break;
      case OpCode::add: set_arithmetic(out, a.number.add(b.number)); break;
      case OpCode::sub: set_arithmetic(out, a.number.sub(b.number)); break;
      case OpCode::mul: set_arithmetic(out, a.number.mul(b.number)); break;
      case OpCode::div: set_arithmetic(out, a.number.div(b.number)); break;
      case OpCode::difference:
      case OpCode::intersect:
      case OpCode::unite: set_operation(out, in.code, a, b); break;
      case OpCode::eq:
      case OpCode::ne:
      case OpCode::lt:
      case OpCode::le:
      case OpCode::gt:
      case OpCode::ge: out.set_bool(compare(in.code, a, b)); break;
      case OpCode::logical_and: kleene_and(out, a, b); break;
      case OpCode::logical_or: kleene_or(out, a, b); break;
      case OpCode::in: out.set_bool(contains(b, a)); break;
      case OpCode::not_in: out.set_bool(!contains(b, a)); break;
      case OpCode::between: {
        const Value& high = s[in.c];
        out.set_bool(b.number.compare(a.number) <= 0 && a.number.compare(high.number) <= 0);
        break;
      }
      case OpCode::is_missing: out.set_bool(a.is_unknown()); break;
      case OpCode::is_present: out.set_bool(!a.is_unknown()); break;
      case OpCode::count: out.set_number(Decimal::from_int(static_cast<std::int64_t>(a.items.size()))); break;
      case OpCode::any: out.set_bool(!a.items.empty()); break;
      case OpCode::min: out.set_number(a.number.compare(b.number) <= 0 ? a.number : b.number); break;
      case OpCode::max: out.set_number(a.number.compare(b.number) >= 0 ? a.number : b.number); break;
      case OpCode::abs: out.set_number(a.number.abs()); break;
      case OpCode::round: {
        const auto places = b.number.to_integer();
        if (!places || *places < -300 || *places > 300) out.set_unknown(&reasons::bad_round_places());
        else set_arithmetic(out, a.number.round(static_cast<int>(*places)));
        break;
      }
      case OpCode::coalesce:
        // The operands may be of any type: copy the whole value.
        if (&out != (a.is_unknown() ? &b : &a)) out = a.is_unknown() ? b : a;
        break;
      case OpCode::floor: set_arithmetic(out, a.number.to_whole(false)); break;
      case OpCode::mod: set_arithmetic(out, a.number.mod(b.number)); break;
      case OpCode::ceil: set_arithmetic(out, a.number.to_whole(true)); break;
      // ASCII letters only (as documented): a byte of a multi-byte character is never a letter.
      case OpCode::lower:
      case OpCode::upper: {
        const bool up = in.code == OpCode::upper;
        out.kind = Value::Kind::string;
        out.text.resize(a.text.size());
        std::transform(a.text.begin(), a.text.end(), out.text.begin(), [up](char ch) {
          if (up && ch >= 'a' && ch <= 'z') return static_cast<char>(ch - 'a' + 'A');
          if (!up && ch >= 'A' && ch <= 'Z') return static_cast<char>(ch - 'A' + 'a');
          return ch;
        });
        break;
      }
      case OpCode::trim: {
        const auto space = [](char ch) { return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n'; };
        std::size_t begin = 0, end = a.text.size();
        while (begin < end && space(a.text[begin])) ++begin;
        while (end > begin && space(a.text[end - 1])) --end;
        out.kind = Value::Kind::string;
        if (&out != &a) out.text.assign(a.text, begin, end - begin);
        else out.text = out.text.substr(begin, end - begin);
        break;
      }
      case OpCode::length: {
        // Characters, not bytes: the bytes that start a UTF-8 character (text is valid UTF-8).
        std::int64_t characters = 0;
        for (const char ch : a.text) characters += (static_cast<unsigned char>(ch) & 0xC0) != 0x80;
        out.set_number(Decimal::from_int(characters));
        break;
      }
      case OpCode::starts_with: out.set_bool(a.text.starts_with(b.text)); break;
      case OpCode::ends_with: out.set_bool(a.text.ends_with(b.text)); break;
      case OpCode::percentile:
      case OpCode::percentile_by:
        if (!portfolio) out.set_unknown(&reasons::no_portfolio());
        else out.set_number(portfolio->percentile(in.c, a, in.code == OpCode::percentile_by ? &b : nullptr));
        break;
      // Day counts (dates hold days since 1970 as whole numbers): exact, far from any overflow.
      case OpCode::days_between: out.set_number(Decimal::from_int(*b.number.to_integer() - *a.number.to_integer())); break;
      case OpCode::contains_text: out.set_bool(a.text.find(b.text) != std::string::npos); break;
      case OpCode::contains_item: out.set_bool(contains(a, b)); break;
      // A rule's status, three-valued: fired(R) is unknown when R's condition is.
      case OpCode::fired:
        if (a.is_unknown()) out.set_unknown(&program.unknown_rule_reasons[in.c]);
        else out.set_bool(a.is_true());
        break;
      // The Kleene `or` of the conditions of the flag's rules; unknown names the first unknown one.
      case OpCode::flagged: {
        const std::string* unknown_reason = nullptr;
        bool any_fired = false;
        for (auto rule : program.flag_setters[in.c]) {
          const Value& condition = s[program.rules[rule].condition];
          if (condition.is_true()) {
            any_fired = true;
            break;
          }
          if (condition.is_unknown() && !unknown_reason) unknown_reason = &program.unknown_rule_reasons[rule];
        }
        if (!any_fired && unknown_reason) out.set_unknown(unknown_reason);
        else out.set_bool(any_fired);
        break;
      }
    }
    if (in.makes_set && out.kind == Value::Kind::list) make_set(out);
  }
}

void Frame::evaluate(std::vector<Value>& fields) {
  // Swap, not move: the record gets the previous values back, with their capacity to reuse.
  for (std::uint32_t i = 0; i < program_->field_count && i < fields.size(); ++i) std::swap(slots_[i], fields[i]);
  run(program_->code, slots_, *program_, portfolio_);
}

void Frame::evaluate_in_place() { run(program_->code, slots_, *program_, portfolio_); }

void Frame::append_missing_fields(std::uint32_t slot, std::vector<std::uint32_t>& out) {
  if (++epoch_ == 0) {  // wrapped: forget every old mark
    std::fill(visited_.begin(), visited_.end(), 0);
    epoch_ = 1;
  }
  const std::size_t first = out.size();
  const Program& p = *program_;
  stack_.clear();
  stack_.push_back(slot);
  const auto visit = [&](std::uint32_t s) {
    if (visited_[s] != epoch_ && slots_[s].is_unknown()) stack_.push_back(s);
  };
  while (!stack_.empty()) {
    const std::uint32_t s = stack_.back();
    stack_.pop_back();
    if (visited_[s] == epoch_) continue;
    visited_[s] = epoch_;
    if (s < p.field_count) {
      out.push_back(s);
      continue;
    }
    const std::int32_t producer = p.producer[s];
    if (producer < 0) continue;  // a constant: unknown by itself (not a missing field)
    const Instruction& in = p.code[static_cast<std::size_t>(producer)];
    if (in.code == OpCode::flagged) {
      for (auto rule : p.flag_setters[in.c]) visit(p.rules[rule].condition);
      continue;
    }
    const int operands = operand_count(in.code);
    if (operands > 0) visit(in.a);
    if (operands > 1) visit(in.b);
    if (operands > 2) visit(in.c);
  }
  if (out.size() - first > 1) std::sort(out.begin() + static_cast<std::ptrdiff_t>(first), out.end());
}

void Frame::explain(std::uint32_t rule) { run(program_->rules[rule].explain, slots_, *program_, portfolio_); }

}  // namespace tenet::core
