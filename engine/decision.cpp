// Hit policies: how fired recommendations become one decision, and the `because` texts.
#include <algorithm>

#include "engine/tenet.hpp"

namespace tenet {

const char* status_name(RuleStatus s) {
  switch (s) {
    case RuleStatus::fired: return "fired";
    case RuleStatus::not_fired: return "not_fired";
    case RuleStatus::unknown: return "unknown";
  }
  return "unknown";
}

namespace {

std::string render_because(const CompiledRule& rule, const Frame& frame) {
  std::string out;
  for (const auto& piece : rule.because) {
    if (piece.slot < 0) {
      out += piece.text;
    } else {
      append_readable(out, frame.slot(static_cast<std::uint32_t>(piece.slot)));
    }
  }
  return out;
}

}  // namespace

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
  const auto& rules = policy_->checked().module.rules;
  std::swap(d.id, id);
  d.actions.clear();
  d.recommendations.clear();
  d.flags.clear();
  d.raised.clear();
  const auto rule_count = static_cast<std::uint32_t>(rules.size());  // read once: the loop writes memory
  d.statuses.resize(rule_count);
  RuleStatus* statuses = d.statuses.data();
  for (std::uint32_t i = 0; i < rule_count; ++i) {
    const Value& condition = frame_.slot(program.rules[i].condition);
    const RuleStatus status = condition.is_true() ? RuleStatus::fired
                              : condition.is_unknown() ? RuleStatus::unknown : RuleStatus::not_fired;
    statuses[i] = status;
    if (status != RuleStatus::fired) continue;
    const auto& then = *rules[i].then;
    const bool has_because = explain_ && rules[i].because.has_value();
    std::string because;
    if (has_because) {
      frame_.explain(i);
      because = render_because(program.rules[i], frame_);
    }
    if (then.kind == ast::ActionClause::Kind::recommend) {
      d.recommendations.push_back({i, then.name.text, then.priority, false, -1, has_because, std::move(because)});
    } else {
      const auto& flags = policy_->checked().flags;
      const auto flag = static_cast<std::uint32_t>(
          std::find_if(flags.begin(), flags.end(), [&](const FlagInfo& f) { return f.name == then.name.text; }) - flags.begin());
      d.raised.push_back({i, flag, has_because, std::move(because)});
    }
  }
  for (const auto& raised : d.raised) {
    if (std::find(d.flags.begin(), d.flags.end(), raised.flag) == d.flags.end()) d.flags.push_back(raised.flag);
  }
  std::sort(d.flags.begin(), d.flags.end());

  const ast::HitPolicy hit = policy_->hit();
  auto& recs = d.recommendations;
  if (hit != ast::HitPolicy::first) {
    // Highest priority first; ties keep declaration order (recs are already in it).
    // A stable insertion sort: a record fires a handful of rules, and std::stable_sort
    // would allocate a temporary buffer for every record.
    for (std::size_t i = 1; i < recs.size(); ++i) {
      for (std::size_t j = i; j > 0 && recs[j - 1].priority < recs[j].priority; --j) std::swap(recs[j - 1], recs[j]);
    }
  }
  const std::string& fallback = policy_->checked().decision().default_action->text;
  if (recs.empty()) {
    d.actions.push_back(fallback);
  } else if (hit == ast::HitPolicy::collect) {
    for (auto& r : recs) {
      r.chosen = true;
      d.actions.push_back(r.action);
    }
  } else {
    recs.front().chosen = true;
    d.actions.push_back(recs.front().action);
    for (std::size_t i = 1; i < recs.size(); ++i) recs[i].overridden_by = recs.front().rule;
  }
}

}  // namespace tenet
