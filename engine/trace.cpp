#include "engine/trace.hpp"

#include <fmt/format.h>

#include "engine/output/json_writer.hpp"
#include "engine/tenet.hpp"

namespace tenet {

namespace {

void plan_node(std::vector<TraceStep>& steps, const ast::Expr& e, const CheckedPolicy& policy, const Program& program,
               const SourceFile& source) {
  const LineColumn at = source.locate(e.range.begin);
  TraceStep step;
  step.prefix = "{\"expr\":";
  append_json_string(step.prefix, one_line(source.slice(e.range)));
  step.prefix += fmt::format(",\"line\":{},\"column\":{},\"value\":", at.line, at.column);
  auto it = program.slot_of.find(&e);
  if (it != program.slot_of.end()) step.slot = it->second;
  // The argument of fired()/flagged() is a name in the rule graph, not a value: stop there;
  // a literal set or list shows as its value.
  const bool graph_reference = e.kind == ast::ExprKind::call && (e.text == "fired" || e.text == "flagged");
  if (graph_reference) {
    const std::uint32_t target = e.operands[0]->ref_index;
    step.rules = e.text == "fired" ? std::vector<std::uint32_t>{target} : policy.flags[target].setters;
  }
  const bool leaf = e.operands.empty() || graph_reference || e.kind == ast::ExprKind::collection;
  step.operands = leaf ? 0 : static_cast<std::uint32_t>(e.operands.size());
  steps.push_back(std::move(step));
  if (leaf) return;
  for (const auto& operand : e.operands) plan_node(steps, *operand, policy, program, source);
}

// Writes the subtree starting at steps[i]; returns the index after it.
std::size_t write_node(std::string& out, const std::vector<TraceStep>& steps, std::size_t i, const Policy& policy,
                       const Decision& d, const Frame& frame) {
  const TraceStep& step = steps[i++];
  out += step.prefix;
  if (step.slot < 0) {
    out += "null";
  } else {
    const Value& value = frame.slot(static_cast<std::uint32_t>(step.slot));
    append_json_value(out, value);
    if (value.is_unknown()) {
      out += ",\"unknown\":";
      append_json_string(out, value.why());
      if (!step.rules.empty()) {
        out += ",\"unknown_rules\":[";
        bool first = true;
        for (auto rule : step.rules) {
          if (d.statuses[rule] != RuleStatus::unknown) continue;
          if (!first) out.push_back(',');
          first = false;
          append_json_string(out, policy.checked().module.rules[rule].name.text);
        }
        out.push_back(']');
      }
    }
  }
  if (step.operands > 0) {
    out += ",\"operands\":[";
    for (std::uint32_t k = 0; k < step.operands; ++k) {
      if (k) out.push_back(',');
      i = write_node(out, steps, i, policy, d, frame);
    }
    out.push_back(']');
  }
  out.push_back('}');
  return i;
}

}  // namespace

TracePlan plan_trace(const CheckedPolicy& policy, const Program& program, const SourceFile& source) {
  TracePlan plan;
  for (const auto& rule : policy.module.rules) {
    plan.emplace_back();
    plan_node(plan.back(), *rule.when, policy, program, source);
  }
  return plan;
}

void append_trace_json(std::string& out, const Policy& policy, const Decision& d, const Frame& frame) {
  const auto& rules = policy.checked().module.rules;
  const TracePlan& plan = policy.trace_plan();
  out += "{\"rules\":[";
  for (std::size_t i = 0; i < rules.size(); ++i) {
    if (i) out.push_back(',');
    out += "{\"rule\":";
    append_json_string(out, rules[i].name.text);
    out += ",\"status\":\"";
    out += status_name(d.statuses[i]);
    out += "\",\"condition\":";
    write_node(out, plan[i], 0, policy, d, frame);
    out.push_back('}');
  }
  out += "]}";
}

}  // namespace tenet
