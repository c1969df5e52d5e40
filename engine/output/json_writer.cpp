#include "engine/output/json_writer.hpp"

#include <fmt/format.h>
#include <simdjson.h>

#include "dsl/base/civil_date.hpp"

namespace tenet::core {

void append_json_value(std::string& out, const Value& v) {
  switch (v.kind) {
    case Value::Kind::unknown: append_literal(out, "null"); return;
    case Value::Kind::boolean: out += v.boolean ? "true" : "false"; return;
    case Value::Kind::number: v.number.append_to(out); return;
    case Value::Kind::string: append_json_string(out, v.text); return;
    case Value::Kind::date: append_json_string(out, format_iso_date(*v.number.to_integer())); return;
    case Value::Kind::list:
      out.push_back('[');
      for (std::size_t i = 0; i < v.items.size(); ++i) {
        if (i) out.push_back(',');
        append_json_value(out, v.items[i]);
      }
      out.push_back(']');
      return;
  }
}

void append_policy_json(std::string& out, const PolicyInfo& info) {
  append_literal(out, "{\"name\":");
  append_json_string(out, info.name);
  append_literal(out, ",\"version\":");
  append_json_string(out, info.version);
  append_literal(out, ",\"sha256\":");
  append_json_string(out, info.sha256);
  if (!info.imports.empty()) {
    append_literal(out, ",\"imports\":[");
    for (std::size_t i = 0; i < info.imports.size(); ++i) {
      if (i) out.push_back(',');
      append_literal(out, "{\"path\":");
      append_json_string(out, info.imports[i].first);
      append_literal(out, ",\"sha256\":");
      append_json_string(out, info.imports[i].second);
      out.push_back('}');
    }
    out.push_back(']');
  }
  append_literal(out, ",\"tenet\":");
  append_json_string(out, tenet_version());
  if (!info.params.empty()) {
    append_literal(out, ",\"params\":{");
    for (std::size_t i = 0; i < info.params.size(); ++i) {
      if (i) out.push_back(',');
      append_json_string(out, info.params[i].first);
      out.push_back(':');
      append_json_string(out, info.params[i].second);
    }
    out.push_back('}');
  }
  out.push_back('}');
}

namespace {

// Writes the subtree starting at steps[i]; returns the index after it.
std::size_t append_trace_node(std::string& out, std::size_t rule, std::size_t i, const Policy& policy, const Decision& d,
                              const Frame& frame) {
  const TraceStep& step = policy.trace_plan()[rule][i];
  out += policy.json_trace_head(rule, i++);  // rendered once per policy: a trace writes thousands of steps a record
  if (step.slot < 0) {
    append_literal(out, "null");
  } else {
    const Value& value = frame.slot(static_cast<std::uint32_t>(step.slot));
    append_json_value(out, value);
    if (value.is_unknown()) {
      append_literal(out, ",\"unknown\":");
      append_json_string(out, value.why());
      if (!step.rules.empty()) {
        append_literal(out, ",\"unknown_rules\":[");
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
    append_literal(out, ",\"operands\":[");
    for (std::uint32_t k = 0; k < step.operands; ++k) {
      if (k) out.push_back(',');
      i = append_trace_node(out, rule, i, policy, d, frame);
    }
    out.push_back(']');
  }
  out.push_back('}');
  return i;
}

}  // namespace

void append_trace_json(std::string& out, const Policy& policy, const Decision& d, const Frame& frame) {
  const auto& rules = policy.checked().module.rules;
  append_literal(out, "{\"rules\":[");
  for (std::size_t i = 0; i < rules.size(); ++i) {
    if (i) out.push_back(',');
    append_literal(out, "{\"rule\":");
    append_json_string(out, rules[i].name.text);
    append_literal(out, ",\"status\":\"");
    out += status_name(d.statuses[i]);
    append_literal(out, "\",\"condition\":");
    append_trace_node(out, i, 0, policy, d, frame);
    out.push_back('}');
  }
  append_literal(out, "]}");
}

void append_unknown_json(std::string& out, const Policy& policy, const Decision& d) {
  if (d.unknown.empty()) return;
  append_literal(out, ",\"unknown\":[");
  for (std::size_t i = 0; i < d.unknown.size(); ++i) {
    const UnknownRule& u = d.unknown[i];
    if (i) out.push_back(',');
    out += policy.json_unknown_entry(u.rule);
    for (auto k = u.missing_begin; k < u.missing_end; ++k) {
      if (k != u.missing_begin) out.push_back(',');
      out += policy.json_field_name(d.missing[k]);
    }
    out.push_back(']');
    if (u.missing_begin == u.missing_end && u.reason) {
      append_literal(out, ",\"reason\":");
      append_json_string(out, *u.reason);
    }
    if (u.could_change) append_literal(out, ",\"could_change\":true");  // one of those making it provisional
    out.push_back('}');
  }
  out.push_back(']');
  if (d.provisional) append_literal(out, ",\"provisional\":true");
}

void append_rule_provenance_json(std::string& out, const ast::RuleDecl& rule) {
  if (rule.title) {
    append_literal(out, ",\"title\":");
    append_json_string(out, *rule.title);
  }
  if (rule.source) {
    append_literal(out, ",\"source\":");
    append_json_string(out, *rule.source);
  }
}

void append_decision_json(std::string& out, const Policy& policy, const std::vector<std::uint32_t>& actions) {
  if (policy.hit() != Hit::collect) {
    append_json_string(out, policy.action_name(actions.front()));
    return;
  }
  out.push_back('[');
  for (std::size_t i = 0; i < actions.size(); ++i) {
    if (i) out.push_back(',');
    append_json_string(out, policy.action_name(actions[i]));
  }
  out.push_back(']');
}

void write_decision_json(std::string& out, const Policy& policy, const Decision& d, const Frame* trace, bool explain) {
  const auto& rules = policy.checked().module.rules;
  append_literal(out, "{\"id\":");
  append_json_string(out, d.id);
  append_literal(out, ",\"decision\":");
  append_decision_json(out, policy, d.actions);
  append_literal(out, ",\"recommendations\":[");
  for (std::size_t i = 0; i < d.recommendations.size(); ++i) {
    const Recommendation& r = d.recommendations[i];
    if (i) out.push_back(',');
    append_literal(out, "{\"rule\":");
    append_json_string(out, rules[r.rule].name.text);
    append_literal(out, ",\"action\":");
    append_json_string(out, policy.action_name(r.action));
    fmt::format_to(std::back_inserter(out), ",\"priority\":{},\"chosen\":{}", r.priority, r.chosen ? "true" : "false");
    if (r.overridden_by >= 0) {
      append_literal(out, ",\"overridden_by\":");
      append_json_string(out, rules[static_cast<std::size_t>(r.overridden_by)].name.text);
    }
    if (r.has_because) {
      append_literal(out, ",\"because\":");
      append_json_string(out, d.text(r.because));
    }
    if (explain) append_rule_provenance_json(out, rules[r.rule]);
    out.push_back('}');
  }
  append_literal(out, "],\"flags\":[");
  for (std::size_t i = 0; i < d.flags.size(); ++i) {
    if (i) out.push_back(',');
    append_json_string(out, policy.checked().flags[d.flags[i]].name);
  }
  out.push_back(']');
  if (explain) {
    append_literal(out, ",\"raised\":[");
    for (std::size_t i = 0; i < d.raised.size(); ++i) {
      const RaisedFlag& f = d.raised[i];
      if (i) out.push_back(',');
      append_literal(out, "{\"rule\":");
      append_json_string(out, rules[f.rule].name.text);
      append_literal(out, ",\"flag\":");
      append_json_string(out, policy.checked().flags[f.flag].name);
      if (f.has_because) {
        append_literal(out, ",\"because\":");
        append_json_string(out, d.text(f.because));
      }
      append_rule_provenance_json(out, rules[f.rule]);
      out.push_back('}');
    }
    out.push_back(']');
  }
  append_unknown_json(out, policy, d);
  append_literal(out, ",\"policy\":");
  append_policy_json(out, policy.info());
  if (trace) {
    append_literal(out, ",\"trace\":");
    append_trace_json(out, policy, d, *trace);
  }
  append_literal(out, "}\n");
}

void write_error_json(std::string& out, const RecordError& e, const PolicyInfo* policy) {
  fmt::format_to(std::back_inserter(out), "{{\"line\":{}", e.line);
  if (e.id) {
    append_literal(out, ",\"id\":");
    append_json_string(out, *e.id);
  }
  append_literal(out, ",\"error\":");
  append_json_string(out, e.message);
  append_literal(out, ",\"kind\":\"");
  out += kind_name(e.kind);
  out.push_back('"');
  if (policy) {
    append_literal(out, ",\"policy\":");
    append_policy_json(out, *policy);
  }
  append_literal(out, "}\n");
}

}  // namespace tenet::core
