// Builds the AST with PEGTL actions over an explicit stack (no generic parse tree).
// The grammar is LL(1) wherever an action fires, so nothing pushed is ever undone by
// backtracking; a syntax error throws, and the partial declaration is dropped.
#include "dsl/parser.hpp"

#include <algorithm>
#include <tao/pegtl.hpp>
#include <tao/pegtl/contrib/analyze.hpp>

#include <fmt/format.h>

#include "dsl/grammar.hpp"
#include "dsl/grammar_errors.hpp"
#include "dsl/limits.hpp"

namespace tenet::core {

namespace p = tao::pegtl;
namespace g = grammar;
using ast::Expr;
using ast::ExprKind;
using ast::ExprPtr;
using ast::Op;

namespace {

// An expression on the builder stack, with the depth of its tree.
struct Pending {
  ExprPtr expr;
  int depth = 1;
  // The node's source with its enclosing parentheses: where an operator's node begins and ends,
  // so that `a and (b or c)` is the text of the `and`, balanced.
  std::uint32_t begin = 0, end = 0;
};

struct Builder {
  const char* text = nullptr;
  std::uint32_t base = 0;  // the file's place in the shared offset space (SourceSet)
  ast::Module module;
  Diagnostics diagnostics;

  std::vector<Pending> exprs;
  std::vector<Op> ops;
  std::vector<std::size_t> marks;  // stack heights where call arguments or literal items begin
  std::vector<ast::Identifier> callees;
  int nesting = 0;

  ast::ImportDecl import;
  ast::PolicyDecl policy;
  ast::SchemaDecl schema;
  ast::ParamDecl param;
  ast::LetDecl let;
  ast::RuleDecl rule;
  ast::DecisionDecl decision;
  ast::ActionClause action;
  std::vector<ast::TemplatePart> template_parts;
  std::vector<std::pair<std::string, SourceRange>> clauses;  // clauses seen in the current rule or decision
  Type type;                                                 // the type being read, built by the actions of its keywords

  void reset_stacks() {
    exprs.clear();
    ops.clear();
    marks.clear();
    callees.clear();
    template_parts.clear();
    nesting = 0;
  }

  template <typename Input>
  SourceRange range(const Input& in) const {
    return {base + static_cast<std::uint32_t>(in.begin() - text), base + static_cast<std::uint32_t>(in.end() - text)};
  }
  template <typename Input>
  ast::Identifier identifier(const Input& in) const {
    return {in.string(), range(in)};
  }

  // A quoted string or `because` template (quotes included in `in`) over the limit.
  template <typename Input>
  void check_string_length(const Input& in) {
    const std::size_t length = in.size() - 2;
    if (length > limits::kMaxStringBytes) {
      const SourceRange r = range(in);
      diagnostics.error({r.begin, r.begin + 1}, fmt::format("string of {} bytes; the limit is {} bytes", length, limits::kMaxStringBytes));
    }
  }

  template <typename Input>
  void push(const Input& in, ExprPtr e, int depth) {
    if (depth > limits::kMaxExpressionDepth) {
      throw p::parse_error(fmt::format("expression too deep (more than {} levels); split it with let", limits::kMaxExpressionDepth), in);
    }
    const SourceRange r = e->range;
    exprs.push_back({std::move(e), depth, r.begin, r.end});
  }
  Pending pop() {
    Pending top = std::move(exprs.back());
    exprs.pop_back();
    return top;
  }
  ExprPtr pop_expr() { return pop().expr; }

  template <typename Input>
  void reduce_binary(const Input& in, Op op) {
    Pending right = pop();
    Pending left = pop();
    auto e = std::make_unique<Expr>();
    e->kind = ExprKind::binary;
    e->op = op;
    e->range = {left.begin, right.end};
    const int depth = 1 + std::max(left.depth, right.depth);
    e->operands.push_back(std::move(left.expr));
    e->operands.push_back(std::move(right.expr));
    push(in, std::move(e), depth);
  }

  // Pops everything above the innermost mark.
  std::vector<Pending> pop_to_mark() {
    const std::size_t mark = marks.back();
    marks.pop_back();
    std::vector<Pending> items;
    for (std::size_t i = mark; i < exprs.size(); ++i) items.push_back(std::move(exprs[i]));
    exprs.resize(mark);
    return items;
  }

