#include "engine/batch/summary.hpp"

#include <algorithm>
#include <limits>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "engine/output/json_writer.hpp"

namespace tenet::core {

std::string decision_text(const Policy& policy, const std::vector<std::uint32_t>& actions) {
  std::string out;
  for (std::size_t i = 0; i < actions.size(); ++i) {
    if (i) out.push_back('+');
    out += policy.action_name(actions[i]);
  }
  return out;
}

Summary Summary::of(const Policy& policy) {
  Summary s;
  s.policy = policy.info();
  for (const auto& rule : policy.checked().module.rules) s.rules[rule.name.text];
  for (const auto& field : policy.checked().schema().fields)
    if (field.is_optional) s.optional_fields_given[field.name.text];
  return s;
}

SummaryTally::SummaryTally(const Policy& policy, std::vector<std::uint32_t> sum_fields)
    : policy_(policy), sum_fields_(std::move(sum_fields)) {
  const std::size_t rules = policy.checked().module.rules.size();
  collect_ = policy.hit() == Hit::collect;
  by_rule_decision_.assign(rules + 1, 0);
  rules_.assign(rules, {});
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
  // The actions' ids compared as they are: no text per record.
  auto it = std::find(collect_keys_.begin(), collect_keys_.end(), d.actions);
  if (it != collect_keys_.end()) return static_cast<std::size_t>(it - collect_keys_.begin());
  collect_keys_.push_back(d.actions);
  collect_counts_.push_back(0);
  for (auto& per_field : sums_) per_field.emplace_back();
  return collect_keys_.size() - 1;
}

void SummaryTally::add(const Decision& d, const Frame& frame) {
  ++decided_;
  const std::size_t b = bucket(d);
  if (collect_) ++collect_counts_[b];
  else ++by_rule_decision_[b];
  // The fired rules are the recommendations and the raised flags: no pass over every rule.
  for (const auto& r : d.recommendations) {
    RuleCounts& counts = rules_[r.rule];
    ++counts.fired;
    if (r.chosen) ++counts.chosen;
    else ++counts.overridden;
  }
  for (const auto& f : d.raised) ++rules_[f.rule].fired;
  for (const auto& u : d.unknown) ++rules_[u.rule].unknown;
  provisional_ += d.provisional;
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
    if (collect_) return decision_text(policy_, collect_keys_[b]);
    if (b < rules.size()) return rules[b].then->name.text;
    return policy_.checked().decision().default_action->text;
  };
  s.records += decided_ + errors_.size();
  s.decided += decided_;
  s.errors += errors_.size();
  s.provisional += provisional_;
  for (std::size_t b = 0; b < by_rule_decision_.size(); ++b) {
    if (by_rule_decision_[b]) s.decisions[key_of(b)] += by_rule_decision_[b];
  }
  for (std::size_t b = 0; b < collect_keys_.size(); ++b) s.decisions[key_of(b)] += collect_counts_[b];
  for (std::size_t i = 0; i < rules_.size(); ++i) {
    RuleCounts& into = s.rules[rules[i].name.text];
    into.fired += rules_[i].fired;
    into.chosen += rules_[i].chosen;
    into.overridden += rules_[i].overridden;
    into.unknown += rules_[i].unknown;
  }
  for (std::size_t f = 0; f < flags_.size(); ++f) {
    if (flags_[f]) s.flags[policy_.checked().flags[f].name] += flags_[f];
  }
  for (const ErrorKind kind : errors_) ++s.errors_by_kind[kind_name(kind)];
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

namespace {

// a += b, false when it would pass 2^64 (a summary's counts never wrap).
bool add_count(std::uint64_t& a, std::uint64_t b) { return !__builtin_add_overflow(a, b, &a); }

template <typename Map>
std::vector<std::string> keys_of(const Map& m) {
  std::vector<std::string> out;
  for (const auto& [k, _] : m) out.push_back(k);
  return out;
}

std::string names(const std::vector<std::string>& list) { return list.empty() ? "none" : fmt::format("{}", fmt::join(list, ", ")); }

}  // namespace

bool Summary::merge(const Summary& o, std::string& error) {
  if (o.policy.sha256 != policy.sha256) {
    error = "the summaries are of different policies (" + policy.name + " " + policy.version + " sha256 " + policy.sha256 + ", and " +
            o.policy.name + " " + o.policy.version + " sha256 " + o.policy.sha256 + ")";
    return false;
  }
  if (o.policy.params != policy.params) {
    error = "the summaries were made with different params";
    return false;
  }
  if (keys_of(o.rules) != keys_of(rules)) {
    error = fmt::format("the summaries count different rules ({}; and {}): a summary lists every rule of its policy", names(keys_of(rules)),
                        names(keys_of(o.rules)));
    return false;
  }
  const auto as_set = [](std::vector<std::string> v) {
    std::sort(v.begin(), v.end());
    return v;
  };
  if (as_set(o.summed) != as_set(summed)) {  // the same fields in any order
    error = fmt::format("the summaries total different fields (--sum {}; and --sum {}): run every shard with the same --sum", names(summed),
                        names(o.summed));
    return false;
  }
  if (shards.has_value() != o.shards.has_value() || (shards && shards->of != o.shards->of)) {
    const auto split = [](const std::optional<ShardSet>& s) { return s ? fmt::format("a split in {}", s->of) : std::string("no --shard"); };
    error = fmt::format("the summaries are of different splits ({}; and {})", split(shards), split(o.shards));
    return false;
  }
  if (shards) {
    for (const auto k : o.shards->present) {
      if (std::binary_search(shards->present.begin(), shards->present.end(), k)) {
        error = fmt::format("shard {}/{} is already summed; a shard counted twice would inflate every count", k, shards->of);
        return false;
      }
    }
  }
  for (const auto& input : o.inputs) {
    if (std::binary_search(inputs.begin(), inputs.end(), input)) {
      error = "this input is already summed (input " + input + "); a shard counted twice would inflate every count";
      return false;
    }
  }
  // Added into a copy: a count that would wrap leaves this summary as it was.
  Summary into = *this;
  bool fits = into.InputObservations::add(o) && add_count(into.records, o.records) && add_count(into.errors, o.errors) &&
              add_count(into.provisional, o.provisional);
  for (const auto& [k, v] : o.decisions) fits = add_count(into.decisions[k], v) && fits;
  for (const auto& [k, v] : o.rules) {
    RuleCounts& r = into.rules[k];
    fits = add_count(r.fired, v.fired) && add_count(r.chosen, v.chosen) && add_count(r.overridden, v.overridden) &&
           add_count(r.unknown, v.unknown) && fits;
  }
  for (const auto& [k, v] : o.flags) fits = add_count(into.flags[k], v) && fits;
  for (const auto& [k, v] : o.errors_by_kind) fits = add_count(into.errors_by_kind[k], v) && fits;
  if (!fits) {
    error = "a count would pass 2^64 once added: these summaries cannot be of real shards";
    return false;
  }
  for (const auto& [field, by_decision] : o.sums) {
    for (const auto& [key, value] : by_decision) {
      Decimal& total = into.sums[field][key];
      const auto sum = total.add(value);
      if (sum.status == DecimalStatus::ok) total = sum.value;
      else into.sums_overflowed = true;
    }
  }
  into.sums_overflowed = into.sums_overflowed || o.sums_overflowed;
  into.inputs.insert(into.inputs.end(), o.inputs.begin(), o.inputs.end());
  std::sort(into.inputs.begin(), into.inputs.end());
  if (into.shards) {
    into.shards->present.insert(into.shards->present.end(), o.shards->present.begin(), o.shards->present.end());
    std::sort(into.shards->present.begin(), into.shards->present.end());
  }
  *this = std::move(into);
  return true;
}

std::string Summary::to_json() const {
  using nlohmann::json;
  std::string policy_text;
  append_policy_json(policy_text, policy);
  json j;
  j["policy"] = json::parse(policy_text);
  j["records"] = records;
  j["decided"] = decided;
  j["errors"] = errors;
  j["provisional"] = provisional;
  j["decisions"] = json::object();
  for (const auto& [k, v] : decisions) j["decisions"][k] = v;
  j["rules"] = json::object();
  for (const auto& [k, v] : rules)
    j["rules"][k] = {{"fired", v.fired}, {"chosen", v.chosen}, {"overridden", v.overridden}, {"unknown", v.unknown}};
  j["flags"] = flags;
  j["errors_by_kind"] = errors_by_kind;
  j["undeclared_fields"] = undeclared_fields;
  if (keys_checked) j["duplicate_keys"] = duplicate_keys;
  else j["duplicate_keys"] = nullptr;  // not looked for: unknown, not zero
  j["optional_fields_given"] = optional_fields_given;
  j["sums"] = json::object();
  // Totals are strings so that no JSON reader turns an exact decimal into a double.
  for (const auto& [field, by_decision] : sums)
    for (const auto& [key, total] : by_decision) j["sums"][field][key] = total.to_string();
  if (sums_overflowed) j["sums_overflowed"] = true;
  j["inputs"] = inputs;
  j["summed"] = summed;
  if (shards) j["shards"] = {{"of", shards->of}, {"present", shards->present}};
  return j.dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
}

std::optional<Summary> Summary::from_json(const std::string& text, std::string& error) {
  try {
    const auto j = nlohmann::json::parse(text);
    Summary s;
    const auto& p = j.at("policy");
    s.policy = {p.at("name"), "", p.at("version"), p.at("sha256"), {}, {}};
    if (p.contains("imports"))
      for (const auto& im : p.at("imports")) s.policy.imports.emplace_back(im.at("path"), im.at("sha256"));
    if (p.contains("params"))
      for (const auto& [k, v] : p.at("params").items()) s.policy.params.emplace_back(k, v.get<std::string>());
    // A count is a JSON integer from 0 (nlohmann would turn -1 into 2^64 - 1 silently).
    const auto count = [](const nlohmann::json& v, const std::string& what) {
      if (!v.is_number_unsigned()) throw std::invalid_argument(what + " is not a count (an integer from 0)");
      return v.get<std::uint64_t>();
    };
    s.records = count(j.at("records"), "records");
    s.decided = count(j.at("decided"), "decided");
    s.errors = count(j.at("errors"), "errors");
    s.provisional = count(j.at("provisional"), "provisional");
    if (j.at("duplicate_keys").is_null()) s.keys_checked = false;
    else s.duplicate_keys = count(j.at("duplicate_keys"), "duplicate_keys");
    const auto counts = [&](const char* name, std::map<std::string, std::uint64_t>& into) {
      for (const auto& [k, v] : j.at(name).items()) into[k] = count(v, fmt::format("{} of {}", name, k));
    };
    counts("decisions", s.decisions);
    counts("flags", s.flags);
    counts("errors_by_kind", s.errors_by_kind);
    counts("undeclared_fields", s.undeclared_fields);
    counts("optional_fields_given", s.optional_fields_given);
    for (const auto& [k, v] : j.at("rules").items())
      s.rules[k] = {count(v.at("fired"), "fired of rule " + k), count(v.at("chosen"), "chosen of rule " + k),
                    count(v.at("overridden"), "overridden of rule " + k), count(v.at("unknown"), "unknown of rule " + k)};
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
    s.inputs = j.at("inputs").get<std::vector<std::string>>();
    std::sort(s.inputs.begin(), s.inputs.end());
    if (j.contains("summed")) {
      s.summed = j.at("summed").get<std::vector<std::string>>();
    } else {  // written before "summed": the fields its sums name
      for (const auto& [field, _] : s.sums) s.summed.push_back(field);
    }
    for (const auto& [field, _] : s.sums) {
      if (std::find(s.summed.begin(), s.summed.end(), field) == s.summed.end()) {
        error = "sums of " + field + ", which \"summed\" does not list";
        return std::nullopt;
      }
    }
    if (j.contains("shards")) {
      const auto& sh = j.at("shards");
      ShardSet set{count(sh.at("of"), "shards.of"), {}};
      for (const auto& k : sh.at("present")) set.present.push_back(count(k, "a shard"));
      std::sort(set.present.begin(), set.present.end());
      const bool valid = set.of >= 1 && set.of <= kMaxShards && !set.present.empty() && set.present.front() >= 1 &&
                         set.present.back() <= set.of && std::adjacent_find(set.present.begin(), set.present.end()) == set.present.end();
      if (!valid) {
        error = fmt::format("\"shards\" must be {{\"of\":N,\"present\":[K,...]}} with N <= {} and each K from 1 to N, once", kMaxShards);
        return std::nullopt;
      }
      s.shards = std::move(set);
    }
    // The counts must agree with each other: an edited or damaged summary is refused.
    const auto total = [](const std::map<std::string, std::uint64_t>& m) {
      std::uint64_t t = 0;
      for (const auto& [_, v] : m)
        if (__builtin_add_overflow(t, v, &t)) return std::numeric_limits<std::uint64_t>::max();
      return t;
    };
    std::string inconsistent;
    if (s.decided > s.records || s.records - s.decided != s.errors) {
      inconsistent = fmt::format("records ({}) is not decided ({}) + errors ({})", s.records, s.decided, s.errors);
    } else if (total(s.decisions) != s.decided) {
      inconsistent = fmt::format("the decisions add up to {}, not to decided ({})", total(s.decisions), s.decided);
    } else if (total(s.errors_by_kind) != s.errors) {
      inconsistent = fmt::format("errors_by_kind add up to {}, not to errors ({})", total(s.errors_by_kind), s.errors);
    } else if (s.provisional > s.decided) {
      inconsistent = fmt::format("provisional ({}) is more than decided ({})", s.provisional, s.decided);
    }
    for (const auto& [name, r] : s.rules) {
      if (!inconsistent.empty()) break;
      if (r.fired > s.decided || r.chosen > r.fired || r.overridden > r.fired || r.unknown > s.decided)
        inconsistent = fmt::format("rule {}'s counts (fired {}, chosen {}, overridden {}, unknown {}) do not fit {} decided records", name,
                                   r.fired, r.chosen, r.overridden, r.unknown, s.decided);
    }
    if (!inconsistent.empty()) {
      error = "the counts do not agree: " + inconsistent;
      return std::nullopt;
    }
    return s;
  } catch (const std::exception& e) {
    error = std::string("not a Tenet summary: ") + e.what();
    return std::nullopt;
  }
}

}  // namespace tenet::core
