// The rule graph of a checked policy as data: fields, params, lets, rules, flags and the
// decision as nodes, references as edges (what `tenet graph` draws; output/graph_writer renders it).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "dsl/checker.hpp"

namespace tenet::core {

struct RuleGraph {
  // What a node stands for; its name is unique within its kind.
  enum class Kind : std::uint8_t { field, param, let, rule, flag, decision };
  struct Node {
    Kind kind;
    std::string name;
    std::string detail;  // a field's or param's type; a rule's title; the decision's hit policy and default
  };
  // `from` is read by, sets or decides `to`; `label` names the action and priority of an edge
  // into the decision, and `fired`/`flagged` on an edge read through those functions.
  struct Edge {
    std::uint32_t from = 0, to = 0;
    std::string label;
  };
  std::vector<Node> nodes;  // fields, params, lets, rules, flags, then the decision, each in declaration order
  std::vector<Edge> edges;  // sorted by (to, from), each once
};

RuleGraph rule_graph(const CheckedPolicy& policy);

const char* kind_name(RuleGraph::Kind kind);

}  // namespace tenet::core