  // A clause may appear once per rule or decision.
  void note_clause(const std::string& clause, SourceRange at, const std::string& owner) {
    for (const auto& [seen, where] : clauses) {
      if (seen == clause) {
        diagnostics.error(at, fmt::format("duplicate '{}' clause in {}", clause, owner),
                          {{where, fmt::format("first '{}' clause here", clause)}});
        return;
      }
    }
    clauses.emplace_back(clause, at);
  }
};

std::string unescape(std::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] != '\\' || i + 1 == raw.size()) {
      out.push_back(raw[i]);
      continue;
    }
    const char c = raw[++i];
    out.push_back(c == 'n' ? '\n' : c == 't' ? '\t' : c);
  }
  return out;
}

// The text between the quotes of a quoted rule match; a string over the limit is an error.
template <typename Input>
std::string quoted_text(const Input& in, Builder& b) {
  const std::string_view s(in.begin(), in.size());
  b.check_string_length(in);
  return unescape(s.substr(1, s.size() - 2));
}

template <typename Input>
void push_number(const Input& in, Builder& b) {
  auto e = std::make_unique<Expr>();
  e->kind = ExprKind::number;
  e->range = b.range(in);
  e->spelling = in.string();
  const NumberLiteral number = read_number_literal(in.string_view());
  if (number.value) e->number = *number.value;
  else b.diagnostics.error(e->range, number.problem);
  b.push(in, std::move(e), 1);
}

template <typename Rule>
struct action : p::nothing<Rule> {};

template <>
struct action<g::number_lit> {
  template <typename Input>
  static void apply(const Input& in, Builder& b) {
    push_number(in, b);
  }
};
template <>
struct action<g::signed_number_lit> : action<g::number_lit> {};

template <>
struct action<g::string_lit> {
  template <typename Input>
  static void apply(const Input& in, Builder& b) {
    auto e = std::make_unique<Expr>();
    e->kind = ExprKind::string;
    e->range = b.range(in);
    e->string_value = quoted_text(in, b);
    b.push(in, std::move(e), 1);
  }
};

template <bool Value>
struct boolean_action {
  template <typename Input>
  static void apply(const Input& in, Builder& b) {
    auto e = std::make_unique<Expr>();
    e->kind = ExprKind::boolean;
    e->range = b.range(in);
    e->boolean = Value;
    b.push(in, std::move(e), 1);
  }
};
template <>
struct action<g::true_lit> : boolean_action<true> {};
template <>
struct action<g::false_lit> : boolean_action<false> {};

struct mark_action {
  template <typename Input>
  static void apply(const Input&, Builder& b) {
    b.marks.push_back(b.exprs.size());
  }
};
template <>
struct action<g::set_open> : mark_action {};
template <>
struct action<g::list_open> : mark_action {};

template <bool IsSet>
struct collection_action {
  template <typename Input>
  static void apply(const Input& in, Builder& b) {
    auto e = std::make_unique<Expr>();
    e->kind = ExprKind::collection;
    e->range = b.range(in);
    e->is_set = IsSet;
    for (auto& item : b.pop_to_mark()) e->operands.push_back(std::move(item.expr));
    b.push(in, std::move(e), 2);
  }
};
template <>
struct action<g::set_lit> : collection_action<true> {};
template <>
struct action<g::list_lit> : collection_action<false> {};

template <>
struct action<g::function_name> {
  template <typename Input>
  static void apply(const Input& in, Builder& b) {
    b.callees.push_back(b.identifier(in));
    b.marks.push_back(b.exprs.size());
  }
};

template <>
struct action<g::call> {
  template <typename Input>
  static void apply(const Input& in, Builder& b) {
    auto e = std::make_unique<Expr>();
    e->kind = ExprKind::call;
    e->range = b.range(in);
    e->name = b.callees.back().text;
    e->name_range = b.callees.back().range;
    b.callees.pop_back();
    int depth = 1;
    for (auto& arg : b.pop_to_mark()) {
      depth = std::max(depth, arg.depth + 1);
      e->operands.push_back(std::move(arg.expr));
    }
    b.push(in, std::move(e), depth);
  }
};

template <>
struct action<g::name_ref> {
  template <typename Input>
  static void apply(const Input& in, Builder& b) {
    auto e = std::make_unique<Expr>();
    e->kind = ExprKind::name;
    e->range = b.range(in);
    e->name = in.string();
    b.push(in, std::move(e), 1);
  }
};
template <>
struct action<g::percentile_field> : action<g::name_ref> {};
template <>
struct action<g::percentile_group> : action<g::name_ref> {};

// percentile(FIELD [by GROUP]): a call whose arguments are names.
template <>
struct action<g::percentile_name> : action<g::function_name> {};
template <>
struct action<g::percentile_call> : action<g::call> {};

