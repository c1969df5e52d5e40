#include "engine/trace.hpp"

#include "engine/json_text.hpp"
#include "engine/policy.hpp"

namespace tenet::core {

namespace {

void plan_node(std::vector<TraceStep>& steps, const ast::Expr& e, const CheckedPolicy& policy, const Program& program,
               const SourceSet& sources) {
  const SourceFile& source = sources.file_at(e.range.begin);
  const LineColumn at = source.locate(e.range.begin);
  TraceStep step;
  step.text = one_line(source.slice(e.range));
  step.file = relative_to_root(sources, source);
  step.line = at.line;
  step.column = at.column;
  auto it = program.slot_of.find(&e);
  if (it != program.slot_of.end()) step.slot = it->second;
  // The argument of fired()/flagged() is a name in the rule graph, not a value: stop there;
  // a literal set or list shows as its value.
  const bool graph_reference = e.kind == ast::ExprKind::call && is_graph_reference(e.builtin);
  if (graph_reference) {
    const std::uint32_t target = e.operands[0]->ref_index;
    step.rules = e.builtin == Builtin::fired ? std::vector<std::uint32_t>{target} : policy.flags[target].setters;
  }
  const bool leaf = e.operands.empty() || graph_reference || e.kind == ast::ExprKind::collection;
  step.operands = leaf ? 0 : static_cast<std::uint32_t>(e.operands.size());
  steps.push_back(std::move(step));
  if (leaf) return;
  for (const auto& operand : e.operands) plan_node(steps, *operand, policy, program, sources);
}

}  // namespace

TracePlan plan_trace(const CheckedPolicy& policy, const Program& program, const SourceSet& sources) {
  TracePlan plan;
  for (const auto& rule : policy.module.rules) {
    plan.emplace_back();
    plan_node(plan.back(), *rule.when, policy, program, sources);
  }
  return plan;
}

}  // namespace tenet::core
