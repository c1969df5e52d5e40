// Hit policies: how fired recommendations become one decision, and the `because` texts.
#include <algorithm>

#include "engine/policy.hpp"

namespace tenet::core {

const char* status_name(RuleStatus s) {
  switch (s) {
    case RuleStatus::fired: return "fired";
    case RuleStatus::not_fired: return "not_fired";
    case RuleStatus::unknown: return "unknown";
  }
  return "unknown";
}

namespace {

// Appends a rule's `because` text to `out`; returns where it stands.
TextSpan render_because(const CompiledRule& rule, const Frame& frame, std::string& out) {
  const auto begin = static_cast<std::uint32_t>(out.size());
  for (const auto& piece : rule.because) {
    if (piece.slot < 0) {
      out += piece.text;
    } else {
      append_readable(out, frame.slot(static_cast<std::uint32_t>(piece.slot)));
    }
  }
  return {begin, static_cast<std::uint32_t>(out.size())};
}

}  // namespace

std::vector<std::string> Policy::action_names(const Decision& d) const {
  std::vector<std::string> names;
  for (auto a : d.actions) names.push_back(action_name(a));
  return names;
}

Decision Evaluator::evaluate(Record& record) {
  Decision d;
  evaluate(record, d);
  return d;
}

void Evaluator::evaluate(Record& record, Decision& d) {
  frame_.evaluate(record.fields);
  decide(record.id, d);
}

void Evaluator::evaluate_in_place(Record& record, Decision& d) {
  frame_.evaluate_in_place();
  decide(record.id, d);
}

void Evaluator::decide(std::string& id, Decision& d) {
  const Program& program = policy_->program();
  std::swap(d.id, id);
  d.actions.clear();
  d.recommendations.clear();
  d.flags.clear();
  d.raised.clear();
  d.unknown.clear();
  d.missing.clear();
  d.texts.clear();
  const auto rule_count = static_cast<std::uint32_t>(program.rules.size());  // read once: the loop writes memory
  d.statuses.resize(rule_count);
  RuleStatus* statuses = d.statuses.data();
  for (std::uint32_t i = 0; i < rule_count; ++i) {
    const CompiledRule& rule = program.rules[i];
    const Value& condition = frame_.slot(rule.condition);
    const RuleStatus status = condition.is_true()      ? RuleStatus::fired
                              : condition.is_unknown() ? RuleStatus::unknown
                                                       : RuleStatus::not_fired;
    statuses[i] = status;
    if (status == RuleStatus::unknown) {
      const auto begin = static_cast<std::uint32_t>(d.missing.size());
      frame_.append_missing_fields(rule.condition, d.missing);
      d.unknown.push_back({i, begin, static_cast<std::uint32_t>(d.missing.size()), condition.reason});
    }
    if (status != RuleStatus::fired) continue;
    const bool has_because = explain_ && rule.has_because;
    TextSpan because;
    if (has_because) {
      frame_.explain(i);
      because = render_because(rule, frame_, d.texts);
    }
    if (rule.recommends) {
      d.recommendations.push_back({i, rule.target, rule.priority, false, -1, has_because, because});
    } else {
      d.raised.push_back({i, rule.target, has_because, because});
      d.flags.push_back(rule.target);
    }
  }
  std::sort(d.flags.begin(), d.flags.end());
  d.flags.erase(std::unique(d.flags.begin(), d.flags.end()), d.flags.end());

  const Hit hit = policy_->hit();
  auto& recs = d.recommendations;
  if (hit != Hit::first) {
    // Highest priority first; ties in declaration order. Rule indices are unique, so this
    // order is total: std::sort is exact, O(n log n), and allocates nothing (2000 fired rules
    // cost 39 ms a record with an insertion sort).
    const auto before = [](const Recommendation& x, const Recommendation& y) {
      return x.priority != y.priority ? x.priority > y.priority : x.rule < y.rule;
    };
    if (recs.size() <= 8) {
      // A record fires a handful of rules: sorted in place, without a call.
      for (std::size_t i = 1; i < recs.size(); ++i)
        for (std::size_t j = i; j > 0 && before(recs[j], recs[j - 1]); --j) std::swap(recs[j - 1], recs[j]);
    } else {
      std::sort(recs.begin(), recs.end(), before);
    }
  }
  if (recs.empty()) {
    d.actions.push_back(program.default_action);
  } else if (hit == Hit::collect) {
    for (auto& r : recs) {
      r.chosen = true;
      d.actions.push_back(r.action);
    }
  } else {
    recs.front().chosen = true;
    d.actions.push_back(recs.front().action);
    for (std::size_t i = 1; i < recs.size(); ++i) recs[i].overridden_by = recs.front().rule;
  }
  d.provisional = false;
  for (UnknownRule& u : d.unknown) {
    const CompiledRule& rule = program.rules[u.rule];
    if (!rule.recommends) continue;
    if (hit == Hit::collect || recs.empty()) {
      u.could_change = true;
    } else {
      // It could have been chosen instead: it ranks above the chosen rule.
      const Recommendation& chosen = recs.front();
      u.could_change = hit == Hit::first ? u.rule < chosen.rule
                                         : rule.priority > chosen.priority || (rule.priority == chosen.priority && u.rule < chosen.rule);
    }
    d.provisional = d.provisional || u.could_change;
  }
}

}  // namespace tenet::core