// A parenthesized expression: its node keeps its own range, and the parentheses go to the
// range of the operator node that takes it as an operand (see Pending).
template <>
struct action<g::paren> {
  template <typename Input>
  static void apply(const Input& in, Builder& b) {
    const SourceRange r = b.range(in);
    b.exprs.back().begin = r.begin;
    b.exprs.back().end = r.end;
  }
};

template <>
struct action<g::negate> {
  template <typename Input>
  static void apply(const Input& in, Builder& b) {
    Pending operand = b.pop();
    const SourceRange range = b.range(in);
    // `-20` is a literal, not an operation: fold it so traces and messages read naturally.
    if (operand.expr->kind == ExprKind::number && operand.expr->range.begin == range.begin + 1) {
      operand.expr->number = operand.expr->number.negate();
      operand.expr->range = range;
      // As written, with its sign; a second sign (`--2`) leaves the printer the value to print.
      auto& spelling = operand.expr->spelling;
      spelling = spelling.empty() || spelling[0] == '-' ? std::string() : "-" + spelling;
      b.push(in, std::move(operand.expr), 1);
      return;
    }
    auto e = std::make_unique<Expr>();
    e->kind = ExprKind::unary;
    e->op = Op::negate;
    e->range = range;
    e->operands.push_back(std::move(operand.expr));
    b.push(in, std::move(e), operand.depth + 1);
  }
};

template <>
struct action<g::not_prefix> {
  template <typename Input>
  static void apply(const Input& in, Builder& b) {
    Pending operand = b.pop();
    auto e = std::make_unique<Expr>();
    e->kind = ExprKind::unary;
    e->op = Op::logical_not;
    e->range = b.range(in);
    e->operands.push_back(std::move(operand.expr));
    b.push(in, std::move(e), operand.depth + 1);
  }
};

template <Op O>
struct op_action {
  template <typename Input>
  static void apply(const Input&, Builder& b) {
    b.ops.push_back(O);
  }
};
template <>
struct action<g::op_mul> : op_action<Op::mul> {};
template <>
struct action<g::op_div> : op_action<Op::div> {};
template <>
struct action<g::op_intersect> : op_action<Op::intersect> {};
template <>
struct action<g::op_add> : op_action<Op::add> {};
template <>
struct action<g::op_sub> : op_action<Op::sub> {};
template <>
struct action<g::op_unite> : op_action<Op::unite> {};
template <>
struct action<g::op_le> : op_action<Op::le> {};
template <>
struct action<g::op_ge> : op_action<Op::ge> {};
template <>
struct action<g::op_eq> : op_action<Op::eq> {};
template <>
struct action<g::op_ne> : op_action<Op::ne> {};
template <>
struct action<g::op_lt> : op_action<Op::lt> {};
template <>
struct action<g::op_gt> : op_action<Op::gt> {};

struct reduce_pending_op {
  template <typename Input>
  static void apply(const Input& in, Builder& b) {
    const Op op = b.ops.back();
    b.ops.pop_back();
    b.reduce_binary(in, op);
  }
};
template <>
struct action<g::mul_tail> : reduce_pending_op {};
template <>
struct action<g::add_tail> : reduce_pending_op {};
template <>
struct action<g::compare_tail> : reduce_pending_op {};

template <Op O>
struct reduce_op {
  template <typename Input>
  static void apply(const Input& in, Builder& b) {
    b.reduce_binary(in, O);
  }
};
template <>
struct action<g::in_tail> : reduce_op<Op::in> {};
template <>
struct action<g::not_in_tail> : reduce_op<Op::not_in> {};
template <>
struct action<g::and_tail> : reduce_op<Op::logical_and> {};
template <>
struct action<g::or_tail> : reduce_op<Op::logical_or> {};

template <>
struct action<g::between_tail> {
  template <typename Input>
  static void apply(const Input& in, Builder& b) {
    Pending high = b.pop();
    Pending low = b.pop();
    Pending value = b.pop();
    auto e = std::make_unique<Expr>();
    e->kind = ExprKind::between;
    e->range = {value.begin, high.end};
    const int depth = 1 + std::max({value.depth, low.depth, high.depth});
    e->operands.push_back(std::move(value.expr));
    e->operands.push_back(std::move(low.expr));
    e->operands.push_back(std::move(high.expr));
    b.push(in, std::move(e), depth);
  }
};

