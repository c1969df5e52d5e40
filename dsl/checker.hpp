// Names, types, cycles, flags and declaration counts -> a checked policy, or diagnostics.
// Returns a result object instead of throwing; every error of the file is collected.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "dsl/ast.hpp"
#include "dsl/diagnostics.hpp"

namespace tenet::core {

// One step of the evaluation order: a let or a rule.
struct GraphNode {
  enum class Kind : std::uint8_t { let, rule };
  Kind kind = Kind::let;
  std::uint32_t index = 0;
};

// A flag and the rules (by index) whose `then flag NAME` sets it.
struct FlagInfo {
  std::string name;
  std::vector<std::uint32_t> setters;
};

// A module whose every expression is typed and every name resolved.
struct CheckedPolicy {
  ast::Module module;
  std::uint32_t key_field = 0;
  std::vector<FlagInfo> flags;   // in order of first appearance
  std::vector<GraphNode> order;  // lets and rules, dependencies first
  const ast::PolicyDecl& policy() const { return module.policies.front(); }
  const ast::SchemaDecl& schema() const { return module.schemas.front(); }
  const ast::DecisionDecl& decision() const { return module.decisions.front(); }
  // The field a name expression stands for: a field, or a let that is just one (`let tier =
  // segment`), followed through lets; none for anything else.
  std::optional<std::uint32_t> field_named_by(const ast::Expr& e) const;
};

struct CheckResult {
  std::optional<CheckedPolicy> policy;  // set when there are no errors
  Diagnostics diagnostics;              // errors and warnings
};

CheckResult check(ast::Module module);

// Edit distance, for did-you-mean suggestions.
std::size_t edit_distance(std::string_view a, std::string_view b);
// The closest candidate to `name`, if close enough to be a likely typo.
std::optional<std::string> closest(std::string_view name, const std::vector<std::string>& candidates);

}  // namespace tenet::core
