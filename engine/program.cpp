#include "engine/program.hpp"

#include <algorithm>

#include "dsl/base/civil_date.hpp"

namespace tenet::core {

using ast::Expr;
using ast::ExprKind;
using ast::Op;

Value literal_value(const Expr& e) {
  switch (e.kind) {
    case ExprKind::number: return Value::of(e.number);
    case ExprKind::string: return Value::of(e.string_value);
    case ExprKind::boolean: return Value::of(e.boolean);
    case ExprKind::collection: {
      std::vector<Value> items;
      for (const auto& item : e.operands) items.push_back(literal_value(*item));
      Value v = Value::list(std::move(items));
      if (e.type.kind == TypeKind::set) make_set(v);
      return v;
    }
    case ExprKind::call:  // date("YYYY-MM-DD"), checked by the checker: a constant
      if (e.builtin == Builtin::date) return Value::date(*parse_iso_date(e.operands[0]->string_value));
      return Value::unknown(reasons::not_a_value());
    default: return Value::unknown(reasons::not_a_value());
  }
}

namespace {

class Compiler {
 public:
  Compiler(const CheckedPolicy& policy, const ParamValues& params, Program& out) : policy_(policy), params_(params), p_(out) {}

  void run() {
    const auto& m = policy_.module;
    p_.field_count = static_cast<std::uint32_t>(policy_.schema().fields.size());
    for (const auto& field : policy_.schema().fields) {
      p_.missing_reasons.push_back(field.name.text + " is missing");
      p_.not_available_reasons.push_back(field.name.text + " is marked not available (n/a)");
    }
    p_.initial_frame.resize(p_.field_count);
    for (const auto& param : m.params) {
      auto given = params_.find(param.name.text);
      // A param without a default (today) is always given: Policy::compile refuses a run without it.
      p_.param_slots.push_back(constant(given != params_.end() ? given->second : literal_value(*param.value)));
    }
    let_slots_.assign(m.lets.size(), 0);
    p_.rules.resize(m.rules.size());
    for (const auto& node : policy_.order) {
      if (node.kind == GraphNode::Kind::let) {
        let_slots_[node.index] = emit(*m.lets[node.index].value, p_.code);
      } else {
        p_.rules[node.index].condition = emit(*m.rules[node.index].when, p_.code);
      }
    }
    for (const auto& flag : policy_.flags) p_.flag_setters.push_back(flag.setters);
    compile_actions();
    for (std::size_t i = 0; i < m.rules.size(); ++i) {
      if (!m.rules[i].because) continue;
      auto& rule = p_.rules[i];
      rule.has_because = true;
      for (const auto& part : m.rules[i].because->parts) {
        if (part.expr) {
          rule.because.push_back({{}, emit(*part.expr, rule.explain)});
        } else {
          rule.because.push_back({part.text, -1});
        }
      }
    }
    // Last, once every slot exists: a `because` hole's steps add slots after the conditions'.
    p_.producer.assign(p_.initial_frame.size(), Program::kConstant);
    for (std::size_t i = 0; i < p_.code.size(); ++i) p_.producer[p_.code[i].dst] = static_cast<std::int32_t>(i);
    for (const CompiledRule& rule : p_.rules)
      for (const Instruction& in : rule.explain) p_.producer[in.dst] = Program::kExplained;
    mark_fields_read();
    collect_compared_strings();
    compile_percentile_pass();
  }