template <bool Missing>
struct presence_action {
  template <typename Input>
  static void apply(const Input& in, Builder& b) {
    Pending value = b.pop();
    auto e = std::make_unique<Expr>();
    e->kind = ExprKind::presence;
    e->range = {value.begin, b.range(in).end};
    e->tests_missing = Missing;
    e->operands.push_back(std::move(value.expr));
    b.push(in, std::move(e), value.depth + 1);
  }
};
// The node's range runs from its operand to the keyword; the reduction happens at the keyword.
template <>
struct action<g::tests_missing> : presence_action<true> {};
template <>
struct action<g::tests_present> : presence_action<false> {};

// ---- declarations ----

template <>
struct action<g::kw_import> {
  template <typename Input>
  static void apply(const Input&, Builder& b) {
    b.import = {};
  }
};
template <>
struct action<g::import_name> {
  template <typename Input>
  static void apply(const Input& in, Builder& b) {
    b.import.names.push_back(b.identifier(in));
  }
};
template <>
struct action<g::import_path> {
  template <typename Input>
  static void apply(const Input& in, Builder& b) {
    b.import.path = quoted_text(in, b);
    b.import.path_range = b.range(in);
  }
};
template <>
struct action<g::import_decl> {
  template <typename Input>
  static void apply(const Input& in, Builder& b) {
    b.import.range = b.range(in);
    b.module.imports.push_back(std::move(b.import));
  }
};

template <>
struct action<g::policy_name> {
  template <typename Input>
  static void apply(const Input& in, Builder& b) {
    b.policy = {};
    b.policy.name = b.identifier(in);
  }
};
template <>
struct action<g::policy_title> {
  template <typename Input>
  static void apply(const Input& in, Builder& b) {
    b.policy.title = quoted_text(in, b);
  }
};
template <>
struct action<g::version_string> {
  template <typename Input>
  static void apply(const Input& in, Builder& b) {
    b.policy.version = quoted_text(in, b);
  }
};
template <>
struct action<g::policy_decl> {
  template <typename Input>
  static void apply(const Input& in, Builder& b) {
    b.policy.range = b.range(in);
    b.module.policies.push_back(std::move(b.policy));
  }
};

template <>
struct action<g::schema_name> {
  template <typename Input>
  static void apply(const Input& in, Builder& b) {
    b.schema = {};
    b.schema.name = b.identifier(in);
  }
};
template <>
struct action<g::field_name> {
  template <typename Input>
  static void apply(const Input& in, Builder& b) {
    b.schema.fields.push_back({b.identifier(in), {}, {}, false, false});
  }
};
template <TypeKind Kind>
struct type_action {
  template <typename Input>
  static void apply(const Input&, Builder& b) {
    b.type = Type::of(Kind);
  }
};
template <>
struct action<g::type_number> : type_action<TypeKind::number> {};
template <>
struct action<g::type_string> : type_action<TypeKind::string> {};
template <>
struct action<g::type_bool> : type_action<TypeKind::boolean> {};
template <>
struct action<g::type_date> : type_action<TypeKind::date> {};
template <>
struct action<g::type_list> : type_action<TypeKind::list> {};
template <>
struct action<g::type_set> : type_action<TypeKind::set> {};
template <TypeKind Element>
struct element_action {
  template <typename Input>
  static void apply(const Input&, Builder& b) {
    b.type = Type::of(b.type.kind, Element);
  }
};
template <>
struct action<g::element_number> : element_action<TypeKind::number> {};
template <>
struct action<g::element_string> : element_action<TypeKind::string> {};

template <>
struct action<g::field_type> {
  template <typename Input>
  static void apply(const Input& in, Builder& b) {
    b.schema.fields.back().type = b.type;
    b.schema.fields.back().type_range = b.range(in);
  }
};
template <>
struct action<g::key_modifier> {
  template <typename Input>
  static void apply(const Input&, Builder& b) {
    b.schema.fields.back().is_key = true;
  }
};
template <>
struct action<g::optional_modifier> {
  template <typename Input>
  static void apply(const Input&, Builder& b) {
    b.schema.fields.back().is_optional = true;
  }
};
template <>
struct action<g::schema_decl> {
  template <typename Input>
  static void apply(const Input& in, Builder& b) {
    b.schema.range = b.range(in);
    b.module.schemas.push_back(std::move(b.schema));
  }
};

