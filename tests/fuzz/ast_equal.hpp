// Structural equality of two parsed policies, ignoring source ranges and the checker's
// annotations: what "the same AST" means for the printer's round trip (fuzz_roundtrip and
// tests/unit/printer_test.cpp).
#pragma once

#include "dsl/ast.hpp"

namespace tenet::core::testing {

inline bool same_expr(const ast::Expr* a, const ast::Expr* b) {
  if (!a || !b) return a == b;
  if (a->kind != b->kind || a->op != b->op || !(a->number == b->number) || a->string_value != b->string_value || a->boolean != b->boolean ||
      a->is_set != b->is_set || a->tests_missing != b->tests_missing || a->name != b->name || a->operands.size() != b->operands.size())
    return false;
  for (std::size_t i = 0; i < a->operands.size(); ++i)
    if (!same_expr(a->operands[i].get(), b->operands[i].get())) return false;
  return true;
}

template <typename T, typename Same>
bool same_all(const std::vector<T>& a, const std::vector<T>& b, Same same) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (!same(a[i], b[i])) return false;
  return true;
}

inline bool same_template(const std::optional<ast::Template>& a, const std::optional<ast::Template>& b) {
  if (!a || !b) return a.has_value() == b.has_value();
  return same_all(a->parts, b->parts, [](const ast::TemplatePart& x, const ast::TemplatePart& y) {
    return x.text == y.text && same_expr(x.expr.get(), y.expr.get());
  });
}

inline bool same_module(const ast::Module& a, const ast::Module& b) {
  using namespace ast;
  const auto same_id = [](const Identifier& x, const Identifier& y) { return x.text == y.text; };
  return a.incomplete == b.incomplete &&
         same_all(a.policies, b.policies,
                  [](const PolicyDecl& x, const PolicyDecl& y) {
                    return x.name.text == y.name.text && x.title == y.title && x.version == y.version;
                  }) &&
         same_all(a.schemas, b.schemas,
                  [](const SchemaDecl& x, const SchemaDecl& y) {
                    return x.name.text == y.name.text && same_all(x.fields, y.fields, [](const FieldDecl& f, const FieldDecl& g) {
                             return f.name.text == g.name.text && f.type == g.type && f.is_key == g.is_key &&
                                    f.is_optional == g.is_optional;
                           });
                  }) &&
         same_all(a.params, b.params,
                  [](const ParamDecl& x, const ParamDecl& y) {
                    return x.name.text == y.name.text && x.type == y.type && same_expr(x.value.get(), y.value.get());
                  }) &&
         same_all(
             a.lets, b.lets,
             [](const LetDecl& x, const LetDecl& y) { return x.name.text == y.name.text && same_expr(x.value.get(), y.value.get()); }) &&
         same_all(a.rules, b.rules,
                  [&](const RuleDecl& x, const RuleDecl& y) {
                    const bool same_then = x.then.has_value() == y.then.has_value() &&
                                           (!x.then || (x.then->kind == y.then->kind && x.then->name.text == y.then->name.text &&
                                                        x.then->priority == y.then->priority));
                    return x.name.text == y.name.text && x.title == y.title && x.source == y.source &&
                           same_expr(x.when.get(), y.when.get()) && same_then && same_template(x.because, y.because) &&
                           same_all(x.tags, y.tags, same_id);
                  }) &&
         same_all(a.decisions, b.decisions, [&](const DecisionDecl& x, const DecisionDecl& y) {
           return x.name.text == y.name.text && x.hit == y.hit && x.default_action.has_value() == y.default_action.has_value() &&
                  (!x.default_action || x.default_action->text == y.default_action->text);
         });
}

}  // namespace tenet::core::testing
