// The typed syntax tree of a policy: one node type per construct, each with its source range.
// The parser builds it; the checker annotates expressions with types and resolved references.
#pragma once

#include <cstdint>
#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "dsl/builtins.hpp"
#include "dsl/source.hpp"
#include "dsl/types.hpp"
#include "dsl/base/decimal.hpp"

namespace tenet::core::ast {

// The kinds of expression node.
enum class ExprKind : std::uint8_t {
  number,      // a numeric literal: 12, 3.5, 1e6, 30% (0.3); `-12` folds into a literal
  string,      // a string literal: "vip"
  boolean,     // true or false
  collection,  // a literal set {"a", "b"} or list ["a", "b"] of literals
  name,        // a reference to a record field, a param or a let
  unary,       // -x (negate) or not x
  binary,      // a OP b: arithmetic, comparison, and/or, set operations, in / not in
  between,     // x between low and high (inclusive)
  presence,    // x is missing / x is present
  call,        // f(args): built-in functions, fired(RULE), flagged(FLAG)
};

// Operators of unary and binary nodes.
enum class Op : std::uint8_t {
  add,
  sub,
  mul,
  div,  // numbers; `-` is also set difference
  intersect,
  unite,  // A & B, A | B
  eq,
  ne,
  lt,
  le,
  gt,
  ge,  // comparisons
  logical_and,
  logical_or,  // Kleene and / or
  in,
  not_in,  // membership
  negate,
  logical_not,  // unary
};

const char* op_text(Op op);

// What a name resolves to (filled by the checker).
enum class RefKind : std::uint8_t { none, field, param, let, rule, flag };

// An expression node; operands are owned.
struct Expr {
  ExprKind kind = ExprKind::number;
  SourceRange range;
  Op op = Op::add;
  // What a node holds besides its operands: each field has one meaning, for one kind.
  Decimal number;              // number: the literal's value
  std::string spelling;        // number: the literal as written (30%, 1_000), kept by the printer
  std::string string_value;    // string: the literal's value
  bool boolean = false;        // boolean: the literal's value
  bool is_set = false;         // collection: a set {…}, else a list […]
  bool tests_missing = false;  // presence: `is missing`, else `is present`
  std::string name;            // name: the referenced name; call: the function's name
  SourceRange name_range;      // call: where the function's name stands
  std::vector<std::unique_ptr<Expr>> operands;

  // Filled by the checker.
  Type type;
  Builtin builtin = Builtin::count;  // the function a call names (kind call only)
  RefKind ref = RefKind::none;
  std::uint32_t ref_index = 0;  // index into the schema fields, params, lets, rules or flags
};
using ExprPtr = std::unique_ptr<Expr>;

// A name as written, with its place.
struct Identifier {
  std::string text;
  SourceRange range;
};

// `import "path"` or `import { names } from "path"`: declarations taken from another file.
struct ImportDecl {
  SourceRange range;
  std::string path;  // as written, relative to the importing file
  SourceRange path_range;
  std::vector<Identifier> names;  // empty: everything (schema, params, lets, rules)
};

// `policy NAME "Title" version "x.y.z"`: names the policy in every output.
struct PolicyDecl {
  SourceRange range;
  Identifier name;
  std::string title;
  std::string version;
};

// `name: type [key] [optional]` inside a schema.
struct FieldDecl {
  Identifier name;
  Type type;
  SourceRange type_range;
  bool is_key = false;
  bool is_optional = false;
};

// `schema NAME { fields }`: the record type facts must match.
struct SchemaDecl {
  SourceRange range;
  Identifier name;
  std::vector<FieldDecl> fields;
};

// `param NAME: type = literal`: a constant the user may override at run time.
struct ParamDecl {
  SourceRange range;
  Identifier name;
  Type type;
  SourceRange type_range;
  ExprPtr value;          // none for an implicit param
  bool implicit = false;  // `today`, added by the checker where a policy reads it undeclared: set at run time
};

// `let NAME = expr`: a derived value, computed once per record.
struct LetDecl {
  SourceRange range;
  Identifier name;
  ExprPtr value;
};

// One piece of a `because` template: literal text, or an interpolated `{expr}`.
struct TemplatePart {
  std::string text;
  ExprPtr expr;  // set for `{expr}` parts
};

// `because "text {expr} text"`.
struct Template {
  SourceRange range;
  std::vector<TemplatePart> parts;
};

// `then recommend ACTION [priority N]` or `then flag NAME`.
struct ActionClause {
  enum class Kind : std::uint8_t { recommend, flag };
  Kind kind = Kind::recommend;
  SourceRange range;
  Identifier name;
  std::int64_t priority = 0;
};

// `rule NAME { title, source, when, then, because, tags }`.
struct RuleDecl {
  SourceRange range;
  Identifier name;
  std::optional<std::string> title;
  std::optional<std::string> source;
  SourceRange title_range, source_range;  // of the clauses, for the formatter's comments
  ExprPtr when;
  std::optional<ActionClause> then;
  std::optional<Template> because;
  std::vector<Identifier> tags;
};

// How fired recommendations become one decision.
enum class HitPolicy : std::uint8_t { priority, first, collect };

// The keyword of a hit policy, as written: priority, first, collect.
const char* hit_text(HitPolicy hit);

// `decision NAME { hit P  default ACTION }`.
struct DecisionDecl {
  SourceRange range;
  Identifier name;
  std::optional<HitPolicy> hit;
  std::optional<Identifier> default_action;
};

// A declaration that failed to parse, or an import that failed: what it would have declared and
// the names it mentions, so the checker can check everything else without blaming what only it
// would explain.
struct BrokenDecl {
  std::string keyword;             // policy, schema, param, let, rule, decision, import (or what stood there)
  std::string name;                // the name after the keyword (import: the unknown name; none: the whole file)
  std::vector<std::string> words;  // every identifier in its text
};

// A whole parsed policy file: declarations of each kind in source order.
struct Module {
  std::vector<ImportDecl> imports;  // as parsed; dsl/imports merges what they name, and the merged module has none
  std::vector<PolicyDecl> policies;
  std::vector<SchemaDecl> schemas;
  std::vector<ParamDecl> params;
  std::vector<LetDecl> lets;
  std::vector<RuleDecl> rules;
  std::vector<DecisionDecl> decisions;
  // Some declaration failed to parse: the checker then stays quiet about what may be
  // missing only because of it (absent declarations, names it declares or uses).
  bool incomplete = false;
  std::vector<BrokenDecl> broken;
  // Whether `name` may be declared, or used, by a declaration that failed to parse.
  bool broken_declares(std::string_view name) const {
    for (const auto& b : broken)
      if (b.name == name || b.keyword == "schema" || (b.keyword == "import" && b.name.empty())) return true;
    return false;
  }
  bool broken_mentions(std::string_view name) const {
    for (const auto& b : broken)
      if (std::find(b.words.begin(), b.words.end(), name) != b.words.end()) return true;
    return false;
  }
};

}  // namespace tenet::core::ast
