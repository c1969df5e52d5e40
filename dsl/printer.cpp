// Canonical printing of the AST; see printer.hpp.
#include "dsl/printer.hpp"

namespace tenet {

namespace {

using ast::Expr;
using ast::ExprKind;
using ast::Op;

// Binding strength, loosest first, as in the grammar: or < and < not < comparison / in /
// between / is < additive < multiplicative < unary < primary.
enum Level : int { kOr = 1, kAnd, kNot, kComparison, kAdditive, kMultiplicative, kUnary, kPrimary };

Level level_of(const Expr& e) {
  switch (e.kind) {
    case ExprKind::number: return e.number.is_negative() ? kUnary : kPrimary;  // `-12` is read as negation
    case ExprKind::unary: return e.op == Op::logical_not ? kNot : kUnary;
    case ExprKind::between:
    case ExprKind::presence: return kComparison;
    case ExprKind::binary:
      switch (e.op) {
        case Op::logical_or: return kOr;
        case Op::logical_and: return kAnd;
        case Op::add: case Op::sub: case Op::unite: return kAdditive;
        case Op::mul: case Op::div: case Op::intersect: return kMultiplicative;
        default: return kComparison;
      }
    default: return kPrimary;
  }
}

// `escape_braces`: inside `because` templates, where `{` opens an interpolation.
void append_escaped(std::string& out, const std::string& text, bool escape_braces) {
  for (const char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '{': case '}': if (escape_braces) out += '\\'; out += c; break;
      default: out += c;
    }
  }
}

void append_quoted(std::string& out, const std::string& text) {
  out += '"';
  append_escaped(out, text, false);
  out += '"';
}

void append_expr(std::string& out, const Expr& e);

// An operand that binds at least `min` tightly goes bare; anything looser is parenthesised.
void append_operand(std::string& out, const Expr& e, int min) {
  const bool parens = level_of(e) < min;
  if (parens) out += '(';
  append_expr(out, e);
  if (parens) out += ')';
}

void append_expr(std::string& out, const Expr& e) {
  switch (e.kind) {
    case ExprKind::number: e.number.append_to(out); return;
    case ExprKind::string: append_quoted(out, e.string_value); return;
    case ExprKind::boolean: out += e.boolean ? "true" : "false"; return;
    case ExprKind::name: out += e.name; return;
    case ExprKind::collection:
      out += e.is_set ? '{' : '[';
      for (std::size_t i = 0; i < e.operands.size(); ++i) {
        if (i) out += ", ";
        append_expr(out, *e.operands[i]);
      }
      out += e.is_set ? '}' : ']';
      return;
    case ExprKind::unary:
      if (e.op == Op::logical_not) {
        out += "not ";
        append_operand(out, *e.operands[0], kNot);
      } else {
        out += "- ";  // the space keeps `- 12` a negation rather than the literal -12
        append_operand(out, *e.operands[0], kUnary);
      }
      return;
    case ExprKind::binary: {
      const Level level = level_of(e);
      // Chains associate to the left; comparisons do not chain at all.
      append_operand(out, *e.operands[0], level == kComparison ? kAdditive : level);
      out += ' ';
      out += ast::op_text(e.op);
      out += ' ';
      append_operand(out, *e.operands[1], level == kComparison ? kAdditive : level + 1);
      return;
    }
    case ExprKind::between:
      append_operand(out, *e.operands[0], kAdditive);
      out += " between ";
      append_operand(out, *e.operands[1], kAdditive);
      out += " and ";
      append_operand(out, *e.operands[2], kAdditive);
      return;
    case ExprKind::presence:
      append_operand(out, *e.operands[0], kAdditive);
      out += e.tests_missing ? " is missing" : " is present";
      return;
    case ExprKind::call:
      out += e.name;
      out += '(';
      for (std::size_t i = 0; i < e.operands.size(); ++i) {
        if (i) out += ", ";
        append_expr(out, *e.operands[i]);
      }
      out += ')';
      return;
  }
}

}  // namespace

std::string print_expr(const ast::Expr& expr) {
  std::string out;
  append_expr(out, expr);
  return out;
}

std::string print_policy(const ast::Module& m) {
  std::string out;
  for (const auto& p : m.policies) {
    out += "policy " + p.name.text + ' ';
    append_quoted(out, p.title);
    out += " version ";
    append_quoted(out, p.version);
    out += "\n\n";
  }
  for (const auto& s : m.schemas) {
    out += "schema " + s.name.text + " {\n";
    for (const auto& f : s.fields) {  // one per line: modifiers end at the line's end
      out += "  " + f.name.text + ": " + type_name(f.type);
      if (f.is_key) out += " key";
      if (f.is_optional) out += " optional";
      out += '\n';
    }
    out += "}\n\n";
  }
  for (const auto& p : m.params) out += "param " + p.name.text + ": " + type_name(p.type) + " = " + print_expr(*p.value) + '\n';
  if (!m.params.empty()) out += '\n';
  for (const auto& l : m.lets) out += "let " + l.name.text + " = " + print_expr(*l.value) + '\n';
  if (!m.lets.empty()) out += '\n';
  for (const auto& r : m.rules) {
    out += "rule " + r.name.text + " {\n";
    if (r.title) {
      out += "  title ";
      append_quoted(out, *r.title);
      out += '\n';
    }
    if (r.source) {
      out += "  source ";
      append_quoted(out, *r.source);
      out += '\n';
    }
    if (!r.tags.empty()) {
      out += "  tags ";
      for (std::size_t i = 0; i < r.tags.size(); ++i) out += (i ? ", " : "") + r.tags[i].text;
      out += '\n';
    }
    if (r.when) out += "  when " + print_expr(*r.when) + '\n';
    if (r.then) {
      if (r.then->kind == ast::ActionClause::Kind::flag) {
        out += "  then flag " + r.then->name.text + '\n';
      } else {
        out += "  then recommend " + r.then->name.text;
        if (r.then->priority != 0) out += " priority " + std::to_string(r.then->priority);
        out += '\n';
      }
    }
    if (r.because) {
      out += "  because \"";
      for (const auto& part : r.because->parts) {
        if (part.expr) {
          out += '{' + print_expr(*part.expr) + '}';
        } else {
          append_escaped(out, part.text, true);
        }
      }
      out += "\"\n";
    }
    out += "}\n\n";
  }
  for (const auto& d : m.decisions) {
    out += "decision " + d.name.text + " {\n";
    if (d.hit) out += std::string("  hit ") + hit_text(*d.hit) + '\n';
    if (d.default_action) out += "  default " + d.default_action->text + '\n';
    out += "}\n";
  }
  return out;
}

}  // namespace tenet
