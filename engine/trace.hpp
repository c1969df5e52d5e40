// The rule trace as data: for every rule, its condition's nodes in pre-order, each with its
// source text (on one line), line, column, and the slot its value is in. Planned once per
// policy; a traced record is read from the evaluated slots after the fact, so tracing costs
// nothing when it is off. engine/output renders it (JSON, text).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace tenet::core {

struct CheckedPolicy;
struct Program;
class SourceSet;

// One node of a condition tree.
struct TraceStep {
  std::string text;  // the node's source, balanced, on one line
  std::string file;  // an imported file, relative to the policy's directory; empty: the policy's own
  std::uint32_t line = 0, column = 0;
  std::int64_t slot = -1;      // where the node's value is, or -1
  std::uint32_t operands = 0;  // how many of the following subtrees are its operands
  // fired(R), flagged(F): the rules whose status it reads; the unknown ones are listed
  // when it is unknown.
  std::vector<std::uint32_t> rules;
};

// Per rule, its condition's nodes in pre-order.
using TracePlan = std::vector<std::vector<TraceStep>>;

TracePlan plan_trace(const CheckedPolicy& policy, const Program& program, const SourceSet& sources);

}  // namespace tenet::core