 private:
  // The steps of `code` that compute the specs' slots (the checker allows only lets each record
  // computes alone: no percentile, no rule status), found back from the slots through producers.
  void compile_percentile_pass() {
    std::vector<bool> needed(p_.code.size(), false), field(p_.field_count, false);
    std::vector<std::uint32_t> stack;
    for (const PercentileSpec& spec : p_.percentiles) {
      stack.push_back(spec.value);
      if (spec.group >= 0) stack.push_back(static_cast<std::uint32_t>(spec.group));
    }
    while (!stack.empty()) {
      const std::uint32_t slot = stack.back();
      stack.pop_back();
      if (slot < p_.field_count) {
        field[slot] = true;
        continue;
      }
      const std::int32_t producer = p_.producer[slot];
      if (producer < 0 || needed[static_cast<std::size_t>(producer)]) continue;
      needed[static_cast<std::size_t>(producer)] = true;
      const Instruction& in = p_.code[static_cast<std::size_t>(producer)];
      const int operands = operand_count(in.code);
      if (operands > 0) stack.push_back(in.a);
      if (operands > 1) stack.push_back(in.b);
      if (operands > 2) stack.push_back(in.c);
    }
    for (std::size_t i = 0; i < p_.code.size(); ++i)
      if (needed[i]) p_.percentile_code.push_back(p_.code[i]);
    for (std::uint32_t i = 0; i < p_.field_count; ++i)
      if (field[i]) p_.percentile_fields.push_back(i);
  }

  void collect_compared_strings() {
    p_.compared_strings.assign(p_.field_count, {});
    for (const Instruction& in : p_.code) {
      switch (in.code) {
        case OpCode::eq:
        case OpCode::ne:
        case OpCode::in:
        case OpCode::not_in:
        case OpCode::difference:
        case OpCode::intersect:
        case OpCode::unite:
        case OpCode::contains_item: break;
        default: continue;  // no comparison of a value with a constant as written
      }
      const std::uint32_t sides[2] = {in.a, in.b};
      for (int i = 0; i < 2; ++i) {
        if (sides[i] >= p_.field_count || !p_.is_constant(sides[1 - i])) continue;
        auto& strings = p_.compared_strings[sides[i]];
        const Value& v = p_.initial_frame[sides[1 - i]];
        if (v.kind == Value::Kind::string) strings.push_back(v.text);
        for (const Value& item : v.items)
          if (item.kind == Value::Kind::string) strings.push_back(item.text);
        std::sort(strings.begin(), strings.end());
        strings.erase(std::unique(strings.begin(), strings.end()), strings.end());
      }
    }
  }

  void mark_fields_read() {
    p_.field_read.assign(p_.field_count, false);
    const auto read = [&](std::int64_t slot) {
      if (slot >= 0 && slot < p_.field_count) p_.field_read[static_cast<std::size_t>(slot)] = true;
    };
    const auto operands = [&](const std::vector<Instruction>& code) {
      for (const Instruction& in : code) {
        const int n = operand_count(in.code);
        if (n > 0) read(in.a);
        if (n > 1) read(in.b);
        if (n > 2) read(in.c);
      }
    };
    operands(p_.code);
    for (const std::uint32_t slot : let_slots_) read(slot);  // a let of a bare field, used or not
    for (const CompiledRule& rule : p_.rules) {
      read(rule.condition);  // a bare boolean field
      operands(rule.explain);
      for (const TemplatePiece& piece : rule.because) read(piece.slot);
    }
  }

  std::uint32_t action_id(const std::string& name) {
    auto it = std::find(p_.actions.begin(), p_.actions.end(), name);
    if (it != p_.actions.end()) return static_cast<std::uint32_t>(it - p_.actions.begin());
    p_.actions.push_back(name);
    return static_cast<std::uint32_t>(p_.actions.size() - 1);
  }

  // Actions, priorities and flags as indices, so deciding a record reads no AST and no name.
  void compile_actions() {
    const auto& m = policy_.module;
    for (std::size_t i = 0; i < m.rules.size(); ++i) {
      const auto& then = *m.rules[i].then;
      auto& rule = p_.rules[i];
      rule.recommends = then.kind == ast::ActionClause::Kind::recommend;
      rule.priority = then.priority;
      if (rule.recommends) rule.target = action_id(then.name.text);
      p_.unknown_rule_reasons.push_back("rule " + m.rules[i].name.text + " is unknown");
    }
    // The checker already knows which rules set each flag.
    for (std::uint32_t f = 0; f < policy_.flags.size(); ++f)
      for (auto r : policy_.flags[f].setters) p_.rules[r].target = f;
    p_.default_action = action_id(policy_.decision().default_action->text);
    switch (*policy_.decision().hit) {
      case ast::HitPolicy::priority: p_.hit = Hit::priority; break;
      case ast::HitPolicy::first: p_.hit = Hit::first; break;
      case ast::HitPolicy::collect: p_.hit = Hit::collect; break;
    }
  }

