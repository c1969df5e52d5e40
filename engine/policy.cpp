// source -> AST -> checked policy -> program: the whole compile pipeline in one call.
#include <algorithm>

#include <fmt/format.h>

#include "dsl/parser.hpp"
#include "engine/sha256.hpp"
#include "engine/tenet.hpp"

namespace tenet {

std::optional<Value> parse_param_value(Type type, std::string_view text, std::string& error) {
  const auto scalar = [&](TypeKind kind, std::string_view item) -> std::optional<Value> {
    if (kind == TypeKind::number) {
      auto d = Decimal::parse(item);
      if (!d) {
        error = fmt::format("'{}' is not a number", item);
        return std::nullopt;
      }
      return Value::of(*d);
    }
    if (kind == TypeKind::boolean) {
      if (item == "true") return Value::of(true);
      if (item == "false") return Value::of(false);
      error = fmt::format("'{}' is not true or false", item);
      return std::nullopt;
    }
    return Value::of(std::string(item));
  };
  if (!type.is_collection()) return scalar(type.kind, text);
  std::vector<Value> items;
  std::size_t start = 0;
  while (!text.empty() && start <= text.size()) {
    const std::size_t comma = text.find(',', start);
    std::string_view item = text.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    auto v = scalar(type.element, item);
    if (!v) return std::nullopt;
    items.push_back(std::move(*v));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  Value list = Value::list(std::move(items));
  if (type.kind == TypeKind::set) make_set(list);
  return list;
}

Policy::CompileResult Policy::compile(SourceFile source, const std::vector<std::pair<std::string, std::string>>& params) {
  CompileResult result;
  auto file = std::make_shared<const SourceFile>(std::move(source));
  result.source_file = file;
  ParseResult parsed = parse(*file);
  result.diagnostics = std::move(parsed.diagnostics);
  CheckResult checked = check(std::move(parsed.module));
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
      result.param_errors.push_back(suggestion ? fmt::format("--param {}: the policy has no param '{}'; did you mean '{}'?", name, name, *suggestion)
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
  if (!result.param_errors.empty()) return result;

  auto policy = std::shared_ptr<Policy>(new Policy());
  policy->source_ = file;
  policy->checked_ = std::move(*checked.policy);
  policy->program_ = compile_program(policy->checked_, values);
  policy->trace_plan_ = plan_trace(policy->checked_, policy->program_, *file);
  const auto& decl = policy->checked_.policy();
  policy->info_ = {decl.name.text, decl.title, decl.version, sha256_hex(file->text())};
  result.policy = std::move(policy);
  return result;
}

}  // namespace tenet
