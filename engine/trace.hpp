// The rule trace: for every rule its status and its condition as a tree whose every node
// carries the expression text, line, column, value, and why it is unknown. Read from the
// evaluated slots after the fact, so tracing costs nothing when it is off.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace tenet {

class Frame;
class Policy;
struct CheckedPolicy;
struct Decision;
struct Program;
class SourceFile;

// One node of a condition tree, prepared at compile time: the JSON that never changes
// (text, line, column) is written once here, so a traced record only adds the values.
struct TraceStep {
  std::string prefix;          // {"expr":"...","line":L,"column":C,"value":
  std::int64_t slot = -1;      // where the node's value is, or -1
  std::uint32_t operands = 0;  // how many of the following steps are its operands (subtrees)
  // fired(R), flagged(F): the rules whose status it reads; the unknown ones are listed
  // ("unknown_rules") when it is unknown.
  std::vector<std::uint32_t> rules;
};

// Per rule, its condition's nodes in pre-order.
using TracePlan = std::vector<std::vector<TraceStep>>;

TracePlan plan_trace(const CheckedPolicy& policy, const Program& program, const SourceFile& source);

void append_trace_json(std::string& out, const Policy& policy, const Decision& decision, const Frame& frame);

}  // namespace tenet