  std::uint32_t new_slot() {
    p_.initial_frame.emplace_back();
    return static_cast<std::uint32_t>(p_.initial_frame.size() - 1);
  }
  std::uint32_t constant(Value v) {
    const std::uint32_t slot = new_slot();
    p_.initial_frame[slot] = std::move(v);
    return slot;
  }

  std::uint32_t emit(const Expr& e, std::vector<Instruction>& code) {
    const std::uint32_t slot = emit_node(e, code);
    p_.slot_of[&e] = slot;
    return slot;
  }

  std::uint32_t instruction(OpCode op, const Expr& e, std::vector<Instruction>& code, std::uint32_t a = 0, std::uint32_t b = 0,
                            std::uint32_t c = 0) {
    const std::uint32_t dst = new_slot();
    code.push_back({op, e.type.kind == TypeKind::set, static_cast<std::uint8_t>(strict_arity(op)), dst, a, b, c, &e});
    return dst;
  }

  std::uint32_t emit_node(const Expr& e, std::vector<Instruction>& code) {
    switch (e.kind) {
      case ExprKind::number:
      case ExprKind::string:
      case ExprKind::boolean:
      case ExprKind::collection:
        for (const auto& item : e.operands) p_.slot_of[item.get()] = constant(literal_value(*item));
        return constant(literal_value(e));
      case ExprKind::name:
        switch (e.ref) {
          case ast::RefKind::field: return e.ref_index;
          case ast::RefKind::param: return p_.param_slots[e.ref_index];
          case ast::RefKind::let: return let_slots_[e.ref_index];
          default: return constant(Value::unknown(reasons::not_a_value()));
        }
      case ExprKind::unary: {
        const std::uint32_t a = emit(*e.operands[0], code);
        return instruction(e.op == Op::negate ? OpCode::negate : OpCode::logical_not, e, code, a);
      }
      case ExprKind::binary: {
        const std::uint32_t a = emit(*e.operands[0], code);
        const std::uint32_t b = emit(*e.operands[1], code);
        return instruction(binary_opcode(e), e, code, a, b);
      }
      case ExprKind::between: {
        const std::uint32_t a = emit(*e.operands[0], code);
        const std::uint32_t b = emit(*e.operands[1], code);
        const std::uint32_t c = emit(*e.operands[2], code);
        return instruction(OpCode::between, e, code, a, b, c);
      }
      case ExprKind::presence: {
        const std::uint32_t a = emit(*e.operands[0], code);
        return instruction(e.tests_missing ? OpCode::is_missing : OpCode::is_present, e, code, a);
      }
      case ExprKind::call: return emit_call(e, code);
    }
    return constant(Value::unknown(reasons::not_a_value()));
  }

  static OpCode binary_opcode(const Expr& e) {
    const bool collections = e.operands[0]->type.is_collection();
    switch (e.op) {
      case Op::add: return OpCode::add;
      case Op::sub: return collections ? OpCode::difference : OpCode::sub;
      case Op::mul: return OpCode::mul;
      case Op::div: return OpCode::div;
      case Op::intersect: return OpCode::intersect;
      case Op::unite: return OpCode::unite;
      case Op::eq: return OpCode::eq;
      case Op::ne: return OpCode::ne;
      case Op::lt: return OpCode::lt;
      case Op::le: return OpCode::le;
      case Op::gt: return OpCode::gt;
      case Op::ge: return OpCode::ge;
      case Op::logical_and: return OpCode::logical_and;
      case Op::logical_or: return OpCode::logical_or;
      case Op::in: return OpCode::in;
      case Op::not_in: return OpCode::not_in;
      default: return OpCode::add;
    }
  }

