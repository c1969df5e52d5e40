#include "engine/output/batch_writer.hpp"

#include "engine/output/json_writer.hpp"

namespace tenet::core {

namespace {

// RFC 4180: quote a cell when it holds a comma, a quote or a line break.
void append_csv_cell(std::string& out, std::string_view cell) {
  if (cell.find_first_of(",\"\r\n") == std::string_view::npos) {
    out += cell;
    return;
  }
  out.push_back('"');
  for (char c : cell) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
}

}  // namespace

void write_batch_header(std::string& out, BatchFormat format, bool explain) {
  if (format != BatchFormat::csv) return;
  append_literal(out, "line,id,decision,chosen_rule,fired_rules,flags,error,error_kind,provisional,unknown_rules");
  if (explain) append_literal(out, ",because");
  append_literal(out, ",policy,policy_version,policy_sha256,tenet,params\n");
}

std::string csv_provenance_cells(const PolicyInfo& info) {
  std::string out;
  for (const std::string_view cell :
       {std::string_view(info.name), std::string_view(info.version), std::string_view(info.sha256), std::string_view(tenet_version())}) {
    out.push_back(',');
    append_csv_cell(out, cell);
  }
  std::string params;  // name=value; name=value
  for (const auto& [name, value] : info.params) params += (params.empty() ? "" : "; ") + name + "=" + value;
  out.push_back(',');
  append_csv_cell(out, params);
  return out;
}

void write_batch_decision(std::string& out, BatchFormat format, const Policy& policy, const Decision& d, std::size_t line,
                          const BatchLine& options) {
  const auto& rules = policy.checked().module.rules;
  const auto& flags = policy.checked().flags;
  const bool collect = policy.hit() == Hit::collect;
  // The lists are written straight from the decision: no container per record.
  const auto for_chosen = [&](auto&& each) {
    for (const auto& r : d.recommendations) {
      if (r.chosen) each(std::string_view(rules[r.rule].name.text));
    }
  };
  const auto for_fired = [&](auto&& each) {
    for (std::size_t i = 0; i < d.statuses.size(); ++i) {
      if (d.statuses[i] == RuleStatus::fired) each(std::string_view(rules[i].name.text));
    }
  };
  const auto for_flags = [&](auto&& each) {
    for (auto f : d.flags) each(std::string_view(flags[f].name));
  };
  const auto for_actions = [&](auto&& each) {
    for (const auto a : d.actions) each(std::string_view(policy.action_name(a)));
  };

  if (format == BatchFormat::csv) {
    const auto cell = [&](const auto& for_each) {
      std::string joined;
      for_each([&](std::string_view name) {
        if (!joined.empty()) joined.push_back('|');
        joined += name;
      });
      append_csv_cell(out, joined);
    };
    out += std::to_string(line);
    out.push_back(',');
    append_csv_cell(out, d.id);
    out.push_back(',');
    cell(for_actions);
    out.push_back(',');
    cell(for_chosen);
    out.push_back(',');
    cell(for_fired);
    out.push_back(',');
    cell(for_flags);
    append_literal(out, ",,,");  // no error
    if (d.provisional) append_literal(out, "true");
    out.push_back(',');
    cell([&](auto&& each) {
      for (const auto& u : d.unknown) each(std::string_view(rules[u.rule].name.text));
    });
    if (options.explain) {
      std::string because;  // rule: text | rule: text
      const auto add = [&](std::uint32_t rule, bool has, std::string_view text) {
        if (!has) return;
        because += (because.empty() ? "" : " | ") + rules[rule].name.text + ": ";
        because += text;
      };
      for (const auto& r : d.recommendations) add(r.rule, r.has_because, d.text(r.because));
      for (const auto& f : d.raised) add(f.rule, f.has_because, d.text(f.because));
      out.push_back(',');
      append_csv_cell(out, because);
    }
    if (options.csv_provenance) out += *options.csv_provenance;
    out.push_back('\n');
    return;
  }
  // Actions, rules and flags are names of the language ([A-Za-z_][A-Za-z0-9_]*): nothing
  // in them needs escaping, so they are quoted without scanning.
  const auto quoted_name = [&](std::string_view name) {
    out.push_back('"');
    out.append(name);
    out.push_back('"');
  };
  const auto array = [&](const auto& for_each) {
    out.push_back('[');
    bool first = true;
    for_each([&](std::string_view name) {
      if (!first) out.push_back(',');
      first = false;
      quoted_name(name);
    });
    out.push_back(']');
  };
  append_literal(out, "{\"id\":");
  append_json_string(out, d.id);
  append_literal(out, ",\"decision\":");
  if (collect) array(for_actions);
  else quoted_name(policy.action_name(d.actions.front()));
  append_literal(out, ",\"chosen\":");
  if (collect) {
    array(for_chosen);
  } else {
    bool any = false;
    for_chosen([&](std::string_view name) {
      quoted_name(name);
      any = true;
    });
    if (!any) append_literal(out, "null");
  }
  append_literal(out, ",\"fired\":");
  array(for_fired);
  append_literal(out, ",\"flags\":");
  array(for_flags);
  append_unknown_json(out, policy, d);
  if (options.explain) {
    append_literal(out, ",\"because\":{");
    bool first = true;
    const auto add = [&](std::uint32_t rule, bool has, std::string_view text) {
      if (!has) return;
      if (!first) out.push_back(',');
      first = false;
      quoted_name(rules[rule].name.text);
      out.push_back(':');
      append_json_string(out, text);
    };
    for (const auto& r : d.recommendations) add(r.rule, r.has_because, d.text(r.because));
    for (const auto& f : d.raised) add(f.rule, f.has_because, d.text(f.because));
    out.push_back('}');
    // The title and source of each fired rule that declares them: what the auditor cites.
    append_literal(out, ",\"sources\":{");
    first = true;
    for (std::size_t i = 0; i < d.statuses.size(); ++i) {
      if (d.statuses[i] != RuleStatus::fired || (!rules[i].title && !rules[i].source)) continue;
      if (!first) out.push_back(',');
      first = false;
      quoted_name(rules[i].name.text);
      out.push_back(':');
      const std::size_t at = out.size();
      append_rule_provenance_json(out, rules[i]);
      out[at] = '{';  // ,"title":... -> {"title":...
      out.push_back('}');
    }
    out.push_back('}');
  }
  if (options.trace) {
    append_literal(out, ",\"trace\":");
    append_trace_json(out, policy, d, *options.trace);
  }
  if (options.with_policy) {
    append_literal(out, ",\"policy\":");
    append_policy_json(out, policy.info());
  }
  append_literal(out, "}\n");
}

void write_batch_error(std::string& out, BatchFormat format, const RecordError& e, const BatchLine& options, const PolicyInfo* policy) {
  if (format == BatchFormat::jsonl) {
    write_error_json(out, e, policy);
    return;
  }
  out += std::to_string(e.line);
  out.push_back(',');
  if (e.id) append_csv_cell(out, *e.id);
  append_literal(out, ",,,,,");
  append_csv_cell(out, e.message);
  out.push_back(',');
  out += kind_name(e.kind);
  append_literal(out, ",,");
  if (options.explain) out.push_back(',');
  if (options.csv_provenance) out += *options.csv_provenance;
  out.push_back('\n');
}

}  // namespace tenet::core
