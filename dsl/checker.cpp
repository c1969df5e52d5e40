#include "dsl/checker.hpp"

#include "dsl/base/civil_date.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace tenet::core {

using ast::Expr;
using ast::ExprKind;
using ast::Op;
using ast::RefKind;

std::optional<std::uint32_t> CheckedPolicy::field_named_by(const Expr& e) const {
  if (e.kind != ExprKind::name) return std::nullopt;
  if (e.ref == RefKind::field) return e.ref_index;
  if (e.ref == RefKind::let && module.lets[e.ref_index].value) return field_named_by(*module.lets[e.ref_index].value);
  return std::nullopt;
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::optional<std::string> closest(std::string_view name, const std::vector<std::string>& candidates) {
  std::optional<std::string> best;
  std::size_t best_distance = std::max<std::size_t>(1, name.size() / 3) + 1;
  for (const auto& c : candidates) {
    const std::size_t dist = edit_distance(name, c);
    if (dist < best_distance) {
      best_distance = dist;
      best = c;
    }
  }
  return best;
}

namespace {

const Type kError = Type::of(TypeKind::error);
const Type kNumber = Type::of(TypeKind::number);
const Type kString = Type::of(TypeKind::string);
const Type kBool = Type::of(TypeKind::boolean);

bool is(Type t, TypeKind k) { return t.kind == k; }
bool broken(Type t) { return t.kind == TypeKind::error; }

std::string folded_case(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}
bool elements_match(TypeKind a, TypeKind b) { return a == b || a == TypeKind::any || b == TypeKind::any; }
bool same_type(Type a, Type b) {
  if (a.is_collection() && b.is_collection()) return elements_match(a.element, b.element);
  return a == b;
}

// The built-in functions and how many arguments each takes.

struct Declared {
  RefKind kind;
  std::uint32_t index;
  SourceRange where;
};

const char* kind_word(RefKind k) {
  switch (k) {
    case RefKind::field: return "field";
    case RefKind::param: return "param";
    case RefKind::let: return "let";
    case RefKind::rule: return "rule";
    case RefKind::flag: return "flag";
    case RefKind::none: break;
  }
  return "name";
}

// What one let or rule condition refers to, for the rule graph.
struct Dependencies {
  std::set<std::uint32_t> lets;
  std::set<std::uint32_t> rules;
  std::set<std::string> flags;
};

class Checker {
 public:
  explicit Checker(ast::Module& m) : m_(m) {}

  Diagnostics run(CheckedPolicy& out) {
    check_singletons();
    declare_values();
    declare_rules_and_flags();
    for (auto& param : m_.params) check_param(param);
    let_deps_.resize(m_.lets.size());
    rule_deps_.resize(m_.rules.size());
    let_state_.assign(m_.lets.size(), LetState::unchecked);
    for (std::size_t i = 0; i < m_.lets.size(); ++i) let_type(static_cast<std::uint32_t>(i));
    for (std::size_t i = 0; i < m_.rules.size(); ++i) check_rule(static_cast<std::uint32_t>(i));
    warn_unused();
    order_graph(out);
    out.flags = flags_;
    return std::move(d_);
  }

 private:
  // ---- declarations ----
  void check_singletons() {
    const auto exactly_one = [&](std::size_t count, SourceRange second, const char* what, const char* form) {
      if (count == 0 && !m_.incomplete) d_.error({0, 0}, fmt::format("missing {} declaration ({})", what, form));
      if (count > 1) d_.error(second, fmt::format("a policy has exactly one {} declaration", what));
    };
    exactly_one(m_.policies.size(), m_.policies.size() > 1 ? m_.policies[1].range : SourceRange{}, "'policy'",
                "policy NAME \"Title\" version \"1.0.0\"");
    exactly_one(m_.schemas.size(), m_.schemas.size() > 1 ? m_.schemas[1].range : SourceRange{}, "'schema'",
                "schema NAME { field: type ... }");
    exactly_one(m_.decisions.size(), m_.decisions.size() > 1 ? m_.decisions[1].range : SourceRange{}, "'decision'",
                "decision NAME { hit priority  default ACTION }");
    for (const auto& policy : m_.policies) {
      if (policy.version.empty()) d_.error(policy.range, "the policy version must not be empty");
    }
    for (const auto& decision : m_.decisions) {
      if (!decision.hit)
        d_.error(decision.name.range, fmt::format("decision '{}' needs 'hit priority', 'hit first' or 'hit collect'", decision.name.text));
      if (!decision.default_action)
        d_.error(decision.name.range,
                 fmt::format("decision '{}' needs 'default ACTION' for records where no rule recommends anything", decision.name.text));
    }
    if (!m_.schemas.empty()) {
      const auto& schema = m_.schemas.front();
      std::vector<const ast::FieldDecl*> keys;
      for (const auto& f : schema.fields) {
        if (f.is_key) keys.push_back(&f);
      }
      if (keys.empty()) {
        d_.error(schema.name.range, fmt::format("schema '{}' needs exactly one field marked 'key' (the record id)", schema.name.text));
      }
      for (std::size_t i = 1; i < keys.size(); ++i) {
        d_.error(keys[i]->name.range, fmt::format("schema '{}' has more than one key field", schema.name.text),
                 {{keys[0]->name.range, "first key field here"}});
      }
      for (const auto* key : keys) {
        if (key->is_optional) d_.error(key->name.range, "the key field cannot be optional");
        if (!is(key->type, TypeKind::string) && !is(key->type, TypeKind::number)) {
          d_.error(key->type_range, "the key field must be a string or a number");
        }
      }
    }
  }

  void declare(const ast::Identifier& name, RefKind kind, std::uint32_t index) {
    auto [it, inserted] = values_.emplace(name.text, Declared{kind, index, name.range});
    if (!inserted) {
      // Already an error: do not also warn that the duplicate is unused.
      if (kind == RefKind::param) param_used_[index] = true;
      if (kind == RefKind::let) let_used_[index] = true;
      d_.error(name.range, fmt::format("'{}' is already declared as a {}", name.text, kind_word(it->second.kind)),
               {{it->second.where, "first declared here"}});
    }
  }

  void declare_values() {
    param_used_.assign(m_.params.size(), false);
    let_used_.assign(m_.lets.size(), false);
    if (!m_.schemas.empty()) {
      const auto& fields = m_.schemas.front().fields;
      for (std::size_t i = 0; i < fields.size(); ++i) declare(fields[i].name, RefKind::field, static_cast<std::uint32_t>(i));
    }
    for (std::size_t i = 0; i < m_.params.size(); ++i) declare(m_.params[i].name, RefKind::param, static_cast<std::uint32_t>(i));
    for (std::size_t i = 0; i < m_.lets.size(); ++i) declare(m_.lets[i].name, RefKind::let, static_cast<std::uint32_t>(i));
  }

  void declare_rules_and_flags() {
    for (std::size_t i = 0; i < m_.rules.size(); ++i) {
      const auto& rule = m_.rules[i];
      auto [it, inserted] = rules_.emplace(rule.name.text, static_cast<std::uint32_t>(i));
      if (!inserted) {
        const auto& first = m_.rules[it->second];
        d_.error(rule.name.range, fmt::format("rule '{}' is declared twice", rule.name.text), {{first.name.range, "first declared here"}});
      }
      if (!rule.then) continue;
      if (rule.then->kind != ast::ActionClause::Kind::flag) continue;
      const std::string& flag = rule.then->name.text;
      auto found = std::find_if(flags_.begin(), flags_.end(), [&](const FlagInfo& f) { return f.name == flag; });
      if (found == flags_.end()) {
        flags_.push_back({flag, {}});
        found = flags_.end() - 1;
      }
      found->setters.push_back(static_cast<std::uint32_t>(i));
    }
  }

  void check_rule(std::uint32_t index) {
    auto& rule = m_.rules[index];
    if (!rule.when) d_.error(rule.name.range, fmt::format("rule '{}' needs a 'when' condition", rule.name.text));
    if (!rule.then)
      d_.error(rule.name.range, fmt::format("rule '{}' needs a 'then' action (recommend ACTION or flag NAME)", rule.name.text));
    if (rule.when) {
      const Type t = infer(*rule.when, &rule_deps_[index]);
      if (!broken(t) && !is(t, TypeKind::boolean)) {
        d_.error(rule.when->range, fmt::format("a 'when' condition must be true or false, but this is {}", type_phrase(t)));
      }
    }
    if (rule.because) {
      for (auto& part : rule.because->parts) {
        if (part.expr) infer(*part.expr, nullptr);
      }
    }
  }

  void check_param(ast::ParamDecl& param) {
    if (!param.value) return;
    Expr& v = *param.value;
    const bool literal = v.kind == ExprKind::number || v.kind == ExprKind::string || v.kind == ExprKind::boolean ||
                         v.kind == ExprKind::collection || (v.kind == ExprKind::call && v.name == "date");
    if (!literal) {
      d_.error(v.range, fmt::format("the value of param '{}' must be a literal (a number, string, true/false, date(\"YYYY-MM-DD\"), or a "
                                    "set {{...}} or list [...])",
                                    param.name.text));
      return;
    }
    Type t = infer(v, nullptr);
    if (broken(t)) return;
    // A literal {..} fits a list<T> param and [..] a set<T> param: the declared type decides.
    if (t.is_collection() && param.type.is_collection() && elements_match(t.element, param.type.element)) {
      v.type = param.type;
      v.is_set = param.type.kind == TypeKind::set;
      return;
    }
    if (!(t == param.type)) {
      d_.error(v.range,
               fmt::format("param '{}' is declared {} but its value is {}", param.name.text, type_phrase(param.type), type_phrase(t)));
    }
  }

  void warn_unused() {
    for (std::size_t i = 0; i < m_.lets.size(); ++i) {
      if (!let_used_[i] && !m_.broken_mentions(m_.lets[i].name.text))
        d_.warning(m_.lets[i].name.range, fmt::format("let '{}' is never used", m_.lets[i].name.text));
    }
    for (std::size_t i = 0; i < m_.params.size(); ++i) {
      if (!param_used_[i] && !m_.broken_mentions(m_.params[i].name.text))
        d_.warning(m_.params[i].name.range, fmt::format("param '{}' is never used", m_.params[i].name.text));
    }
  }

  // ---- expressions ----
  // After a syntax error a name may be unknown only because its declaration did not parse.
  Type fail_quietly(Expr& e) {
    e.type = kError;
    return kError;
  }

  // What makes a value depend on more than its record (percentile, or a rule's status, which
  // may): the built-in's name, found through lets; none when the record alone decides it.
  std::optional<std::string_view> portfolio_dependent(const Expr& e, std::set<std::uint32_t>& seen) const {
    if (e.kind == ExprKind::call && (e.builtin == Builtin::percentile || is_graph_reference(e.builtin)))
      return builtin_info(e.builtin).name;
    if (e.kind == ExprKind::name && e.ref == RefKind::let && seen.insert(e.ref_index).second && m_.lets[e.ref_index].value) {
      if (auto reads = portfolio_dependent(*m_.lets[e.ref_index].value, seen)) return reads;
    }
    for (const auto& operand : e.operands)
      if (auto reads = portfolio_dependent(*operand, seen)) return reads;
    return std::nullopt;
  }

  Type fail(Expr& e, std::string message) {
    d_.error(e.range, std::move(message));
    e.type = kError;
    return kError;
  }

  // Lets are typed on first use, so they may be used before they are declared; a let met
  // again while it is being typed is on a cycle, which order_graph() reports.
  Type let_type(std::uint32_t index) {
    auto& let = m_.lets[index];
    if (let_state_[index] == LetState::unchecked && let.value) {
      let_state_[index] = LetState::visiting;
      infer(*let.value, &let_deps_[index]);
      let_state_[index] = LetState::done;
    }
    return let_state_[index] == LetState::done ? let.value->type : kError;
  }

  Type infer(Expr& e, Dependencies* deps) {
    e.type = infer_kind(e, deps);
    return e.type;
  }

  Type infer_kind(Expr& e, Dependencies* deps) {
    switch (e.kind) {
      case ExprKind::number: return kNumber;
      case ExprKind::string: return kString;
      case ExprKind::boolean: return kBool;
      case ExprKind::collection: return infer_collection(e);
      case ExprKind::name: return resolve(e, deps);
      case ExprKind::unary: return infer_unary(e, deps);
      case ExprKind::binary: return infer_binary(e, deps);
      case ExprKind::between: {
        // Numbers, or dates: all three of one kind, the first operand's.
        TypeKind kind = TypeKind::error;
        for (auto& operand : e.operands) {
          const Type t = infer(*operand, deps);
          if (broken(t)) continue;
          if (kind == TypeKind::error && (is(t, TypeKind::number) || is(t, TypeKind::date))) kind = t.kind;
          if (!is(t, TypeKind::number) && !is(t, TypeKind::date)) {
            return fail(*operand, fmt::format("'between' works on numbers or dates, but this is {}", type_phrase(t)));
          }
          if (t.kind != kind) {
            return fail(*operand, fmt::format("'between' needs bounds of the same type as its value ({}), but this is {}",
                                              type_phrase(Type::of(kind)), type_phrase(t)));
          }
        }
        return kBool;
      }
      case ExprKind::presence: infer(*e.operands[0], deps); return kBool;
      case ExprKind::call: return infer_call(e, deps);
    }
    return kError;
  }

  Type infer_collection(Expr& e) {
    TypeKind element = TypeKind::any;
    for (auto& item : e.operands) {
      const TypeKind k = infer(*item, nullptr).kind;
      if (element == TypeKind::any) element = k;
      if (k != element) return fail(e, "a literal set or list cannot mix numbers and strings");
    }
    return Type::of(e.is_set ? TypeKind::set : TypeKind::list, element);
  }

  // `today`, read but not declared: the date of the run, a param without a default that every
  // run must set (Policy::compile says so), so a decision never depends on the clock.
  std::map<std::string, Declared>::iterator declare_today(SourceRange used_at) {
    ast::ParamDecl today;
    today.name = {"today", used_at};
    today.type = Type::of(TypeKind::date);
    today.implicit = true;
    m_.params.push_back(std::move(today));
    param_used_.push_back(true);
    return values_.emplace("today", Declared{RefKind::param, static_cast<std::uint32_t>(m_.params.size() - 1), used_at}).first;
  }

  std::vector<std::string> value_names() const {
    std::vector<std::string> names;
    for (const auto& [name, decl] : values_) names.push_back(name);
    return names;
  }

  Type resolve(Expr& e, Dependencies* deps) {
    auto it = values_.find(e.name);
    if (it == values_.end() && e.name == "today") it = declare_today(e.range);
    if (it == values_.end()) {
      if (m_.broken_declares(e.name)) return fail_quietly(e);
      const auto suggestion = closest(e.name, value_names());
      if (!suggestion) return fail(e, fmt::format("unknown name '{}' (not a field, param or let)", e.name));
      const RefKind kind = values_.at(*suggestion).kind;
      const bool case_only = folded_case(e.name) == folded_case(*suggestion);
      return fail(e, fmt::format("unknown {} '{}'; did you mean '{}'?{}", kind == RefKind::field ? "field" : "name", e.name, *suggestion,
                                 case_only ? " (names are case-sensitive)" : ""));
    }
    e.ref = it->second.kind;
    e.ref_index = it->second.index;
    switch (e.ref) {
      case RefKind::field: return m_.schemas.front().fields[e.ref_index].type;
      case RefKind::param: param_used_[e.ref_index] = true; return m_.params[e.ref_index].type;
      case RefKind::let:
        let_used_[e.ref_index] = true;
        if (deps) deps->lets.insert(e.ref_index);
        return let_type(e.ref_index);
      default: return kError;
    }
  }

  Type infer_unary(Expr& e, Dependencies* deps) {
    const Type t = infer(*e.operands[0], deps);
    if (broken(t)) return kError;
    if (e.op == Op::negate) {
      if (!is(t, TypeKind::number)) return fail(e, fmt::format("'-' needs a number, but this is {}", type_phrase(t)));
      return kNumber;
    }
    if (!is(t, TypeKind::boolean)) return fail(e, fmt::format("'not' needs a condition (true or false), but this is {}", type_phrase(t)));
    return kBool;
  }

  Type infer_binary(Expr& e, Dependencies* deps) {
    const Type a = infer(*e.operands[0], deps);
    const Type b = infer(*e.operands[1], deps);
    if (broken(a) || broken(b)) return kError;
    const char* op = ast::op_text(e.op);
    switch (e.op) {
      case Op::add:
      case Op::mul:
      case Op::div:
      case Op::sub:
        if (is(a, TypeKind::number) && is(b, TypeKind::number)) return kNumber;
        if (e.op == Op::sub && a.is_collection() && b.is_collection()) return set_operation(e, a, b);
        return fail(e, fmt::format("'{}' needs two numbers{}, but this has {} and {}", op, e.op == Op::sub ? " (or two sets or lists)" : "",
                                   type_phrase(a), type_phrase(b)));
      case Op::intersect:
      case Op::unite:
        if (a.is_collection() && b.is_collection()) return set_operation(e, a, b);
        return fail(e, fmt::format("'{}' needs two sets or lists, but this has {} and {}", op, type_phrase(a), type_phrase(b)));
      case Op::eq:
      case Op::ne:
        if (!same_type(a, b)) return fail(e, fmt::format("'{}' compares {} with {}", op, type_phrase(a), type_phrase(b)));
        return kBool;
      case Op::lt:
      case Op::le:
      case Op::gt:
      case Op::ge:
        if (is(a, TypeKind::number) && is(b, TypeKind::number)) return kBool;
        if (is(a, TypeKind::date) && is(b, TypeKind::date)) return kBool;
        if (!same_type(a, b)) return fail(e, fmt::format("'{}' compares {} with {}", op, type_phrase(a), type_phrase(b)));
        return fail(e, fmt::format("'{}' orders numbers and dates only, but this compares two values of type {}", op, type_name(a)));
      case Op::logical_and:
      case Op::logical_or:
        if (is(a, TypeKind::boolean) && is(b, TypeKind::boolean)) return kBool;
        return fail(e, fmt::format("'{}' joins conditions (true or false), but this has {} and {}", op, type_phrase(a), type_phrase(b)));
      case Op::in:
      case Op::not_in:
        if (!b.is_collection()) return fail(e, fmt::format("'{}' needs a set or list on its right, but this is {}", op, type_phrase(b)));
        if (!elements_match(a.kind, b.element)) {
          return fail(e, fmt::format("'{}' looks for {} in {}", op, type_phrase(a), type_phrase(b)));
        }
        return kBool;
      default: return kError;
    }
  }

  Type set_operation(Expr& e, Type a, Type b) {
    if (!elements_match(a.element, b.element)) {
      return fail(e, fmt::format("'{}' combines {} with {}", ast::op_text(e.op), type_phrase(a), type_phrase(b)));
    }
    const TypeKind element = a.element == TypeKind::any ? b.element : a.element;
    // A - B and A & B keep A's kind; A | B is a set only when both are sets.
    TypeKind kind = a.kind;
    if (e.op == Op::unite && b.kind != TypeKind::set) kind = TypeKind::list;
    return Type::of(kind, element);
  }

  Type infer_call(Expr& e, Dependencies* deps) {
    const auto builtin = find_builtin(e.name);
    if (!builtin) {
      std::vector<std::string> names;
      for (const auto& b : kBuiltins) names.emplace_back(b.name);
      const auto suggestion = closest(e.name, names);
      std::sort(names.begin(), names.end());
      d_.error(e.name_range, suggestion ? fmt::format("unknown function '{}'; did you mean '{}'?", e.name, *suggestion)
                                        : fmt::format("unknown function '{}'; the functions are {}", e.name, fmt::join(names, ", ")));
      for (auto& arg : e.operands) infer(*arg, deps);
      e.type = kError;
      return kError;
    }
    e.builtin = *builtin;
    const BuiltinInfo& info = builtin_info(*builtin);
    const std::size_t arity = info.arity;
    if (info.variadic ? e.operands.size() < arity : e.operands.size() != arity) {
      return fail(e, fmt::format("'{}' takes {}{} argument{}, but {} {} given", e.name, info.variadic ? "at least " : "", arity,
                                 arity == 1 ? "" : "s", e.operands.size(), e.operands.size() == 1 ? "was" : "were"));
    }
    if (is_graph_reference(e.builtin)) return infer_graph_reference(e, deps);
    std::vector<Type> args;
    for (auto& arg : e.operands) args.push_back(infer(*arg, deps));
    for (const Type& t : args) {
      if (broken(t)) return kError;
    }
    const auto want = [&](bool ok, const char* what) -> bool {
      if (!ok) fail(e, fmt::format("'{}' takes {}, but was given {}", e.name, what, describe(args)));
      return ok;
    };
    switch (e.builtin) {
      case Builtin::count: return want(args[0].is_collection(), "a set or list") ? kNumber : kError;
      case Builtin::any: return want(args[0].is_collection(), "a set or list") ? kBool : kError;
      case Builtin::abs: return want(is(args[0], TypeKind::number), "a number") ? kNumber : kError;
      case Builtin::min:
      case Builtin::max:
        return want(std::all_of(args.begin(), args.end(), [&](const Type& t) { return is(t, TypeKind::number); }), "numbers") ? kNumber
                                                                                                                              : kError;
      case Builtin::mod: return want(is(args[0], TypeKind::number) && is(args[1], TypeKind::number), "two numbers") ? kNumber : kError;
      case Builtin::round:
        return want(is(args[0], TypeKind::number) && is(args[1], TypeKind::number), "a number and a count of decimal places") ? kNumber
                                                                                                                              : kError;
      case Builtin::floor:
      case Builtin::ceil: return want(is(args[0], TypeKind::number), "a number") ? kNumber : kError;
      case Builtin::lower:
      case Builtin::upper:
      case Builtin::trim: return want(is(args[0], TypeKind::string), "a string") ? kString : kError;
      case Builtin::length: return want(is(args[0], TypeKind::string), "a string") ? kNumber : kError;
      case Builtin::starts_with:
      case Builtin::ends_with: return want(is(args[0], TypeKind::string) && is(args[1], TypeKind::string), "two strings") ? kBool : kError;
      case Builtin::coalesce: return want(same_type(args[0], args[1]), "two values of the same type") ? args[0] : kError;
      case Builtin::days_between: return want(is(args[0], TypeKind::date) && is(args[1], TypeKind::date), "two dates") ? kNumber : kError;
      case Builtin::percentile: {
        // Of fields, or of lets each record computes alone (the grammar gives names): a
        // distribution over the run's records, collected by a first pass that runs those lets.
        for (std::size_t i = 0; i < e.operands.size(); ++i) {
          Expr& arg = *e.operands[i];
          if (arg.ref != RefKind::field && arg.ref != RefKind::let) {
            return fail(
                e, fmt::format("'percentile' reads fields of the records, or lets of them; '{}' is a {}", arg.name, kind_word(arg.ref)));
          }
          if (arg.ref == RefKind::let) {
            std::set<std::uint32_t> seen;
            if (auto reads = portfolio_dependent(arg, seen)) {
              return fail(arg,
                          fmt::format("'percentile' ranks a value each record has alone, but let '{}' reads {}(...)", arg.name, *reads));
            }
          }
        }
        if (!is(args[0], TypeKind::number) && !is(args[0], TypeKind::date)) {
          return fail(*e.operands[0],
                      fmt::format("'percentile' ranks a number or date, but '{}' is {}", e.operands[0]->name, type_phrase(args[0])));
        }
        if (args.size() == 2 && args[1].is_collection()) {
          return fail(*e.operands[1],
                      fmt::format("'percentile' groups by one value, but '{}' is {}", e.operands[1]->name, type_phrase(args[1])));
        }
        return kNumber;
      }
      case Builtin::date: {
        // Of a literal only, checked here: a policy never holds a date that is not one.
        Expr& arg = *e.operands[0];
        if (arg.kind != ExprKind::string) return fail(e, "'date' takes a date written as a string literal, as in date(\"2026-11-28\")");
        if (!parse_iso_date(arg.string_value)) {
          return fail(arg, fmt::format("'{}' is not a date; write YYYY-MM-DD (a day that exists, years 0001 to 9999)", arg.string_value));
        }
        return Type::of(TypeKind::date);
      }
      case Builtin::contains: {
        // contains(string, substring) or contains(collection, element)
        const bool text_search = is(args[0], TypeKind::string) && is(args[1], TypeKind::string);
        const bool membership = args[0].is_collection() && elements_match(args[0].element, args[1].kind);
        return want(text_search || membership, "a string and a substring, or a set or list and an element") ? kBool : kError;
      }
      case Builtin::fired:
      case Builtin::flagged: break;  // handled above
    }
    return kError;
  }

  static std::string describe(const std::vector<Type>& args) {
    std::string out;
    for (std::size_t i = 0; i < args.size(); ++i) {
      if (i) out += i + 1 == args.size() ? " and " : ", ";
      out += type_phrase(args[i]);
    }
    return out;
  }

  Type infer_graph_reference(Expr& e, Dependencies* deps) {
    Expr& arg = *e.operands[0];
    const bool is_rule = e.builtin == Builtin::fired;
    if (arg.kind != ExprKind::name) {
      return fail(arg, fmt::format("'{}' takes the name of a {}", e.name, is_rule ? "rule" : "flag"));
    }
    arg.type = kBool;
    if (is_rule) {
      auto it = rules_.find(arg.name);
      if (it == rules_.end()) {
        if (m_.broken_declares(arg.name)) return fail_quietly(arg);
        std::vector<std::string> names;
        for (const auto& [name, index] : rules_) names.push_back(name);
        const auto suggestion = closest(arg.name, names);
        return fail(arg, suggestion ? fmt::format("unknown rule '{}'; did you mean '{}'?", arg.name, *suggestion)
                                    : fmt::format("unknown rule '{}'", arg.name));
      }
      arg.ref = RefKind::rule;
      arg.ref_index = it->second;
      if (deps) deps->rules.insert(it->second);
      return kBool;
    }
    auto it = std::find_if(flags_.begin(), flags_.end(), [&](const FlagInfo& f) { return f.name == arg.name; });
    if (it == flags_.end()) {
      // A broken rule may be the one that sets it.
      if (std::any_of(m_.broken.begin(), m_.broken.end(), [](const ast::BrokenDecl& b) { return b.keyword == "rule"; }))
        return fail_quietly(arg);
      std::vector<std::string> names;
      for (const auto& f : flags_) names.push_back(f.name);
      const auto suggestion = closest(arg.name, names);
      return fail(arg, suggestion ? fmt::format("no rule sets flag '{}'; did you mean '{}'?", arg.name, *suggestion)
                                  : fmt::format("no rule sets flag '{}' (flags are set by 'then flag NAME')", arg.name));
    }
    arg.ref = RefKind::flag;
    arg.ref_index = static_cast<std::uint32_t>(it - flags_.begin());
    if (deps) deps->flags.insert(arg.name);
    return kBool;
  }

  // ---- rule graph: cycles and evaluation order ----
  // Graph nodes: lets are 0..L-1, rules are L..L+R-1.
  std::vector<std::uint32_t> successors(std::uint32_t node) const {
    const auto lets = static_cast<std::uint32_t>(m_.lets.size());
    const Dependencies& deps = node < lets ? let_deps_[node] : rule_deps_[node - lets];
    std::vector<std::uint32_t> out(deps.lets.begin(), deps.lets.end());
    for (auto r : deps.rules) out.push_back(lets + r);
    for (const auto& flag : deps.flags) {
      for (const auto& f : flags_) {
        if (f.name == flag) {
          for (auto r : f.setters) out.push_back(lets + r);
        }
      }
    }
    return out;
  }

  std::string node_name(std::uint32_t node) const {
    const auto lets = static_cast<std::uint32_t>(m_.lets.size());
    return node < lets ? m_.lets[node].name.text : m_.rules[node - lets].name.text;
  }
  SourceRange node_range(std::uint32_t node) const {
    const auto lets = static_cast<std::uint32_t>(m_.lets.size());
    return node < lets ? m_.lets[node].name.range : m_.rules[node - lets].name.range;
  }

  void order_graph(CheckedPolicy& out) {
    const auto lets = static_cast<std::uint32_t>(m_.lets.size());
    const auto total = lets + static_cast<std::uint32_t>(m_.rules.size());
    enum Color : std::uint8_t { white, grey, black };
    std::vector<Color> color(total, white);
    std::vector<std::uint32_t> path;
    std::set<std::uint32_t> in_reported_cycle;
    // Iterative DFS so that a long chain of lets cannot overflow the stack.
    for (std::uint32_t root = 0; root < total; ++root) {
      if (color[root] != white) continue;
      std::vector<std::pair<std::uint32_t, std::vector<std::uint32_t>>> stack;
      stack.push_back({root, successors(root)});
      color[root] = grey;
      path.push_back(root);
      while (!stack.empty()) {
        auto& [node, next] = stack.back();
        if (next.empty()) {
          color[node] = black;
          out.order.push_back(node < lets ? GraphNode{GraphNode::Kind::let, node} : GraphNode{GraphNode::Kind::rule, node - lets});
          path.pop_back();
          stack.pop_back();
          continue;
        }
        const std::uint32_t succ = next.back();
        next.pop_back();
        if (color[succ] == white) {
          color[succ] = grey;
          path.push_back(succ);
          stack.push_back({succ, successors(succ)});
        } else if (color[succ] == grey) {
          report_cycle(path, succ, in_reported_cycle);
        }
      }
    }
  }

  void report_cycle(const std::vector<std::uint32_t>& path, std::uint32_t back_to, std::set<std::uint32_t>& reported) {
    auto start = std::find(path.begin(), path.end(), back_to);
    std::vector<std::uint32_t> cycle(start, path.end());
    for (auto n : cycle) {
      if (reported.count(n)) return;
    }
    // Start the path at the node declared first, so the message is stable.
    auto first = std::min_element(cycle.begin(), cycle.end(), [&](auto a, auto b) { return node_range(a).begin < node_range(b).begin; });
    std::rotate(cycle.begin(), first, cycle.end());
    std::string text;
    for (auto n : cycle) {
      text += node_name(n) + " -> ";
      reported.insert(n);
    }
    text += node_name(cycle.front());
    std::vector<DiagnosticNote> notes;
    for (std::size_t i = 1; i < cycle.size(); ++i)
      notes.push_back({node_range(cycle[i]), fmt::format("'{}' is part of the cycle", node_name(cycle[i]))});
    d_.error(node_range(cycle.front()), fmt::format("cycle in the rule graph: {}", text), std::move(notes));
  }

  ast::Module& m_;
  Diagnostics d_;
  std::map<std::string, Declared> values_;
  std::map<std::string, std::uint32_t> rules_;
  std::vector<FlagInfo> flags_;
  std::vector<bool> param_used_, let_used_;
  std::vector<Dependencies> let_deps_, rule_deps_;
  enum class LetState : std::uint8_t { unchecked, visiting, done };
  std::vector<LetState> let_state_;
};

}  // namespace

CheckResult check(ast::Module module) {
  CheckResult result;
  CheckedPolicy checked;
  checked.module = std::move(module);
  result.diagnostics = Checker(checked.module).run(checked);
  if (!result.diagnostics.has_errors() && !checked.module.incomplete) {
    const auto& fields = checked.schema().fields;
    for (std::size_t i = 0; i < fields.size(); ++i) {
      if (fields[i].is_key) checked.key_field = static_cast<std::uint32_t>(i);
    }
    result.policy = std::move(checked);
  }
  return result;
}

}  // namespace tenet::core
