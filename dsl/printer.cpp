// Canonical printing of the AST; see printer.hpp.
#include "dsl/printer.hpp"

namespace tenet::core {

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
        case Op::add:
        case Op::sub:
        case Op::unite: return kAdditive;
        case Op::mul:
        case Op::div:
        case Op::intersect: return kMultiplicative;
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
      case '{':
      case '}':
        if (escape_braces) out += '\\';
        out += c;
        break;
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
    case ExprKind::number:
      if (!e.spelling.empty()) out += e.spelling;  // as the author wrote it: 30%, not 0.3
      else e.number.append_to(out);
      return;
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
        if (i) out += e.name == "percentile" ? " by " : ", ";  // percentile(FIELD by GROUP)
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

namespace {

// `when` conditions longer than this are printed one top-level `and` / `or` operand a line.
constexpr std::size_t kWrapWidth = 100;

// The operands of a left-nested chain of one and/or: ((a and b) and c) -> a, b, c. A right
// operand of the same operator (a and (b and c)) stays one part: its parentheses are the tree.
void flatten(const Expr& e, Op op, std::vector<const Expr*>& out) {
  if (e.kind == ExprKind::binary && e.op == op) {
    flatten(*e.operands[0], op, out);
    out.push_back(e.operands[1].get());
  } else {
    out.push_back(&e);
  }
}

std::string when_text(const Expr& when) {
  std::string line = "  when " + print_expr(when);
  const bool chain = when.kind == ExprKind::binary && (when.op == Op::logical_and || when.op == Op::logical_or);
  if (line.size() <= kWrapWidth || !chain) return line + '\n';
  std::vector<const Expr*> parts;
  flatten(when, when.op, parts);
  // As append_expr() prints a binary node: the left operand may be of the chain's level, a
  // right one must bind tighter.
  const int level = level_of(when);
  std::string out = "  when ";
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i) out += std::string("\n       ") + (when.op == Op::logical_and ? "and " : "or ");
    append_operand(out, *parts[i], i == 0 ? level : level + 1);
  }
  return out + '\n';
}

}  // namespace

std::vector<PrintedItem> print_items(const ast::Module& m) {
  std::vector<PrintedItem> items;
  const auto item = [&](SourceRange range, std::string text, bool inner = false, bool blank_after = false) {
    items.push_back({range.begin, range.end, std::move(text), inner, blank_after});
  };
  const auto closing = [&](SourceRange block) {  // the `}` of a block: comments before it are inside
    const std::uint32_t at = block.end > 0 ? block.end - 1 : 0;
    item({at, block.end}, "}\n", true, true);
  };
  for (std::size_t i = 0; i < m.imports.size(); ++i) {
    const auto& im = m.imports[i];
    std::string names;
    for (std::size_t k = 0; k < im.names.size(); ++k) names += (k ? ", " : "") + im.names[k].text;
    std::string text = im.names.empty() ? "import " : "import { " + names + " } from ";
    if (text.size() + im.path.size() + 2 > kWrapWidth) {  // one name a line
      text = "import {\n";
      for (std::size_t k = 0; k < im.names.size(); ++k) text += "  " + im.names[k].text + (k + 1 < im.names.size() ? ",\n" : "\n");
      text += "} from ";
    }
    append_quoted(text, im.path);
    item(im.range, text + '\n', false, i + 1 == m.imports.size());
  }
  for (const auto& p : m.policies) {
    std::string text = "policy " + p.name.text + ' ';
    append_quoted(text, p.title);
    text += " version ";
    append_quoted(text, p.version);
    item(p.range, text + '\n', false, true);
  }
  for (const auto& s : m.schemas) {
    item({s.range.begin, s.name.range.end}, "schema " + s.name.text + " {\n");
    for (const auto& f : s.fields) {  // one per line: modifiers end at the line's end
      std::string text = "  " + f.name.text + ": " + type_name(f.type);
      if (f.is_key) text += " key";
      if (f.is_optional) text += " optional";
      item({f.name.range.begin, f.type_range.end}, text + '\n', true);
    }
    closing(s.range);
  }
  for (std::size_t i = 0; i < m.params.size(); ++i) {
    const auto& p = m.params[i];
    if (p.implicit) continue;  // `today` is declared by being read
    const bool last = std::none_of(m.params.begin() + static_cast<std::ptrdiff_t>(i) + 1, m.params.end(),
                                   [](const ast::ParamDecl& q) { return !q.implicit; });
    item(p.range, "param " + p.name.text + ": " + type_name(p.type) + " = " + print_expr(*p.value) + '\n', false, last);
  }
  for (std::size_t i = 0; i < m.lets.size(); ++i) {
    const auto& l = m.lets[i];
    item(l.range, "let " + l.name.text + " = " + print_expr(*l.value) + '\n', false, i + 1 == m.lets.size());
  }
  for (const auto& r : m.rules) {
    item({r.range.begin, r.name.range.end}, "rule " + r.name.text + " {\n");
    if (r.title) {
      std::string text = "  title ";
      append_quoted(text, *r.title);
      item(r.title_range, text + '\n', true);
    }
    if (r.source) {
      std::string text = "  source ";
      append_quoted(text, *r.source);
      item(r.source_range, text + '\n', true);
    }
    if (!r.tags.empty()) {
      std::string text = "  tags ";
      for (std::size_t i = 0; i < r.tags.size(); ++i) text += (i ? ", " : "") + r.tags[i].text;
      item({r.tags.front().range.begin, r.tags.back().range.end}, text + '\n', true);
    }
    if (r.when) item(r.when->range, when_text(*r.when), true);
    if (r.then) {
      std::string text;
      if (r.then->kind == ast::ActionClause::Kind::flag) {
        text = "  then flag " + r.then->name.text;
      } else {
        text = "  then recommend " + r.then->name.text;
        if (r.then->priority != 0) text += " priority " + std::to_string(r.then->priority);
      }
      item(r.then->range, text + '\n', true);
    }
    if (r.because) {
      std::string text = "  because \"";
      for (const auto& part : r.because->parts) {
        if (part.expr) {
          text += '{' + print_expr(*part.expr) + '}';
        } else {
          append_escaped(text, part.text, true);
        }
      }
      item(r.because->range, text + "\"\n", true);
    }
    closing(r.range);
  }
  for (const auto& d : m.decisions) {
    std::string text = "decision " + d.name.text + " {\n";
    if (d.hit) text += std::string("  hit ") + hit_text(*d.hit) + '\n';
    item({d.range.begin, d.name.range.end}, text);
    if (d.default_action) item(d.default_action->range, "  default " + d.default_action->text + '\n', true);
    closing(d.range);
  }
  if (!items.empty()) items.back().blank_after = false;
  return items;
}

std::string print_policy(const ast::Module& m) {
  std::string out;
  for (const auto& item : print_items(m)) {
    out += item.text;
    if (item.blank_after) out += '\n';
  }
  return out;
}

}  // namespace tenet::core