template <>
struct action<g::param_name> {
  template <typename Input>
  static void apply(const Input& in, Builder& b) {
    b.param = {};
    b.param.name = b.identifier(in);
  }
};
template <>
struct action<g::param_type> {
  template <typename Input>
  static void apply(const Input& in, Builder& b) {
    b.param.type = b.type;
    b.param.type_range = b.range(in);
  }
};
template <>
struct action<g::param_value> {
  template <typename Input>
  static void apply(const Input&, Builder& b) {
    b.param.value = b.pop_expr();
  }
};
template <>
struct action<g::param_decl> {
  template <typename Input>
  static void apply(const Input& in, Builder& b) {
    b.param.range = b.range(in);
    b.module.params.push_back(std::move(b.param));
  }
};

template <>
struct action<g::let_name> {
  template <typename Input>
  static void apply(const Input& in, Builder& b) {
    b.let = {};
    b.let.name = b.identifier(in);
  }
};
template <>
struct action<g::let_value> {
  template <typename Input>
  static void apply(const Input&, Builder& b) {
    b.let.value = b.pop_expr();
  }
};
template <>
struct action<g::let_decl> {
  template <typename Input>
  static void apply(const Input& in, Builder& b) {
    b.let.range = b.range(in);
    b.module.lets.push_back(std::move(b.let));
  }
};

template <>
struct action<g::rule_name> {
  template <typename Input>
  static void apply(const Input& in, Builder& b) {
    b.rule = {};
    b.rule.name = b.identifier(in);
    b.clauses.clear();
  }
};
template <>
struct action<g::title_clause> {
  template <typename Input>
  static void apply(const Input& in, Builder& b) {
    if (b.rule.title_range.end == 0) b.rule.title_range = b.range(in);  // the first: a repeat is an error
    b.note_clause("title", b.range(in), fmt::format("rule '{}'", b.rule.name.text));
  }
};
template <>
struct action<g::rule_title> {
  template <typename Input>
  static void apply(const Input& in, Builder& b) {
    if (!b.rule.title) b.rule.title = quoted_text(in, b);
  }
};
template <>
struct action<g::source_clause> {
  template <typename Input>
  static void apply(const Input& in, Builder& b) {
    if (b.rule.source_range.end == 0) b.rule.source_range = b.range(in);
    b.note_clause("source", b.range(in), fmt::format("rule '{}'", b.rule.name.text));
  }
};
template <>
struct action<g::rule_source> {
  template <typename Input>
  static void apply(const Input& in, Builder& b) {
    if (!b.rule.source) b.rule.source = quoted_text(in, b);
  }
};
template <>
struct action<g::when_clause> {
  template <typename Input>
  static void apply(const Input& in, Builder& b) {
    b.note_clause("when", b.range(in), fmt::format("rule '{}'", b.rule.name.text));
    ExprPtr condition = b.pop_expr();
    if (!b.rule.when) b.rule.when = std::move(condition);
  }
};
template <>
struct action<g::action_name> {
  template <typename Input>
  static void apply(const Input& in, Builder& b) {
    b.action = {ast::ActionClause::Kind::recommend, {}, b.identifier(in), 0};
  }
};
template <>
struct action<g::priority_value> {
  template <typename Input>
  static void apply(const Input& in, Builder& b) {
    const std::string text = in.string();
    const bool too_long = text.size() > (text[0] == '-' ? 10u : 9u);
    if (too_long) {
      b.diagnostics.error(b.range(in), "priority must be between -999999999 and 999999999");
    } else {
      b.action.priority = std::stoll(text);
    }
  }
};
template <>
struct action<g::flag_name> {
  template <typename Input>
  static void apply(const Input& in, Builder& b) {
    b.action = {ast::ActionClause::Kind::flag, {}, b.identifier(in), 0};
  }
};
template <>
struct action<g::then_clause> {
  template <typename Input>
  static void apply(const Input& in, Builder& b) {
    b.note_clause("then", b.range(in), fmt::format("rule '{}'", b.rule.name.text));
    b.action.range = b.range(in);
    if (!b.rule.then) b.rule.then = b.action;
  }
};
template <>
struct action<g::template_text> {
  template <typename Input>
  static void apply(const Input& in, Builder& b) {
    if (b.template_parts.empty() || b.template_parts.back().expr) b.template_parts.emplace_back();
    b.template_parts.back().text += unescape(in.string_view());
  }
};
template <>
struct action<g::template_hole> {
  template <typename Input>
  static void apply(const Input&, Builder& b) {
    b.template_parts.emplace_back();
    b.template_parts.back().expr = b.pop_expr();
  }
};
template <>
struct action<g::because_template> {
  template <typename Input>
  static void apply(const Input& in, Builder& b) {
    b.check_string_length(in);
  }
};
template <>
struct action<g::because_clause> {
  template <typename Input>
  static void apply(const Input& in, Builder& b) {
    b.note_clause("because", b.range(in), fmt::format("rule '{}'", b.rule.name.text));
    if (!b.rule.because) b.rule.because = ast::Template{b.range(in), std::move(b.template_parts)};
    b.template_parts.clear();
  }
};
template <>
struct action<g::tag_name> {
  template <typename Input>
  static void apply(const Input& in, Builder& b) {
    b.rule.tags.push_back(b.identifier(in));
  }
};
template <>
struct action<g::rule_decl> {
  template <typename Input>
  static void apply(const Input& in, Builder& b) {
    b.rule.range = b.range(in);
    b.module.rules.push_back(std::move(b.rule));
  }
};

