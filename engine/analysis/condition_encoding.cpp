#include "engine/analysis/condition_encoding.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "dsl/base/civil_date.hpp"
#include "engine/json_text.hpp"
#include "engine/program.hpp"

namespace tenet::core {

using ast::Expr;
using ast::ExprKind;
using ast::Op;

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

std::vector<std::optional<Value>> param_values(const Program& program) {
  std::vector<std::optional<Value>> values;
  for (const auto slot : program.param_slots) values.emplace_back(program.initial_frame[slot]);
  return values;
}

ConditionEncoder::ConditionEncoder(z3::context& ctx, const CheckedPolicy& policy, const std::vector<std::optional<Value>>& params)
    : ctx_(ctx), policy_(policy), axioms_(ctx) {
  // The fields each let reads, in the checker's order (a let's lets first): one walk of each
  // let's own expression, however often lets share lets.
  let_fields_.resize(policy.module.lets.size());
  for (const GraphNode& node : policy.order) {
    if (node.kind != GraphNode::Kind::let || !policy.module.lets[node.index].value) continue;
    std::vector<std::uint32_t> read;
    fields_read(*policy.module.lets[node.index].value, read);
    std::sort(read.begin(), read.end());
    read.erase(std::unique(read.begin(), read.end()), read.end());
    let_fields_[node.index] = std::move(read);
  }
  const auto& fields = policy.schema().fields;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    const auto& f = fields[i];
    const std::string name = "field." + f.name.text;
    z3::expr defined = f.is_optional ? ctx.bool_const((name + ".present").c_str()) : ctx.bool_val(true);
    present_.push_back(defined);
    if (scalar(f.type)) {
      z3::expr v = ctx.constant(name.c_str(), sort_of(ctx, f.type.kind));
      if (f.type.kind == TypeKind::date) axioms_.push_back(v >= ctx.int_val(kFirstDay) && v <= ctx.int_val(kLastDay));
      field_value_.push_back(v);
      fields_.push_back({defined, v, std::nullopt});
    } else {
      field_value_.push_back(std::nullopt);
      fields_.push_back({defined, std::nullopt, std::nullopt});
    }
  }
  const auto& declared = policy.module.params;
  for (std::size_t i = 0; i < declared.size(); ++i) {
    if (i < params.size() && params[i] && !params[i]->is_unknown()) {
      params_.push_back(constant(*params[i], declared[i].type));
    } else if (scalar(declared[i].type)) {  // free within its type
      z3::expr v = ctx.constant(("param." + declared[i].name.text).c_str(), sort_of(ctx, declared[i].type.kind));
      if (declared[i].type.kind == TypeKind::date) axioms_.push_back(v >= ctx.int_val(kFirstDay) && v <= ctx.int_val(kLastDay));
      params_.push_back({ctx.bool_val(true), v, std::nullopt});
    } else {
      params_.push_back({ctx.bool_val(true), std::nullopt, std::nullopt});
    }
  }
}

ConditionEncoder::Term ConditionEncoder::constant(const Value& v, Type type) {
  switch (v.kind) {
    case Value::Kind::number: return {ctx_.bool_val(true), ctx_.real_val(rational_text(v.number).c_str()), std::nullopt};
    case Value::Kind::date: return {ctx_.bool_val(true), ctx_.int_val(*v.number.to_integer()), std::nullopt};
    case Value::Kind::string: return {ctx_.bool_val(true), string_constant(ctx_, v.text), std::nullopt};
    case Value::Kind::boolean: return {ctx_.bool_val(true), ctx_.bool_val(v.boolean), std::nullopt};
    case Value::Kind::list: {
      std::vector<z3::expr> items;
      for (const auto& item : v.items) items.push_back(*constant(item, Type::of(type.element)).value);
      return {ctx_.bool_val(true), std::nullopt, std::move(items)};
    }
    case Value::Kind::unknown: break;
  }
  return {ctx_.bool_val(false), std::nullopt, std::nullopt};
}

