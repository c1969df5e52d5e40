#include "engine/batch/summary.hpp"

#include <nlohmann/json.hpp>

#include "engine/output/json_writer.hpp"

namespace tenet {

std::string decision_text(const Decision& d) {
  std::string out;
  for (std::size_t i = 0; i < d.actions.size(); ++i) {
    if (i) out.push_back('+');
    out += d.actions[i];
  }
  return out;
}

void Summary::add(const Policy& policy, const Decision& d, const Frame& frame, const std::vector<std::uint32_t>& sum_fields) {
  ++records;
  ++decided;
  const std::string key = decision_text(d);
  ++decisions[key];
  const auto& rules = policy.checked().module.rules;
  for (std::size_t i = 0; i < d.statuses.size(); ++i) {
    if (d.statuses[i] == RuleStatus::fired) ++rules_fired[rules[i].name.text];
  }
  for (auto f : d.flags) ++flags[policy.checked().flags[f].name];
  const auto& fields = policy.checked().schema().fields;
  for (auto field : sum_fields) {
    const Value& v = frame.slot(field);
    if (v.kind != Value::Kind::number) continue;  // absent values add nothing
    Decimal& total = sums[fields[field].name.text][key];
    const auto sum = total.add(v.number);
    if (sum.status == DecimalStatus::ok) total = sum.value;
    else sums_overflowed = true;
  }
}

void Summary::add(const RecordError& error) {
  ++records;
  ++errors;
  ++errors_by_kind[error_kind(error)];
}

bool Summary::merge(const Summary& o, std::string& error) {
  if (o.policy.sha256 != policy.sha256) {
    error = "the summaries are of different policies (" + policy.name + " " + policy.version + " sha256 " +
            policy.sha256 + ", and " + o.policy.name + " " + o.policy.version + " sha256 " + o.policy.sha256 + ")";
    return false;
  }
  records += o.records;
  decided += o.decided;
  errors += o.errors;
  for (const auto& [k, v] : o.decisions) decisions[k] += v;
  for (const auto& [k, v] : o.rules_fired) rules_fired[k] += v;
  for (const auto& [k, v] : o.flags) flags[k] += v;
  for (const auto& [k, v] : o.errors_by_kind) errors_by_kind[k] += v;
  for (const auto& [field, by_decision] : o.sums) {
    for (const auto& [key, value] : by_decision) {
      Decimal& total = sums[field][key];
      const auto sum = total.add(value);
      if (sum.status == DecimalStatus::ok) total = sum.value;
      else sums_overflowed = true;
    }
  }
  sums_overflowed = sums_overflowed || o.sums_overflowed;
  return true;
}

namespace {

void append_counts(std::string& out, const char* name, const std::map<std::string, std::uint64_t>& counts) {
  out += ",\"";
  out += name;
  out += "\":{";
  bool first = true;
  for (const auto& [k, v] : counts) {
    if (!first) out.push_back(',');
    first = false;
    append_json_string(out, k);
    out += ":" + std::to_string(v);
  }
  out.push_back('}');
}

}  // namespace

std::string Summary::to_json() const {
  std::string out = "{\"policy\":{\"name\":";
  append_json_string(out, policy.name);
  out += ",\"version\":";
  append_json_string(out, policy.version);
  out += ",\"sha256\":";
  append_json_string(out, policy.sha256);
  out += "},\"records\":" + std::to_string(records) + ",\"decided\":" + std::to_string(decided) +
         ",\"errors\":" + std::to_string(errors);
  append_counts(out, "decisions", decisions);
  append_counts(out, "rules_fired", rules_fired);
  append_counts(out, "flags", flags);
  append_counts(out, "errors_by_kind", errors_by_kind);
  out += ",\"sums\":{";
  bool first_field = true;
  for (const auto& [field, by_decision] : sums) {
    if (!first_field) out.push_back(',');
    first_field = false;
    append_json_string(out, field);
    out += ":{";
    bool first = true;
    for (const auto& [key, total] : by_decision) {
      if (!first) out.push_back(',');
      first = false;
      append_json_string(out, key);
      out.push_back(':');
      // Totals are strings so that no JSON reader turns an exact decimal into a double.
      append_json_string(out, total.to_string());
    }
    out.push_back('}');
  }
  out += "}";
  if (sums_overflowed) out += ",\"sums_overflowed\":true";
  out += "}\n";
  return out;
}

std::optional<Summary> Summary::from_json(const std::string& text, std::string& error) {
  try {
    const auto j = nlohmann::json::parse(text);
    Summary s;
    s.policy = {j.at("policy").at("name"), "", j.at("policy").at("version"), j.at("policy").at("sha256")};
    s.records = j.at("records");
    s.decided = j.at("decided");
    s.errors = j.at("errors");
    const auto counts = [&](const char* name, std::map<std::string, std::uint64_t>& into) {
      for (const auto& [k, v] : j.at(name).items()) into[k] = v.get<std::uint64_t>();
    };
    counts("decisions", s.decisions);
    counts("rules_fired", s.rules_fired);
    counts("flags", s.flags);
    counts("errors_by_kind", s.errors_by_kind);
    for (const auto& [field, by_decision] : j.at("sums").items()) {
      for (const auto& [key, total] : by_decision.items()) {
        auto d = Decimal::parse(total.get<std::string>());
        if (!d) {
          error = "sum of " + field + " for " + key + " is not a number";
          return std::nullopt;
        }
        s.sums[field][key] = *d;
      }
    }
    s.sums_overflowed = j.value("sums_overflowed", false);
    if (s.records != s.decided + s.errors) {
      error = "records (" + std::to_string(s.records) + ") is not decided + errors";
      return std::nullopt;
    }
    return s;
  } catch (const std::exception& e) {
    error = std::string("not a Tenet summary: ") + e.what();
    return std::nullopt;
  }
}

}  // namespace tenet