template <>
struct action<g::decision_name> {
  template <typename Input>
  static void apply(const Input& in, Builder& b) {
    b.decision = {};
    b.decision.name = b.identifier(in);
    b.clauses.clear();
  }
};
template <>
struct action<g::hit_clause> {
  template <typename Input>
  static void apply(const Input& in, Builder& b) {
    b.note_clause("hit", b.range(in), fmt::format("decision '{}'", b.decision.name.text));
  }
};
template <ast::HitPolicy Hit>
struct hit_action {
  template <typename Input>
  static void apply(const Input&, Builder& b) {
    if (!b.decision.hit) b.decision.hit = Hit;  // a repeated clause is an error (hit_clause)
  }
};
template <>
struct action<g::hit_priority> : hit_action<ast::HitPolicy::priority> {};
template <>
struct action<g::hit_first> : hit_action<ast::HitPolicy::first> {};
template <>
struct action<g::hit_collect> : hit_action<ast::HitPolicy::collect> {};
template <>
struct action<g::default_clause> {
  template <typename Input>
  static void apply(const Input& in, Builder& b) {
    b.note_clause("default", b.range(in), fmt::format("decision '{}'", b.decision.name.text));
  }
};
template <>
struct action<g::default_action> {
  template <typename Input>
  static void apply(const Input& in, Builder& b) {
    if (!b.decision.default_action) b.decision.default_action = b.identifier(in);
  }
};
template <>
struct action<g::decision_decl> {
  template <typename Input>
  static void apply(const Input& in, Builder& b) {
    b.decision.range = b.range(in);
    b.module.decisions.push_back(std::move(b.decision));
  }
};

// Rules that nest; their depth is bounded so that `((((...` cannot exhaust the stack.
template <typename Rule>
inline constexpr bool is_nesting =
    std::is_same_v<Rule, g::paren_body> || std::is_same_v<Rule, g::negate_body> || std::is_same_v<Rule, g::not_body> ||
    std::is_same_v<Rule, g::call_body> || std::is_same_v<Rule, g::set_body> || std::is_same_v<Rule, g::list_body> ||
    std::is_same_v<Rule, g::hole_body>;

template <typename Rule>
struct depth_control : p::normal<Rule> {
  template <typename Input>
  static void start(const Input& in, Builder& b) {
    if constexpr (is_nesting<Rule>) {
      if (++b.nesting > limits::kMaxNesting) {
        throw p::parse_error(fmt::format("nesting too deep (more than {} levels of brackets, 'not' or '-')", limits::kMaxNesting), in);
      }
    }
  }
  template <typename Input>
  static void success(const Input&, Builder& b) {
    if constexpr (is_nesting<Rule>) --b.nesting;
  }
  template <typename Input>
  static void failure(const Input&, Builder& b) {
    if constexpr (is_nesting<Rule>) --b.nesting;
  }
};

template <typename Rule>
using control = p::must_if<g::errors, depth_control>::control<Rule>;

