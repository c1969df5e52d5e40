// A decided record's rule trace as a tree for people: per rule, its status and its condition's
// nodes (pre-order, with depth), each with its value in words ("120000", "unknown (nps is
// missing)") and where it is written. One walk of the trace plan, rendered by the text writer
// (eval --format text --trace: indented lines) and the report (nested HTML lists).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/policy.hpp"

namespace tenet::core {

struct TraceTreeNode {
  int depth = 0;      // 0: the condition itself
  std::string text;   // the node's source, on one line
  std::string value;  // its value in words, or "" for a node without one
  std::string where;  // "line 12, column 8", after the imported file's path if any
};

struct RuleTrace {
  std::uint32_t rule = 0;
  RuleStatus status = RuleStatus::not_fired;
  std::vector<TraceTreeNode> nodes;
};

// Every rule of the policy, in declaration order.
std::vector<RuleTrace> trace_tree(const Policy& policy, const Decision& decision, const Frame& frame);

// A value for people: 120000, "vip", [a, b], unknown (nps is missing).
void append_value_text(std::string& out, const Value& v);

}  // namespace tenet::core
