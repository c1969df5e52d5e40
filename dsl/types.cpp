#include "dsl/types.hpp"

#include "dsl/ast.hpp"

namespace tenet::core {

namespace {
const char* base_name(TypeKind k) {
  switch (k) {
    case TypeKind::error: return "?";
    case TypeKind::any: return "any";
    case TypeKind::number: return "number";
    case TypeKind::string: return "string";
    case TypeKind::boolean: return "bool";
    case TypeKind::date: return "date";
    case TypeKind::list: return "list";
    case TypeKind::set: return "set";
  }
  return "?";
}
}  // namespace

std::string type_name(Type t) {
  if (!t.is_collection()) return base_name(t.kind);
  if (t.element == TypeKind::any) return std::string("empty ") + base_name(t.kind);
  return std::string(base_name(t.kind)) + "<" + base_name(t.element) + ">";
}

std::string type_phrase(Type t) {
  if (t.kind == TypeKind::error) return "a value of unknown type";
  if (t.is_collection() && t.element == TypeKind::any) return "an " + type_name(t);
  return "a " + type_name(t);
}

namespace ast {
const char* op_text(Op op) {
  switch (op) {
    case Op::add: return "+";
    case Op::sub: return "-";
    case Op::mul: return "*";
    case Op::div: return "/";
    case Op::intersect: return "&";
    case Op::unite: return "|";
    case Op::eq: return "==";
    case Op::ne: return "!=";
    case Op::lt: return "<";
    case Op::le: return "<=";
    case Op::gt: return ">";
    case Op::ge: return ">=";
    case Op::logical_and: return "and";
    case Op::logical_or: return "or";
    case Op::in: return "in";
    case Op::not_in: return "not in";
    case Op::negate: return "-";
    case Op::logical_not: return "not";
  }
  return "?";
}

const char* hit_text(HitPolicy hit) {
  switch (hit) {
    case HitPolicy::priority: return "priority";
    case HitPolicy::first: return "first";
    case HitPolicy::collect: return "collect";
  }
  return "?";
}
}  // namespace ast

}  // namespace tenet::core
