#include "engine/trace.hpp"

#include <fmt/format.h>

#include "engine/output/json_writer.hpp"

namespace tenet {

namespace {

void append_node(std::string& out, const ast::Expr& e, const Policy& policy, const Frame& frame) {
  const SourceFile& source = policy.source();
  const LineColumn at = source.locate(e.range.begin);
  out += "{\"expr\":";
  append_json_string(out, source.slice(e.range));
  out += fmt::format(",\"line\":{},\"column\":{},\"value\":", at.line, at.column);
  const auto& slots = policy.program().slot_of;
  auto it = slots.find(&e);
  const Value* value = it == slots.end() ? nullptr : &frame.slot(it->second);
  if (value) {
    append_json_value(out, *value);
    if (value->is_unknown()) {
      out += ",\"unknown\":";
      append_json_string(out, value->why());
    }
  } else {
    out += "null";
  }
  // The argument of fired()/flagged() is a name in the rule graph, not a value: stop there.
  const bool graph_reference = e.kind == ast::ExprKind::call && (e.text == "fired" || e.text == "flagged");
  if (!e.operands.empty() && !graph_reference && e.kind != ast::ExprKind::collection) {
    out += ",\"operands\":[";
    for (std::size_t i = 0; i < e.operands.size(); ++i) {
      if (i) out.push_back(',');
      append_node(out, *e.operands[i], policy, frame);
    }
    out.push_back(']');
  }
  out.push_back('}');
}

}  // namespace

void append_trace_json(std::string& out, const Policy& policy, const Decision& d, const Frame& frame) {
  const auto& rules = policy.checked().module.rules;
  out += "{\"rules\":[";
  for (std::size_t i = 0; i < rules.size(); ++i) {
    if (i) out.push_back(',');
    out += "{\"rule\":";
    append_json_string(out, rules[i].name.text);
    out += ",\"status\":";
    append_json_string(out, status_name(d.statuses[i]));
    out += ",\"condition\":";
    append_node(out, *rules[i].when, policy, frame);
    out.push_back('}');
  }
  out += "]}";
}

}  // namespace tenet
