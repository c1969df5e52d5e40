#include "engine/output/batch_writer.hpp"

#include "engine/output/json_writer.hpp"
#include "engine/trace.hpp"

namespace tenet {

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

template <typename Names>
void append_json_names(std::string& out, const Names& names) {
  out.push_back('[');
  bool first = true;
  for (const auto& name : names) {
    if (!first) out.push_back(',');
    first = false;
    append_json_string(out, name);
  }
  out.push_back(']');
}

}  // namespace

void write_batch_header(std::string& out, BatchFormat format) {
  if (format == BatchFormat::csv) out += "line,id,decision,chosen_rule,fired_rules,flags,error\n";
}

void write_batch_decision(std::string& out, BatchFormat format, const Policy& policy, const Decision& d,
                          std::size_t line, const BatchLine& options) {
  const auto& rules = policy.checked().module.rules;
  const auto& flags = policy.checked().flags;
  const bool collect = policy.hit() == ast::HitPolicy::collect;
  std::vector<std::string_view> chosen, fired, raised;
  for (const auto& r : d.recommendations) {
    if (r.chosen) chosen.push_back(rules[r.rule].name.text);
  }
  for (std::size_t i = 0; i < d.statuses.size(); ++i) {
    if (d.statuses[i] == RuleStatus::fired) fired.push_back(rules[i].name.text);
  }
  for (auto f : d.flags) raised.push_back(flags[f].name);

  if (format == BatchFormat::csv) {
    out += std::to_string(line);
    out.push_back(',');
    append_csv_cell(out, d.id);
    out.push_back(',');
    const auto joined = [](const auto& items, char separator) {
      std::string s;
      for (std::size_t i = 0; i < items.size(); ++i) {
        if (i) s.push_back(separator);
        s += items[i];
      }
      return s;
    };
    append_csv_cell(out, joined(d.actions, '|'));
    out.push_back(',');
    append_csv_cell(out, joined(chosen, '|'));
    out.push_back(',');
    append_csv_cell(out, joined(fired, '|'));
    out.push_back(',');
    append_csv_cell(out, joined(raised, '|'));
    out += ",\n";
    return;
  }
  out += "{\"id\":";
  append_json_string(out, d.id);
  out += ",\"decision\":";
  if (collect) append_json_names(out, d.actions);
  else append_json_string(out, d.actions.front());
  out += ",\"chosen\":";
  if (collect) append_json_names(out, chosen);
  else if (chosen.empty()) out += "null";
  else append_json_string(out, chosen.front());
  out += ",\"fired\":";
  append_json_names(out, fired);
  out += ",\"flags\":";
  append_json_names(out, raised);
  if (options.explain) {
    out += ",\"because\":{";
    bool first = true;
    const auto add = [&](std::uint32_t rule, bool has, const std::string& text) {
      if (!has) return;
      if (!first) out.push_back(',');
      first = false;
      append_json_string(out, rules[rule].name.text);
      out.push_back(':');
      append_json_string(out, text);
    };
    for (const auto& r : d.recommendations) add(r.rule, r.has_because, r.because);
    for (const auto& f : d.raised) add(f.rule, f.has_because, f.because);
    out.push_back('}');
  }
  if (options.trace) {
    out += ",\"trace\":";
    append_trace_json(out, policy, d, *options.trace);
  }
  if (options.with_policy) {
    const PolicyInfo& info = policy.info();
    out += ",\"policy\":{\"name\":";
    append_json_string(out, info.name);
    out += ",\"version\":";
    append_json_string(out, info.version);
    out += ",\"sha256\":";
    append_json_string(out, info.sha256);
    out.push_back('}');
  }
  out += "}\n";
}

void write_batch_error(std::string& out, BatchFormat format, const RecordError& e) {
  if (format == BatchFormat::jsonl) {
    write_error_json(out, e);
    return;
  }
  out += std::to_string(e.line);
  out.push_back(',');
  if (e.id) append_csv_cell(out, *e.id);
  out += ",,,,,";
  append_csv_cell(out, e.message);
  out.push_back('\n');
}

}  // namespace tenet
