#include "engine/analysis/condition_encoding.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "dsl/base/civil_date.hpp"
#include "engine/json_text.hpp"
#include "engine/program.hpp"

namespace tenet::core {

namespace {

constexpr std::int64_t kFirstDay = -719162;  // 0001-01-01
constexpr std::int64_t kLastDay = 2932896;   // 9999-12-31

// A decimal as Z3 reads a rational: "c", "c000" or "c/1000".
std::string rational_text(const Decimal& d) {
  std::string digits = std::to_string(d.coefficient());
  if (d.exponent() >= 0) return digits + std::string(static_cast<std::size_t>(d.exponent()), '0');
  return digits + "/1" + std::string(static_cast<std::size_t>(-d.exponent()), '0');
}

z3::sort sort_of(z3::context& ctx, TypeKind kind) {
  switch (kind) {
    case TypeKind::number: return ctx.real_sort();
    case TypeKind::date: return ctx.int_sort();
    case TypeKind::string: return ctx.string_sort();
    default: return ctx.bool_sort();
  }
}

bool scalar(Type t) { return !t.is_collection(); }

// A Tenet string as a Z3 string: its bytes, each one character, so that equality, prefixes and
// substrings are the engine's byte-wise ones; Z3 reads non-ASCII bytes (and `\`) only escaped.
z3::expr string_constant(z3::context& ctx, const std::string& text) {
  std::string escaped;
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte >= 0x7f || c == '\\') escaped += fmt::format("\\u{{{:x}}}", byte);
    else escaped += c;
  }
  return ctx.string_val(escaped);
}

}  // namespace

ConditionEncoder::ConditionEncoder(z3::context& ctx, const CheckedPolicy& policy, const Program& program, Params params)
    : ctx_(ctx), policy_(policy), program_(program), axioms_(ctx) {
  const std::size_t slots = program.initial_frame.size();
  terms_.resize(slots);
  slot_fields_.resize(slots);
  const auto& fields = policy.schema().fields;
  for (std::uint32_t i = 0; i < fields.size(); ++i) {
    const auto& f = fields[i];
    const std::string name = "field." + f.name.text;
    z3::expr defined = f.is_optional ? ctx.bool_const((name + ".present").c_str()) : ctx.bool_val(true);
    present_.push_back(defined);
    std::optional<z3::expr> value;
    if (scalar(f.type)) value = free_value(name, f.type.kind);
    terms_[i] = Term{defined, value, std::nullopt};
    slot_fields_[i] = {i};
  }
  for (std::uint32_t s = program.field_count; s < slots; ++s)
    if (program.is_constant(s)) terms_[s] = constant(program.initial_frame[s]);
  const auto& declared = policy.module.params;
  for (std::size_t i = 0; i < declared.size() && i < program.param_slots.size(); ++i) {
    const std::uint32_t slot = program.param_slots[i];
    if (params == Params::as_compiled && !program.initial_frame[slot].is_unknown()) continue;  // its constant
    std::optional<z3::expr> value;
    if (scalar(declared[i].type)) value = free_value("param." + declared[i].name.text, declared[i].type.kind);
    terms_[slot] = Term{ctx.bool_val(true), value, std::nullopt};  // free within its type
  }
  // What the rules' conditions read, found back from them (an instruction's operands come
  // before it in the program), then encoded forward: nothing no rule reads, such as an unused
  // let, adds an opaque value that would make a field's flips look inexact.
  std::vector<char> needed(slots, 0);
  for (const CompiledRule& rule : program.rules) needed[rule.condition] = 1;
  for (auto in = program.code.rbegin(); in != program.code.rend(); ++in)
    if (needed[in->dst]) for_each_operand(program, *in, [&](std::uint32_t slot) { needed[slot] = 1; });
  for (const Instruction& in : program.code) {
    if (!needed[in.dst]) continue;
    std::vector<std::uint32_t> read;
    for_each_operand(program, in,
                     [&](std::uint32_t slot) { read.insert(read.end(), slot_fields_[slot].begin(), slot_fields_[slot].end()); });
    std::sort(read.begin(), read.end());
    read.erase(std::unique(read.begin(), read.end()), read.end());
    slot_fields_[in.dst] = std::move(read);
    terms_[in.dst] = encode(in);
  }
}

