#include "engine/output/graph_writer.hpp"

#include <fmt/format.h>

namespace tenet::core {

namespace {

// Fields and params are inputs, lets derived values, rules tests, flags their marks, and the
// decision the one output: a shape each, the same in both formats.
const char* dot_shape(RuleGraph::Kind kind) {
  switch (kind) {
    case RuleGraph::Kind::field: return "shape=box, style=filled, fillcolor=\"#e8f0fe\"";
    case RuleGraph::Kind::param: return "shape=parallelogram, style=filled, fillcolor=\"#fef7e0\"";
    case RuleGraph::Kind::let: return "shape=ellipse";
    case RuleGraph::Kind::rule: return "shape=box, style=rounded";
    case RuleGraph::Kind::flag: return "shape=hexagon";
    case RuleGraph::Kind::decision: return "shape=doubleoctagon, style=filled, fillcolor=\"#e6f4ea\"";
  }
  return "";
}

// Inside a DOT double-quoted string.
std::string dot_text(const std::string& text) {
  std::string out;
  for (const char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

// Inside a Mermaid double-quoted label: a quote, and the angle brackets of `set<string>` (read
// as HTML otherwise), are entities.
std::string mermaid_text(const std::string& text) {
  std::string out;
  for (const char c : text) {
    if (c == '"') out += "#quot;";
    else if (c == '<') out += "#lt;";
    else if (c == '>') out += "#gt;";
    else out += c;
  }
  return out;
}

std::string node_id(const RuleGraph::Node& node, char separator) {
  return fmt::format("{}{}{}", kind_name(node.kind), separator, node.name);
}

// A node's label: its name, and below it a field's or param's type or the decision's policy.
// A rule's title goes to the DOT tooltip: it is long.
std::string label(const RuleGraph::Node& node, const char* line_break, std::string (*escape)(const std::string&)) {
  const bool detail = !node.detail.empty() && node.kind != RuleGraph::Kind::rule;
  return detail ? escape(node.name) + line_break + escape(node.detail) : escape(node.name);
}

std::string dot(const RuleGraph& g, const std::string& title) {
  std::string out = fmt::format(
      "digraph \"{}\" {{\n  rankdir=LR;\n  node [fontname=\"Helvetica\", fontsize=10];\n"
      "  edge [fontname=\"Helvetica\", fontsize=9];\n",
      dot_text(title));
  for (const auto& node : g.nodes) {
    out += fmt::format("  \"{}\" [label=\"{}\", {}", node_id(node, ':'), label(node, "\\n", dot_text), dot_shape(node.kind));
    if (node.kind == RuleGraph::Kind::rule && !node.detail.empty()) out += fmt::format(", tooltip=\"{}\"", dot_text(node.detail));
    out += "];\n";
  }
  for (const auto& e : g.edges) {
    out += fmt::format("  \"{}\" -> \"{}\"", node_id(g.nodes[e.from], ':'), node_id(g.nodes[e.to], ':'));
    if (!e.label.empty()) out += fmt::format(" [label=\"{}\"]", dot_text(e.label));
    out += ";\n";
  }
  return out + "}\n";
}

std::string mermaid(const RuleGraph& g, const std::string& title) {
  std::string out = fmt::format("---\ntitle: {}\n---\nflowchart LR\n", mermaid_text(title));
  for (const auto& node : g.nodes) {
    const std::string text = label(node, "<br/>", mermaid_text);
    const std::string id = node_id(node, '_');
    switch (node.kind) {
      case RuleGraph::Kind::field: out += fmt::format("  {}[\"{}\"]\n", id, text); break;
      case RuleGraph::Kind::param: out += fmt::format("  {}[/\"{}\"/]\n", id, text); break;
      case RuleGraph::Kind::let: out += fmt::format("  {}(\"{}\")\n", id, text); break;
      case RuleGraph::Kind::rule: out += fmt::format("  {}([\"{}\"])\n", id, text); break;
      case RuleGraph::Kind::flag: out += fmt::format("  {}{{{{\"{}\"}}}}\n", id, text); break;
      case RuleGraph::Kind::decision: out += fmt::format("  {}[[\"{}\"]]\n", id, text); break;
    }
  }
  for (const auto& e : g.edges) {
    out += fmt::format("  {} -->", node_id(g.nodes[e.from], '_'));
    if (!e.label.empty()) out += fmt::format("|\"{}\"|", mermaid_text(e.label));
    out += fmt::format(" {}\n", node_id(g.nodes[e.to], '_'));
  }
  return out;
}

}  // namespace

std::string render_graph(const RuleGraph& graph, const std::string& title, GraphFormat format) {
  return format == GraphFormat::dot ? dot(graph, title) : mermaid(graph, title);
}

}  // namespace tenet::core