bool is_identifier_char(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'; }

// After a syntax error, resume at the first line after `declaration_start` that starts a
// declaration (possibly the line of the error itself, when it ran into the next declaration).
std::size_t next_declaration(std::string_view text, std::size_t declaration_start, std::size_t error_at) {
  static constexpr std::string_view starts[] = {"import", "policy", "schema", "param", "let", "rule", "decision"};
  const std::size_t line_of_error = text.rfind('\n', error_at == 0 ? 0 : error_at - 1);
  std::size_t line =
      line_of_error == std::string_view::npos || line_of_error < declaration_start ? text.find('\n', declaration_start) : line_of_error;
  while (line != std::string_view::npos) {
    std::size_t i = line + 1;
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
    for (auto word : starts) {
      if (text.substr(i, word.size()) == word && (i + word.size() >= text.size() || !is_identifier_char(text[i + word.size()]))) {
        return i;
      }
    }
    line = text.find('\n', i);
  }
  return text.size();
}

// When a syntax error stands on the first token of a line and that token is a keyword or a
// closing bracket, what is missing belongs at the end of the previous line (`when x >`
// followed by `then ...`): report it right after the last token there.
std::size_t error_offset(std::string_view text, std::size_t at) {
  std::size_t line_start = at;
  while (line_start > 0 && (text[line_start - 1] == ' ' || text[line_start - 1] == '\t')) --line_start;
  if (line_start == 0 || text[line_start - 1] != '\n') return at;
  static constexpr std::string_view keywords[] = {"when", "then",     "because", "import", "policy", "schema", "param", "let",
                                                  "rule", "decision", "and",     "or",     "title",  "source", "tags"};
  std::size_t end = at;
  while (end < text.size() && is_identifier_char(text[end])) ++end;
  const std::string_view word = text.substr(at, end - at);
  const bool closes = at >= text.size() || text[at] == '}' || text[at] == ')' || text[at] == ']';
  if (!closes && std::find(std::begin(keywords), std::end(keywords), word) == std::end(keywords)) return at;
  std::size_t previous = line_start;
  while (previous > 0 &&
         (text[previous - 1] == ' ' || text[previous - 1] == '\t' || text[previous - 1] == '\n' || text[previous - 1] == '\r')) {
    --previous;
  }
  return previous == 0 ? at : previous;
}

// The first offset that is not valid UTF-8 (or is a NUL byte), or npos.
std::size_t first_invalid_byte(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t length = s[i] == '\0' ? 0 : utf8_sequence_length(s, i);
    if (length == 0) return i;
    i += length;
  }
  return std::string_view::npos;
}

}  // namespace

// A hint for the usual slips at a syntax error: what stands at `at` in the text.
static std::string slip_hint(std::string_view text, std::size_t at) {
  const std::string_view rest = text.substr(std::min(at, text.size()));
  const auto starts = [&](std::string_view s) { return rest.substr(0, s.size()) == s; };
  if (starts("=>")) return "; '=>' is not an operator: did you mean '>='?";
  if (starts("=<")) return "; '=<' is not an operator: did you mean '<='?";
  if (starts("==") || starts("!=")) return {};
  if (starts("=")) return "; '=' does not compare: write '==' to test equality";
  const char before = at > 0 && at <= text.size() ? text[at - 1] : ' ';
  if (starts("&&") || (starts("&") && before == '&')) return "; write 'and' instead of '&&'";
  if (starts("||") || (starts("|") && before == '|')) return "; write 'or' instead of '||'";
  if (starts("!")) return "; write 'not' instead of '!'";
  if (starts("'")) return "; strings are written in double quotes: \"...\"";
  // A reserved word where a declaration wants its name: `let when = ...`, `rule rule {`.
  std::size_t end = std::min(at, text.size());
  while (end > 0 && (text[end - 1] == ' ' || text[end - 1] == '\t' || text[end - 1] == '\n' || text[end - 1] == '\r')) --end;
  std::size_t start = end;
  while (start > 0 && is_identifier_char(text[start - 1])) --start;
  const std::string_view previous = text.substr(start, end - start);
  static constexpr std::string_view kNaming[] = {"policy", "schema", "param", "let", "rule", "decision", "flag", "recommend", "default"};
  const bool wants_name = std::find(std::begin(kNaming), std::end(kNaming), previous) != std::end(kNaming);
  p::memory_input<p::tracking_mode::lazy> in(rest.data(), rest.data() + rest.size(), "");
  if (wants_name && p::parse<p::seq<g::reserved, p::not_at<p::identifier_other>>>(in)) {
    return fmt::format("; '{}' is a reserved word and cannot be a name",
                       rest.substr(0, static_cast<std::size_t>(in.current() - rest.data())));
  }
  return {};
}

// What a declaration that failed to parse would have declared, and the names it mentions
// (identifiers outside strings and comments).
static ast::BrokenDecl broken_declaration(std::string_view text) {
  ast::BrokenDecl out;
  for (std::size_t i = 0; i < text.size();) {
    const char c = text[i];
    if (c == '#') {
      while (i < text.size() && text[i] != '\n') ++i;
    } else if (c == '"') {
      for (++i; i < text.size() && text[i] != '"'; ++i)
        if (text[i] == '\\') ++i;
      ++i;
    } else if (is_identifier_char(c) && !(c >= '0' && c <= '9')) {
      const std::size_t start = i;
      while (i < text.size() && is_identifier_char(text[i])) ++i;
      std::string word(text.substr(start, i - start));
      if (out.keyword.empty()) out.keyword = word;
      else if (out.name.empty() && out.words.size() == 1) out.name = word;
      out.words.push_back(std::move(word));
    } else {
      ++i;
    }
  }
  return out;
}