z3::expr ConditionEncoder::free_value(const std::string& name, TypeKind kind) {
  z3::expr v = ctx_.constant(name.c_str(), sort_of(ctx_, kind));
  if (kind == TypeKind::date) axioms_.push_back(v >= ctx_.int_val(kFirstDay) && v <= ctx_.int_val(kLastDay));
  return v;
}

ConditionEncoder::Term ConditionEncoder::constant(const Value& v) {
  switch (v.kind) {
    case Value::Kind::number: return {ctx_.bool_val(true), ctx_.real_val(rational_text(v.number).c_str()), std::nullopt};
    case Value::Kind::date: return {ctx_.bool_val(true), ctx_.int_val(*v.number.to_integer()), std::nullopt};
    case Value::Kind::string: return {ctx_.bool_val(true), string_constant(ctx_, v.text), std::nullopt};
    case Value::Kind::boolean: return {ctx_.bool_val(true), ctx_.bool_val(v.boolean), std::nullopt};
    case Value::Kind::list: {
      std::vector<z3::expr> items;
      for (const auto& item : v.items) items.push_back(*constant(item).value);
      return {ctx_.bool_val(true), std::nullopt, std::move(items)};
    }
    case Value::Kind::unknown: break;
  }
  return {ctx_.bool_val(false), std::nullopt, std::nullopt};
}

// Known only if its operands are, and then perhaps not (a bad round() place, an overflow):
// whatever the function does, some value of these fresh constants does it too. `sort`: of the
// result, none for a collection.
ConditionEncoder::Term ConditionEncoder::opaque(const Instruction& in, std::vector<const Term*> args, std::optional<z3::sort> sort) {
  const unsigned id = fresh_count_++;
  const z3::expr known = ctx_.bool_const(("opaque.known." + std::to_string(id)).c_str());
  std::optional<z3::expr> value;
  if (sort) value = ctx_.constant(("opaque." + std::to_string(id)).c_str(), *sort);
  Opaque o{in.dst, in.code, known, value, slot_fields_[in.dst], {}};
  z3::expr defined = known;
  for (const Term* a : args) {
    o.args.push_back(a->value);
    defined = defined && a->defined;
  }
  opaque_.push_back(std::move(o));
  return {defined, value, std::nullopt};
}

void ConditionEncoder::atom(std::uint32_t slot, const z3::expr& lhs, const z3::expr& rhs) {
  if (!slot_fields_[slot].empty()) atoms_.push_back({lhs, rhs, slot_fields_[slot]});
}

