// `tenet graph`: the rule graph (dsl/rule_graph.hpp) as Graphviz DOT or a Mermaid flowchart.
#pragma once

#include <string>

#include "dsl/rule_graph.hpp"

namespace tenet::core {

enum class GraphFormat { dot, mermaid };

// `title` names the graph (the policy's name).
std::string render_graph(const RuleGraph& graph, const std::string& title, GraphFormat format);

}  // namespace tenet::core