NumberLiteral read_number_literal(std::string_view text) {
  std::string digits;
  bool percent = false;
  for (const char c : text) {
    if (c == '%') percent = true;
    else if (c != '_') digits.push_back(c);
  }
  Decimal::ParseError why = Decimal::ParseError::none;
  NumberLiteral out{Decimal::parse_exact(digits, &why), {}};
  if (out.value && percent) {
    const auto scaled = out.value->div(Decimal::from_int(100));
    out.value = scaled.status == Decimal::Status::ok ? std::optional<Decimal>(scaled.value) : std::nullopt;
    if (!out.value) why = Decimal::ParseError::out_of_range;
  }
  if (why == Decimal::ParseError::inexact)
    out.problem = fmt::format("number {} has more significant digits than the {} a number holds exactly", text, Decimal::kMaxDigits);
  else if (why == Decimal::ParseError::out_of_range)
    out.problem =
        fmt::format("number {} is out of range (exponents run from {} to {})", text, Decimal::kMinExponent, Decimal::kMaxExponent);
  return out;
}

ParseResult parse(const SourceFile& source) {
  Builder b;
  const std::string& text = source.text();
  b.text = text.data();
  b.base = source.base();
  const std::uint32_t base = source.base();
  if (text.size() > limits::kMaxPolicyBytes) {
    b.diagnostics.error({base, base}, fmt::format("policy is {} bytes; the limit is {} bytes", text.size(), limits::kMaxPolicyBytes));
    b.module.incomplete = true;
    return {std::move(b.module), std::move(b.diagnostics)};
  }
  if (const std::size_t bad = first_invalid_byte(text); bad != std::string_view::npos) {
    const auto at = base + static_cast<std::uint32_t>(bad);
    b.diagnostics.error({at, at + 1}, text[bad] == '\0' ? std::string("NUL byte in the policy text")
                                                        : fmt::format("invalid UTF-8 byte 0x{:02X} in the policy text",
                                                                      static_cast<unsigned char>(text[bad])));
    b.module.incomplete = true;
    return {std::move(b.module), std::move(b.diagnostics)};
  }
  std::size_t offset = text.compare(0, 3, "\xEF\xBB\xBF") == 0 ? 3 : 0;
  while (true) {
    p::memory_input<p::tracking_mode::lazy> in(text.data() + offset, text.data() + text.size(), source.path());
    std::size_t declaration_start = offset;
    try {
      p::parse<g::ws>(in, b);
      if (in.empty()) break;
      const std::size_t start = static_cast<std::size_t>(in.current() - text.data());
      declaration_start = start;
      if (p::parse<g::declaration, action, control>(in, b)) {
        offset = static_cast<std::size_t>(in.current() - text.data());
        continue;
      }
      std::size_t end = start;
      while (end < text.size() && is_identifier_char(text[end])) ++end;
      const std::string_view word(text.data() + start, end - start);
      const auto range = SourceRange{base + static_cast<std::uint32_t>(start), base + static_cast<std::uint32_t>(std::max(end, start + 1))};
      b.module.incomplete = true;
      b.diagnostics.error(
          range, word.empty()
                     ? std::string("expected a declaration (import, policy, schema, param, let, rule or decision)")
                     : fmt::format("unexpected '{}'; expected a declaration (import, policy, schema, param, let, rule or decision)", word));
      offset = next_declaration(text, start, start);
      b.module.broken.push_back(broken_declaration(std::string_view(text).substr(start, offset - start)));
    } catch (const p::parse_error& e) {
      const std::size_t at = offset + e.positions().front().byte;
      const auto begin = static_cast<std::uint32_t>(error_offset(text, at));
      b.diagnostics.error({base + begin, base + begin + 1}, std::string(e.message()) + slip_hint(text, begin));
      b.module.incomplete = true;
      offset = next_declaration(text, declaration_start, at);
      b.module.broken.push_back(broken_declaration(std::string_view(text).substr(declaration_start, offset - declaration_start)));
    }
    b.reset_stacks();
  }
  return {std::move(b.module), std::move(b.diagnostics)};
}

std::size_t analyze_grammar() { return p::analyze<g::policy_file>(-1); }

}  // namespace tenet::core