ConditionEncoder::Term ConditionEncoder::encode(const Instruction& in) {
  const auto arg = [&](std::uint32_t slot) -> const Term& { return term(slot); };
  const auto known = [&](z3::expr v) { return Term{ctx_.bool_val(true), v, std::nullopt}; };
  const z3::sort number = ctx_.real_sort(), boolean = ctx_.bool_sort(), text = ctx_.string_sort();
  // A strict operator of scalars: defined when its operands are, computed by `f` from their values.
  const auto strict1 = [&](z3::sort sort, auto f) {
    const Term& a = arg(in.a);
    if (!a.value) return opaque(in, {&a}, sort);
    return Term{a.defined, f(*a.value), std::nullopt};
  };
  const auto strict2 = [&](z3::sort sort, auto f) {
    const Term &a = arg(in.a), &b = arg(in.b);
    if (!a.value || !b.value) return opaque(in, {&a, &b}, sort);
    return Term{a.defined && b.defined, f(*a.value, *b.value), std::nullopt};
  };
  // A comparison: where it turns, if it compares numbers (a field's side moving to the other's).
  const auto compare = [&](auto f) {
    const Term &a = arg(in.a), &b = arg(in.b);
    if (a.value && b.value && a.value->is_real()) atom(in.dst, *a.value, *b.value);
    return strict2(boolean, f);
  };
  const auto member = [&](const Term& collection, const Term& item, bool negated) {
    if (!collection.items || !item.value) return opaque(in, {&item, &collection}, boolean);
    z3::expr found = ctx_.bool_val(false);
    for (const auto& x : *collection.items) found = found || (*item.value == x);
    return Term{collection.defined && item.defined, negated ? !found : found, std::nullopt};
  };
  switch (in.code) {
    case OpCode::negate: return strict1(number, [](const z3::expr& a) { return -a; });
    case OpCode::logical_not: return strict1(boolean, [](const z3::expr& a) { return !a; });
    case OpCode::add: return strict2(number, [](const z3::expr& a, const z3::expr& b) { return a + b; });
    case OpCode::sub: return strict2(number, [](const z3::expr& a, const z3::expr& b) { return a - b; });
    case OpCode::mul: return strict2(number, [](const z3::expr& a, const z3::expr& b) { return a * b; });
    case OpCode::div: {
      const Term &a = arg(in.a), &b = arg(in.b);
      if (!a.value || !b.value) return opaque(in, {&a, &b}, number);
      const z3::expr zero = ctx_.real_val(0);
      atom(in.b, *b.value, zero);  // where the quotient becomes unknown
      return {a.defined && b.defined && *b.value != zero, *a.value / *b.value, std::nullopt};
    }
    case OpCode::difference:
    case OpCode::intersect:
    case OpCode::unite: return opaque(in, {&arg(in.a), &arg(in.b)}, std::nullopt);
    case OpCode::eq: return compare([](const z3::expr& a, const z3::expr& b) { return a == b; });
    case OpCode::ne: return compare([](const z3::expr& a, const z3::expr& b) { return a != b; });
    case OpCode::lt: return compare([](const z3::expr& a, const z3::expr& b) { return a < b; });
    case OpCode::le: return compare([](const z3::expr& a, const z3::expr& b) { return a <= b; });
    case OpCode::gt: return compare([](const z3::expr& a, const z3::expr& b) { return a > b; });
    case OpCode::ge: return compare([](const z3::expr& a, const z3::expr& b) { return a >= b; });
    case OpCode::logical_and:
    case OpCode::logical_or: {
      // Kleene: the decisive value (false for `and`, true for `or`) on either side decides.
      const Term &a = arg(in.a), &b = arg(in.b);
      if (!a.value || !b.value) return opaque(in, {}, boolean);  // an operand never known: free
      const bool decisive = in.code == OpCode::logical_or;
      const z3::expr a_decides = a.defined && (*a.value == ctx_.bool_val(decisive));
      const z3::expr b_decides = b.defined && (*b.value == ctx_.bool_val(decisive));
      const z3::expr defined = (a.defined && b.defined) || a_decides || b_decides;
      const z3::expr value = decisive ? (a_decides || b_decides) : (a.defined && *a.value && b.defined && *b.value);
      return {defined, value, std::nullopt};
    }
    case OpCode::in: return member(arg(in.b), arg(in.a), false);
    case OpCode::not_in: return member(arg(in.b), arg(in.a), true);
    case OpCode::between: {
      const Term &x = arg(in.a), &lo = arg(in.b), &hi = arg(in.c);
      if (!x.value || !lo.value || !hi.value) return opaque(in, {&x, &lo, &hi}, boolean);
      if (x.value->is_real()) {
        atom(in.dst, *lo.value, *x.value);
        atom(in.dst, *x.value, *hi.value);
      }
      return {x.defined && lo.defined && hi.defined, *lo.value <= *x.value && *x.value <= *hi.value, std::nullopt};
    }
    case OpCode::is_missing: return known(!arg(in.a).defined);
    case OpCode::is_present: return known(arg(in.a).defined);
    case OpCode::count: {
      const Term& a = arg(in.a);
      if (!a.items) return opaque(in, {&a}, number);
      return {a.defined, ctx_.real_val(static_cast<int>(a.items->size())), std::nullopt};
    }
    case OpCode::any: {
      const Term& a = arg(in.a);
      if (!a.items) return opaque(in, {&a}, boolean);
      return {a.defined, ctx_.bool_val(!a.items->empty()), std::nullopt};
    }
    case OpCode::min: return strict2(number, [](const z3::expr& a, const z3::expr& b) { return z3::ite(b < a, b, a); });
    case OpCode::max: return strict2(number, [](const z3::expr& a, const z3::expr& b) { return z3::ite(b > a, b, a); });
    case OpCode::abs: return strict1(number, [](const z3::expr& a) { return z3::ite(a < 0, -a, a); });
    case OpCode::floor:
    case OpCode::ceil: {
      const bool up = in.code == OpCode::ceil;
      return strict1(number, [&](const z3::expr& x) {
        const z3::expr down = z3::to_real(z3::expr(ctx_, Z3_mk_real2int(ctx_, x)));
        const z3::expr rounded = up ? -z3::to_real(z3::expr(ctx_, Z3_mk_real2int(ctx_, -x))) : down;
        const z3::expr result = rounded.simplify();  // floor(1.5): a numeral
        if (!result.is_numeral()) stepped_.insert(stepped_.end(), slot_fields_[in.dst].begin(), slot_fields_[in.dst].end());
        return result;
      });
    }
    // No exact encoding: round (places given at run time), mod, the string functions.
    case OpCode::round:
    case OpCode::mod: return opaque(in, {&arg(in.a), &arg(in.b)}, number);
    case OpCode::length: return opaque(in, {&arg(in.a)}, number);
    case OpCode::lower:
    case OpCode::upper:
    case OpCode::trim: return opaque(in, {&arg(in.a)}, text);
    case OpCode::coalesce: {
      const Term &a = arg(in.a), &b = arg(in.b);
      if (!a.value || !b.value) return opaque(in, {}, std::nullopt);  // of collections: known or not, free
      return {a.defined || b.defined, z3::ite(a.defined, *a.value, *b.value), std::nullopt};
    }
    case OpCode::contains_text: return strict2(boolean, [](const z3::expr& a, const z3::expr& b) { return a.contains(b); });
    case OpCode::contains_item: return member(arg(in.a), arg(in.b), false);
    case OpCode::starts_with: return strict2(boolean, [](const z3::expr& a, const z3::expr& b) { return z3::prefixof(b, a); });
    case OpCode::ends_with: return strict2(boolean, [](const z3::expr& a, const z3::expr& b) { return z3::suffixof(b, a); });
    case OpCode::days_between: return strict2(number, [](const z3::expr& a, const z3::expr& b) { return z3::to_real(b - a); });
    // The run's distribution: a step function of the value ranked, free here; flip solves
    // through it (percentile_roots), lint asks for a portfolio of one record.
    case OpCode::percentile: return opaque(in, {&arg(in.a)}, number);
    case OpCode::percentile_by: return opaque(in, {&arg(in.a), &arg(in.b)}, number);
    case OpCode::fired: return arg(in.a);  // the rule's condition, unknown when it is
    case OpCode::flagged: {                // the Kleene `or` of the conditions of its setters
      z3::expr any_fired = ctx_.bool_val(false), all_known = ctx_.bool_val(true);
      for (const auto r : program_.flag_setters[in.c]) {
        const Term& c = condition(r);
        any_fired = any_fired || (c.defined && *c.value);
        all_known = all_known && c.defined;
      }
      return {any_fired || all_known, any_fired, std::nullopt};
    }
  }
  return opaque(in, {}, std::nullopt);  // unreachable: every opcode is handled above
}

std::string ConditionEncoder::witness(const z3::model& model) const {
  const auto& fields = policy_.schema().fields;
  std::string out = "{";
  bool first = true;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    const auto& f = fields[i];
    std::string value;
    if (f.is_key) {
      value = f.type.kind == TypeKind::number ? "1" : "\"witness\"";
    } else {
      if (!model.eval(present_[i], true).is_true()) continue;  // absent: left out
      const auto& field_value = terms_[i]->value;
      if (!field_value) {
        value = "[]";
      } else {
        const z3::expr v = model.eval(*field_value, true);
        switch (f.type.kind) {
          case TypeKind::number: {
            std::string text = v.get_decimal_string(20);
            if (!text.empty() && text.back() == '?') text.pop_back();  // inexact: the evaluator will judge
            value = text;
            break;
          }
          case TypeKind::date: value = "\"" + format_iso_date(v.get_numeral_int64()) + "\""; break;
          case TypeKind::boolean: value = v.is_true() ? "true" : "false"; break;
          default: append_json_string(value, v.get_string()); break;
        }
      }
    }
    if (!first) out += ',';
    first = false;
    append_json_string(out, f.name.text);
    out += ':';
    out += value;
  }
  return out + "}";
}

}  // namespace tenet::core