z3::expr ConditionEncoder::fresh(Type type) {
  const std::string name = "opaque." + std::to_string(fresh_count_++);
  return ctx_.constant(name.c_str(), sort_of(ctx_, type.kind));
}

z3::expr ConditionEncoder::all_defined(const std::vector<Term>& args) const {
  z3::expr d = ctx_.bool_val(true);
  for (const auto& a : args) d = d && a.defined;
  return d;
}

// Known only if its operands are, and then perhaps not (a bad round() place, an overflow):
// whatever the function does, some value of these fresh constants does it too.
ConditionEncoder::Term ConditionEncoder::opaque(const Expr& e, const std::vector<Term>& args) {
  const z3::expr known = ctx_.bool_const(("opaque.known." + std::to_string(fresh_count_++)).c_str());
  std::optional<z3::expr> value;
  if (scalar(e.type)) value = fresh(e.type);
  Opaque o{&e, known, value, {}, {}};
  fields_read(e, o.fields);
  for (const auto& a : args) o.args.push_back(a.value);
  opaque_.push_back(std::move(o));
  return {all_defined(args) && known, value, std::nullopt};
}

void ConditionEncoder::atom(const Expr& e, const z3::expr& lhs, const z3::expr& rhs) {
  Atom a{lhs, rhs, {}};
  fields_read(e, a.fields);
  if (!a.fields.empty()) atoms_.push_back(std::move(a));
}

void ConditionEncoder::fields_read(const Expr& e, std::vector<std::uint32_t>& out) const {
  if (e.kind == ExprKind::name && e.ref == ast::RefKind::field) out.push_back(e.ref_index);
  if (e.kind == ExprKind::name && e.ref == ast::RefKind::let) {
    const auto& read = let_fields_[e.ref_index];  // filled in the checker's order: this let's are there
    out.insert(out.end(), read.begin(), read.end());
  }
  for (const auto& operand : e.operands) fields_read(*operand, out);
}

void ConditionEncoder::prepare(const Expr& root) {
  // What `root` needs and is not yet encoded, found with an explicit stack of expressions.
  std::vector<char> lets(policy_.module.lets.size()), rules(policy_.module.rules.size());
  bool any = false;
  std::vector<const Expr*> pending{&root};
  const auto need_rule = [&](std::uint32_t r) {
    if (rules[r] || rules_.count(r)) return;
    rules[r] = any = true;
    pending.push_back(policy_.module.rules[r].when.get());
  };
  while (!pending.empty()) {
    std::vector<const Expr*> walk{pending.back()};
    pending.pop_back();
    while (!walk.empty()) {
      const Expr& e = *walk.back();
      walk.pop_back();
      if (e.kind == ExprKind::name && e.ref == ast::RefKind::let && !lets[e.ref_index] && !lets_.count(e.ref_index)) {
        lets[e.ref_index] = any = true;
        pending.push_back(policy_.module.lets[e.ref_index].value.get());
      }
      if (e.kind == ExprKind::call && e.builtin == Builtin::fired) need_rule(e.operands[0]->ref_index);
      if (e.kind == ExprKind::call && e.builtin == Builtin::flagged)
        for (const auto r : policy_.flags[e.operands[0]->ref_index].setters) need_rule(r);
      for (const auto& operand : e.operands) walk.push_back(operand.get());
    }
  }
  if (!any) return;
  for (const GraphNode& node : policy_.order) {  // dependencies first
    if (node.kind == GraphNode::Kind::let && lets[node.index]) {
      Term t = encode(*policy_.module.lets[node.index].value);
      lets_.emplace(node.index, std::move(t));
    } else if (node.kind == GraphNode::Kind::rule && rules[node.index]) {
      Term t = encode(*policy_.module.rules[node.index].when);
      rules_.emplace(node.index, std::move(t));
    }
  }
}

const ConditionEncoder::Term& ConditionEncoder::condition(std::uint32_t rule) {
  auto it = rules_.find(rule);
  if (it != rules_.end()) return it->second;
  prepare(*policy_.module.rules[rule].when);
  Term t = encode(*policy_.module.rules[rule].when);
  return rules_.emplace(rule, std::move(t)).first->second;
}

