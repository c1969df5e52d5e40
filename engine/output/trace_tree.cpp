#include "engine/output/trace_tree.hpp"

#include <fmt/format.h>

namespace tenet::core {

void append_value_text(std::string& out, const Value& v) {
  if (v.is_unknown()) {
    out += "unknown (";
    out += v.why();
    out += ")";
  } else if (v.kind == Value::Kind::list) {
    out += "[";
    for (std::size_t i = 0; i < v.items.size(); ++i) {
      if (i) out += ", ";
      append_readable(out, v.items[i]);
    }
    out += "]";
  } else {
    append_readable(out, v);
  }
}

namespace {

std::size_t walk(const std::vector<TraceStep>& steps, std::size_t i, int depth, const Frame& frame, std::vector<TraceTreeNode>& out) {
  const TraceStep& step = steps[i++];
  TraceTreeNode node;
  node.depth = depth;
  node.text = step.text;
  if (step.slot >= 0) append_value_text(node.value, frame.slot(static_cast<std::uint32_t>(step.slot)));
  node.where = fmt::format("{}{}line {}, column {}", step.file, step.file.empty() ? "" : " ", step.line, step.column);
  out.push_back(std::move(node));
  for (std::uint32_t k = 0; k < step.operands; ++k) i = walk(steps, i, depth + 1, frame, out);
  return i;
}

}  // namespace

std::vector<RuleTrace> trace_tree(const Policy& policy, const Decision& decision, const Frame& frame) {
  const auto& plan = policy.trace_plan();
  std::vector<RuleTrace> out(plan.size());
  for (std::size_t r = 0; r < plan.size(); ++r) {
    out[r].rule = static_cast<std::uint32_t>(r);
    out[r].status = decision.statuses[r];
    if (!plan[r].empty()) walk(plan[r], 0, 0, frame, out[r].nodes);
  }
  return out;
}

}  // namespace tenet::core
