#include "engine/batch/summary.hpp"

#include <algorithm>

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

SummaryTally::SummaryTally(const Policy& policy, std::vector<std::uint32_t> sum_fields)
    : policy_(policy), sum_fields_(std::move(sum_fields)) {
  const std::size_t rules = policy.checked().module.rules.size();
  collect_ = policy.hit() == ast::HitPolicy::collect;
  by_rule_decision_.assign(rules + 1, 0);
  fired_.assign(rules, 0);
  flags_.assign(policy.checked().flags.size(), 0);
  sums_.assign(sum_fields_.size(), std::vector<std::pair<Decimal, bool>>(collect_ ? 0 : rules + 1));
}

std::size_t SummaryTally::bucket(const Decision& d) {
  if (!collect_) {
    for (const auto& r : d.recommendations) {
      if (r.chosen) return r.rule;
    }
    return by_rule_decision_.size() - 1;
  }
  const std::string key = decision_text(d);
  auto it = std::find(collect_keys_.begin(), collect_keys_.end(), key);
  if (it != collect_keys_.end()) return static_cast<std::size_t>(it - collect_keys_.begin());
  collect_keys_.push_back(key);
  for (auto& per_field : sums_) per_field.emplace_back();
  return collect_keys_.size() - 1;
}

void SummaryTally::add(const Decision& d, const Frame& frame) {
  ++decided_;
  const std::size_t b = bucket(d);
  if (collect_) ++collect_decisions_[collect_keys_[b]];
  else ++by_rule_decision_[b];
  for (std::size_t i = 0; i < d.statuses.size(); ++i) fired_[i] += d.statuses[i] == RuleStatus::fired;
  for (auto f : d.flags) ++flags_[f];
  for (std::size_t k = 0; k < sum_fields_.size(); ++k) {
    const Value& v = frame.slot(sum_fields_[k]);
    if (v.kind != Value::Kind::number) continue;  // absent values add nothing
    auto& [total, overflowed] = sums_[k][b];
    const auto sum = total.add(v.number);
    if (sum.status == DecimalStatus::ok) total = sum.value;
    else overflowed = true;
  }
}

void SummaryTally::add_to(Summary& s) const {
  const auto& rules = policy_.checked().module.rules;
  const auto key_of = [&](std::size_t b) -> std::string {
    if (collect_) return collect_keys_[b];
    if (b < rules.size()) return rules[b].then->name.text;
    return policy_.checked().decision().default_action->text;
  };
  s.records += decided_ + errors_.size();
  s.decided += decided_;
  s.errors += errors_.size();
  for (std::size_t b = 0; b < by_rule_decision_.size(); ++b) {
    if (by_rule_decision_[b]) s.decisions[key_of(b)] += by_rule_decision_[b];
  }
  for (const auto& [k, v] : collect_decisions_) s.decisions[k] += v;
  for (std::size_t i = 0; i < fired_.size(); ++i) {
    if (fired_[i]) s.rules_fired[rules[i].name.text] += fired_[i];
  }
  for (std::size_t f = 0; f < flags_.size(); ++f) {
    if (flags_[f]) s.flags[policy_.checked().flags[f].name] += flags_[f];
  }
  for (const char* kind : errors_) ++s.errors_by_kind[kind];
  const auto& fields = policy_.checked().schema().fields;
  for (std::size_t k = 0; k < sum_fields_.size(); ++k) {
    for (std::size_t b = 0; b < sums_[k].size(); ++b) {
      const auto& [total, overflowed] = sums_[k][b];
      const bool counted = collect_ || by_rule_decision_[b] > 0;
      if (!counted) continue;
      Decimal& into = s.sums[fields[sum_fields_[k]].name.text][key_of(b)];
      const auto sum = into.add(total);
      if (sum.status == DecimalStatus::ok) into = sum.value;
      else s.sums_overflowed = true;
      s.sums_overflowed = s.sums_overflowed || overflowed;
    }
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
    out.push_back(':');
    out += std::to_string(v);
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