z3::expr ConditionEncoder::fires(std::uint32_t rule) {
  const Term& c = condition(rule);
  return c.defined && *c.value;
}

ConditionEncoder::Term ConditionEncoder::encode(const Expr& e) {
  const auto known = [&](z3::expr v) { return Term{ctx_.bool_val(true), v, std::nullopt}; };
  switch (e.kind) {
    case ExprKind::number:
    case ExprKind::string:
    case ExprKind::boolean:
    case ExprKind::collection: return constant(literal_value(e), e.type);
    case ExprKind::name:
      switch (e.ref) {
        case ast::RefKind::field: return fields_[e.ref_index];
        case ast::RefKind::param: return params_[e.ref_index];
        case ast::RefKind::let: {
          auto it = lets_.find(e.ref_index);
          if (it != lets_.end()) return it->second;
          prepare(e);  // this let and what it reads, bottom-up
          return lets_.at(e.ref_index);
        }
        default: return opaque(e, {});
      }
    case ExprKind::unary: {
      Term a = encode(*e.operands[0]);
      return {a.defined, e.op == Op::negate ? -*a.value : !*a.value, std::nullopt};
    }
    case ExprKind::presence: {
      Term a = encode(*e.operands[0]);
      return known(e.tests_missing ? !a.defined : a.defined);
    }
    case ExprKind::between: {
      Term x = encode(*e.operands[0]), lo = encode(*e.operands[1]), hi = encode(*e.operands[2]);
      if (x.value->is_real()) {
        atom(e, *lo.value, *x.value);
        atom(e, *x.value, *hi.value);
      }
      return {x.defined && lo.defined && hi.defined, *lo.value <= *x.value && *x.value <= *hi.value, std::nullopt};
    }
    case ExprKind::call: return encode_call(e);
    case ExprKind::binary: break;
  }
  Term a = encode(*e.operands[0]), b = encode(*e.operands[1]);
  if (e.op == Op::logical_and || e.op == Op::logical_or) {
    // Kleene: the decisive value (false for `and`, true for `or`) on either side decides.
    const bool decisive = e.op == Op::logical_or;
    const z3::expr a_decides = a.defined && (*a.value == ctx_.bool_val(decisive));
    const z3::expr b_decides = b.defined && (*b.value == ctx_.bool_val(decisive));
    const z3::expr defined = (a.defined && b.defined) || a_decides || b_decides;
    const z3::expr value = decisive ? (a_decides || b_decides) : (a.defined && *a.value && b.defined && *b.value);
    return {defined, value, std::nullopt};
  }
  const z3::expr both = a.defined && b.defined;
  const bool compares = e.op == Op::eq || e.op == Op::ne || e.op == Op::lt || e.op == Op::le || e.op == Op::gt || e.op == Op::ge;
  if (a.value && b.value && a.value->is_real() && (compares || e.op == Op::div)) {
    if (e.op == Op::div) atom(*e.operands[1], *b.value, ctx_.real_val(0));
    else atom(e, *a.value, *b.value);
  }
  if (e.op == Op::in || e.op == Op::not_in) {
    if (!b.items || !a.value) return opaque(e, {a, b});
    z3::expr member = ctx_.bool_val(false);
    for (const auto& item : *b.items) member = member || (*a.value == item);
    return {both, e.op == Op::in ? member : !member, std::nullopt};
  }
  if (!a.value || !b.value) return opaque(e, {a, b});  // set operations, collections compared
  switch (e.op) {
    case Op::add: return {both, *a.value + *b.value, std::nullopt};
    case Op::sub: return {both, *a.value - *b.value, std::nullopt};
    case Op::mul: return {both, *a.value * *b.value, std::nullopt};
    case Op::div: return {both && *b.value != ctx_.real_val(0), *a.value / *b.value, std::nullopt};
    case Op::eq: return {both, *a.value == *b.value, std::nullopt};
    case Op::ne: return {both, *a.value != *b.value, std::nullopt};
    case Op::lt: return {both, *a.value < *b.value, std::nullopt};
    case Op::le: return {both, *a.value <= *b.value, std::nullopt};
    case Op::gt: return {both, *a.value > *b.value, std::nullopt};
    case Op::ge: return {both, *a.value >= *b.value, std::nullopt};
    default: return opaque(e, {a, b});
  }
}