  std::uint32_t emit_call(const Expr& e, std::vector<Instruction>& code) {
    if (is_graph_reference(e.builtin)) {
      const Expr& arg = *e.operands[0];
      // The argument names a rule or flag; it has no value of its own.
      const std::uint32_t dst = e.builtin == Builtin::fired
                                    ? instruction(OpCode::fired, e, code, p_.rules[arg.ref_index].condition, 0, arg.ref_index)
                                    : instruction(OpCode::flagged, e, code, 0, 0, arg.ref_index);
      p_.slot_of[&arg] = dst;
      return dst;
    }
    if (e.builtin == Builtin::percentile) {  // reads the run's distribution of the field (PortfolioStats)
      const std::uint32_t value = emit(*e.operands[0], code);
      const bool grouped = e.operands.size() == 2;
      const std::uint32_t group = grouped ? emit(*e.operands[1], code) : 0;
      const PercentileSpec spec{value, grouped ? static_cast<std::int64_t>(group) : -1};
      auto it = std::find(p_.percentiles.begin(), p_.percentiles.end(), spec);
      const auto index = static_cast<std::uint32_t>(it - p_.percentiles.begin());
      if (it == p_.percentiles.end()) p_.percentiles.push_back(spec);
      return instruction(grouped ? OpCode::percentile_by : OpCode::percentile, e, code, value, group, index);
    }
    if (e.builtin == Builtin::date) {  // of a literal: folded into a constant
      p_.slot_of[e.operands[0].get()] = constant(literal_value(*e.operands[0]));
      return constant(literal_value(e));
    }
    std::uint32_t args[2] = {0, 0};
    for (std::size_t i = 0; i < e.operands.size() && i < 2; ++i) args[i] = emit(*e.operands[i], code);
    std::uint32_t result = instruction(call_opcode(e), e, code, args[0], args[1]);
    // min(a, b, c, ...) is min(min(a, b), c)...: one two-operand step per further argument.
    for (std::size_t i = 2; i < e.operands.size(); ++i) {
      const std::uint32_t next = emit(*e.operands[i], code);
      result = instruction(call_opcode(e), e, code, result, next);
    }
    return result;
  }

  // Every built-in has its opcode: the switch has no default, so a new one does not compile
  // until it has.
  static OpCode call_opcode(const Expr& e) {
    switch (e.builtin) {
      case Builtin::count: return OpCode::count;
      case Builtin::any: return OpCode::any;
      case Builtin::min: return OpCode::min;
      case Builtin::max: return OpCode::max;
      case Builtin::abs: return OpCode::abs;
      case Builtin::round: return OpCode::round;
      case Builtin::coalesce: return OpCode::coalesce;
      case Builtin::floor: return OpCode::floor;
      case Builtin::ceil: return OpCode::ceil;
      case Builtin::mod: return OpCode::mod;
      case Builtin::lower: return OpCode::lower;
      case Builtin::upper: return OpCode::upper;
      case Builtin::trim: return OpCode::trim;
      case Builtin::length: return OpCode::length;
      case Builtin::starts_with: return OpCode::starts_with;
      case Builtin::ends_with: return OpCode::ends_with;
      case Builtin::days_between: return OpCode::days_between;
      case Builtin::date: return OpCode::count;             // unreachable: folded into a constant by emit_call
      case Builtin::percentile: return OpCode::percentile;  // unreachable: emitted by emit_call
      case Builtin::contains: return e.operands[0]->type.is_collection() ? OpCode::contains_item : OpCode::contains_text;
      case Builtin::fired: return OpCode::fired;
      case Builtin::flagged: return OpCode::flagged;
    }
    return OpCode::count;  // unreachable: every enumerator is handled above
  }

  const CheckedPolicy& policy_;
  const ParamValues& params_;
  Program& p_;
  std::vector<std::uint32_t> let_slots_;
};

}  // namespace

Program compile_program(const CheckedPolicy& policy, const ParamValues& params) {
  Program program;
  Compiler(policy, params, program).run();
  return program;
}

}  // namespace tenet::core
