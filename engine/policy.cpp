// source -> AST -> checked policy -> program: the whole compile pipeline in one call.
#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include <fmt/format.h>

#include "dsl/base/civil_date.hpp"
#include "dsl/parser.hpp"
#include "dsl/printer.hpp"
#include "engine/json_text.hpp"
#include "engine/sha256.hpp"
#include "engine/policy.hpp"
#include "engine/read_file.hpp"
#include "dsl/limits.hpp"

namespace tenet::core {

const char* tenet_version() { return TENET_VERSION; }

namespace {

// Whether a parsed literal is of the param's type (a number for a number, strings for a
// set<string>, ...), so that `{"a","b"}` is a set and `50%` a number, as in a policy.
bool literal_fits(const ast::Expr& e, TypeKind kind) {
  switch (e.kind) {
    case ast::ExprKind::number: return kind == TypeKind::number;
    case ast::ExprKind::string: return kind == TypeKind::string;
    case ast::ExprKind::boolean: return kind == TypeKind::boolean;
    default: return false;
  }
}

// VALUE written as in a policy: parsed by the policy grammar itself, as the literal of a param.
std::optional<Value> parse_literal(Type type, std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  const std::string head = "param p: " + type_name(type) + " = ";
  ParseResult parsed = parse(SourceFile("--param", head + std::string(text) + "\n"));
  if (parsed.diagnostics.has_errors() || parsed.module.params.size() != 1 || !parsed.module.params[0].value) return std::nullopt;
  const ast::Expr& e = *parsed.module.params[0].value;
  // The value is the whole text: `1 # 2` or `1\nrule ...` is not the literal 1.
  const std::size_t prefix = head.size();
  const std::size_t others = parsed.module.lets.size() + parsed.module.rules.size() + parsed.module.schemas.size() +
                             parsed.module.policies.size() + parsed.module.decisions.size() + parsed.module.imports.size();
  if (e.range.begin != prefix || e.range.end != prefix + text.size() || others > 0) return std::nullopt;
  if (type.is_collection()) {
    // `[...]` or `{...}`: a set is made of either (sorted, each item once).
    if (e.kind != ast::ExprKind::collection) return std::nullopt;
    std::vector<Value> items;
    for (const auto& item : e.operands) {
      if (!literal_fits(*item, type.element)) return std::nullopt;
      items.push_back(literal_value(*item));
    }
    Value list = Value::list(std::move(items));
    if (type.kind == TypeKind::set) make_set(list);
    return list;
  }
  if (!literal_fits(e, type.kind)) return std::nullopt;
  return literal_value(e);
}

// A value as a policy literal: `0.5`, `"text"`, `{"a", "b"}` (printed by the policy printer).
std::string literal_text(const Value& v, Type type) {
  const auto node = [](const Value& x) {
    auto e = std::make_unique<ast::Expr>();
    switch (x.kind) {
      case Value::Kind::number:
        e->kind = ast::ExprKind::number;
        e->number = x.number;
        break;
      case Value::Kind::string:
        e->kind = ast::ExprKind::string;
        e->string_value = x.text;
        break;
      default:
        e->kind = ast::ExprKind::boolean;
        e->boolean = x.boolean;
        break;
    }
    return e;
  };
  if (type.kind == TypeKind::date) return format_iso_date(*v.number.to_integer());
  if (!type.is_collection()) return print_expr(*node(v));
  ast::Expr list;
  list.kind = ast::ExprKind::collection;
  list.is_set = type.kind == TypeKind::set;
  for (const auto& item : v.items) list.operands.push_back(node(item));
  return print_expr(list);
}

}  // namespace

std::string relative_to_root(const SourceSet& sources, const SourceFile& file) {
  if (&file == &sources.root()) return {};
  // An absolute import, or one that climbs out of a relative root's directory past what the
  // path says, has no relative form: it is named as written.
  const auto dir = std::filesystem::path(sources.root().path()).parent_path();
  const std::string relative = std::filesystem::path(file.path()).lexically_relative(dir.empty() ? "." : dir).generic_string();
  return relative.empty() ? file.path() : relative;
}

std::optional<Value> parse_param_value(Type type, std::string_view text, std::string& error) {
  if (type.kind == TypeKind::date) {  // 2026-11-28, as in JSON and CSV; or date("2026-11-28"), as in a policy
    std::string_view inner = text;
    if (inner.starts_with("date(\"") && inner.ends_with("\")")) inner = inner.substr(6, inner.size() - 8);
    if (const auto days = parse_iso_date(inner)) return Value::date(*days);
    error = fmt::format("'{}' is not a date (YYYY-MM-DD)", text);
    return std::nullopt;
  }
  if (auto literal = parse_literal(type, text)) return literal;
  // The shorthands: a,b,c for a list or set, bare text for a string.
  const auto scalar = [&](TypeKind kind, std::string_view item) -> std::optional<Value> {
    if (kind == TypeKind::number) {
      // A number too large or too small for a decimal says so, as it does in a policy.
      const NumberLiteral number = read_number_literal(item);
      error = !number.problem.empty() ? number.problem : fmt::format("'{}' is not a number", item);
      return std::nullopt;
    }
    if (kind == TypeKind::boolean) {
      error = fmt::format("'{}' is not true or false", item);
      return std::nullopt;
    }
    return Value::of(std::string(item));
  };
  // Text that begins as a literal is one: a broken literal is an error, never read as bare text
  // (`{"a","b"` is not the set {`{"a"`, `"b"`}).
  if (!text.empty() && (text.front() == '"' || text.front() == '{' || text.front() == '[')) {
    const bool as_shorthand = type.is_collection() && text.size() >= 2 && text.find('"') == std::string_view::npos &&
                              ((text.front() == '{' && text.back() == '}') || (text.front() == '[' && text.back() == ']'));
    if (!as_shorthand) {
      const char close = text.front() == '{' ? '}' : text.front() == '[' ? ']' : '"';
      error = text.size() < 2 || text.back() != close
                  ? fmt::format("'{}' opens with '{}' but does not end with '{}'", text, text.front(), close)
                  : fmt::format("'{}' is not a literal of its type", text);
      return std::nullopt;
    }
  }
  if (!type.is_collection()) return scalar(type.kind, text);
  // {a,b} or [a,b]: the literal with its quotes taken by a shell; the items are a, b.
  if (text.size() >= 2 && ((text.front() == '{' && text.back() == '}') || (text.front() == '[' && text.back() == ']'))) {
    text = text.substr(1, text.size() - 2);
  }
  std::vector<Value> items;
  std::size_t start = 0;
  while (!text.empty() && start <= text.size()) {
    const std::size_t comma = text.find(',', start);
    std::string_view item = text.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    // A bare item is a word: quotes or brackets in one mean a literal written in part.
    if (item.empty() || item.find_first_of("\"{}[]") != std::string_view::npos) {
      error = item.empty() ? fmt::format("'{}' has an empty item", text)
                           : fmt::format(
                                 "item '{}' is not bare text; write every item bare (a,b) or the whole literal "
                                 "({{\"a\", \"b\"}})",
                                 item);
      return std::nullopt;
    }
    auto v =
        type.element == TypeKind::string ? std::optional<Value>(Value::of(std::string(item))) : parse_literal(Type::of(type.element), item);
    if (!v) v = scalar(type.element, item);
    if (!v) return std::nullopt;
    items.push_back(std::move(*v));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  Value list = Value::list(std::move(items));
  if (type.kind == TypeKind::set) make_set(list);
  return list;
}

bool Policy::read_policy_file(const std::string& path, std::string& text, std::string& error) {
  // Bounded by the policy size limit: a device or an endless pipe as an import is an error.
  error = read_whole_file(path, text, limits::kMaxPolicyBytes).reason;
  return error.empty();
}

Policy::CompileResult Policy::compile(SourceFile source, const std::vector<std::pair<std::string, std::string>>& params,
                                      const ReadFile& read) {
  CompileResult result;
  auto sources = std::make_shared<SourceSet>();
  sources->add(source.path(), source.text());
  result.sources = sources;
  LoadResult loaded = load(*sources, read);
  result.diagnostics = std::move(loaded.diagnostics);
  CheckResult checked = check(std::move(loaded.module));
  result.diagnostics.append(checked.diagnostics);
  if (result.diagnostics.has_errors() || !checked.policy) return result;

  ParamValues values;
  for (const auto& param : params) {
    const std::string& name = param.first;
    const std::string& text = param.second;
    const auto& declared = checked.policy->module.params;
    auto it = std::find_if(declared.begin(), declared.end(), [&](const ast::ParamDecl& p) { return p.name.text == name; });
    if (it == declared.end()) {
      std::vector<std::string> names;
      for (const auto& p : declared) names.push_back(p.name.text);
      const auto suggestion = closest(name, names);
      result.param_errors.push_back(
          suggestion ? fmt::format("--param {}: the policy has no param '{}'; did you mean '{}'?", name, name, *suggestion)
                     : fmt::format("--param {}: the policy has no param '{}'", name, name));
      continue;
    }
    std::string error;
    auto value = parse_param_value(it->type, text, error);
    if (!value) {
      result.param_errors.push_back(fmt::format("--param {}={}: {}; '{}' is {}", name, text, error, name, type_phrase(it->type)));
      continue;
    }
    values[name] = std::move(*value);
  }
  // The params set, as their policy text, in declaration order: part of every output's provenance.
  std::vector<std::pair<std::string, std::string>> set_params;
  for (const auto& p : checked.policy->module.params) {
    auto it = values.find(p.name.text);
    if (it != values.end()) set_params.emplace_back(p.name.text, literal_text(it->second, p.type));
  }
  // A param without a default (`today`) that no one set: the policy compiles (check and graph
  // need no date), its value is unknown, and CompileResult::unset_params names it so that
  // whoever evaluates refuses to: a run never reads the clock.
  for (const auto& p : checked.policy->module.params) {
    const bool given = std::any_of(params.begin(), params.end(), [&](const auto& q) { return q.first == p.name.text; });
    if (p.implicit && !given) {
      static const std::string kNotSet = "today is not set";
      result.unset_params.push_back(fmt::format(
          "the policy reads '{}', the date of the run: set it as a param, as in --param {}=2026-11-28 (it is recorded with every decision)",
          p.name.text, p.name.text));
      values[p.name.text] = Value::unknown(kNotSet);
    }
  }
  if (!result.param_errors.empty()) return result;

  auto policy = std::shared_ptr<Policy>(new Policy());
  policy->sources_ = sources;
  policy->checked_ = std::move(*checked.policy);
  policy->program_ = compile_program(policy->checked_, values);
  policy->trace_plan_ = plan_trace(policy->checked_, policy->program_, *sources);
  for (const auto& rule : policy->checked_.module.rules) {
    std::string& entry = policy->json_unknown_entries_.emplace_back("{\"rule\":");
    append_json_string(entry, rule.name.text);
    entry += ",\"missing\":[";
  }
  for (const auto& field : policy->checked_.schema().fields) append_json_string(policy->json_field_names_.emplace_back(), field.name.text);
  for (const auto& steps : policy->trace_plan_) {
    auto& heads = policy->json_trace_heads_.emplace_back();
    for (const TraceStep& step : steps) {
      std::string& head = heads.emplace_back("{\"expr\":");
      append_json_string(head, step.text);
      if (!step.file.empty()) {
        head += ",\"file\":";
        append_json_string(head, step.file);
      }
      head += fmt::format(",\"line\":{},\"column\":{},\"value\":", step.line, step.column);
    }
  }
  const auto& decl = policy->checked_.policy();
  std::vector<std::pair<std::string, std::string>> imports;
  for (std::size_t i = 1; i < sources->files().size(); ++i) {
    const SourceFile& file = *sources->files()[i];
    imports.emplace_back(relative_to_root(*sources, file), sha256_hex(file.text()));
  }
  policy->info_ = {decl.name.text, decl.title, decl.version, sha256_hex(sources->root().text()), std::move(imports), std::move(set_params)};
  result.policy = std::move(policy);
  return result;
}

}  // namespace tenet::core