ConditionEncoder::Term ConditionEncoder::encode_call(const Expr& e) {
  if (e.builtin == Builtin::fired) return condition(e.operands[0]->ref_index);
  if (e.builtin == Builtin::flagged) {  // the Kleene `or` of the conditions of its setters
    z3::expr any_fired = ctx_.bool_val(false), all_known = ctx_.bool_val(true);
    for (auto rule : policy_.flags[e.operands[0]->ref_index].setters) {
      const Term& c = condition(rule);
      any_fired = any_fired || (c.defined && *c.value);
      all_known = all_known && c.defined;
    }
    return {any_fired || all_known, any_fired, std::nullopt};
  }
  if (e.builtin == Builtin::date) return constant(literal_value(e), e.type);
  std::vector<Term> args;
  for (const auto& operand : e.operands) args.push_back(encode(*operand));
  const z3::expr defined = all_defined(args);
  const auto values = [&] {
    for (const auto& a : args)
      if (!a.value) return false;
    return true;
  };
  switch (e.builtin) {
    case Builtin::min:
    case Builtin::max: {
      if (!values()) break;
      z3::expr best = *args[0].value;
      for (std::size_t i = 1; i < args.size(); ++i) {
        const z3::expr& x = *args[i].value;
        best = e.builtin == Builtin::min ? z3::ite(x < best, x, best) : z3::ite(x > best, x, best);
      }
      return {defined, best, std::nullopt};
    }
    case Builtin::abs:
      if (!values()) break;
      return {defined, z3::ite(*args[0].value < 0, -*args[0].value, *args[0].value), std::nullopt};
    case Builtin::floor:
    case Builtin::ceil: {
      if (!values()) break;
      const z3::expr x = *args[0].value;
      const z3::expr down = z3::to_real(z3::expr(ctx_, Z3_mk_real2int(ctx_, x)));
      const z3::expr up = -z3::to_real(z3::expr(ctx_, Z3_mk_real2int(ctx_, -x)));
      const z3::expr result = (e.builtin == Builtin::floor ? down : up).simplify();  // floor(1.5): a numeral
      if (!result.is_numeral()) fields_read(e, stepped_);
      return {defined, result, std::nullopt};
    }
    case Builtin::coalesce:
      if (!values()) break;
      return {args[0].defined || args[1].defined, z3::ite(args[0].defined, *args[0].value, *args[1].value), std::nullopt};
    case Builtin::days_between:
      if (!values()) break;
      return {defined, z3::to_real(*args[1].value - *args[0].value), std::nullopt};
    case Builtin::starts_with:
      if (!values()) break;
      return {defined, z3::prefixof(*args[1].value, *args[0].value), std::nullopt};
    case Builtin::ends_with:
      if (!values()) break;
      return {defined, z3::suffixof(*args[1].value, *args[0].value), std::nullopt};
    case Builtin::contains:
      if (args[0].value && args[1].value) return {defined, args[0].value->contains(*args[1].value), std::nullopt};
      if (args[0].items && args[1].value) {
        z3::expr member = ctx_.bool_val(false);
        for (const auto& item : *args[0].items) member = member || (*args[1].value == item);
        return {defined, member, std::nullopt};
      }
      break;
    case Builtin::count:
      if (args[0].items) return {defined, ctx_.real_val(static_cast<int>(args[0].items->size())), std::nullopt};
      break;
    case Builtin::any:
      if (args[0].items) return {defined, ctx_.bool_val(!args[0].items->empty()), std::nullopt};
      break;
    default: break;  // round, mod, lower, upper, trim, length: no exact encoding
  }
  return opaque(e, args);
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
      if (!model.eval(*present_[i], true).is_true()) continue;  // absent: left out
      if (!field_value_[i]) {
        value = "[]";
      } else {
        const z3::expr v = model.eval(*field_value_[i], true);
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
