#include "dsl/rule_graph.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "dsl/types.hpp"

namespace tenet::core {

const char* kind_name(RuleGraph::Kind kind) {
  switch (kind) {
    case RuleGraph::Kind::field: return "field";
    case RuleGraph::Kind::param: return "param";
    case RuleGraph::Kind::let: return "let";
    case RuleGraph::Kind::rule: return "rule";
    case RuleGraph::Kind::flag: return "flag";
    case RuleGraph::Kind::decision: return "decision";
  }
  return "?";
}

namespace {

class Builder {
 public:
  explicit Builder(const CheckedPolicy& policy) : policy_(policy), m_(policy.module) {}

  RuleGraph build() {
    for (const auto& f : policy_.schema().fields) add(RuleGraph::Kind::field, f.name.text, type_name(f.type));
    for (const auto& p : m_.params) add(RuleGraph::Kind::param, p.name.text, type_name(p.type));
    for (const auto& l : m_.lets) add(RuleGraph::Kind::let, l.name.text, "");
    for (const auto& r : m_.rules) add(RuleGraph::Kind::rule, r.name.text, r.title.value_or(""));
    for (const auto& f : policy_.flags) add(RuleGraph::Kind::flag, f.name, "");
    const auto& decision = policy_.decision();
    add(RuleGraph::Kind::decision, decision.name.text,
        fmt::format("hit {}, default {}", ast::hit_text(*decision.hit), decision.default_action->text));

    for (std::uint32_t i = 0; i < m_.lets.size(); ++i) reads(*m_.lets[i].value, first_let_ + i);
    for (std::uint32_t i = 0; i < m_.rules.size(); ++i) {
      const auto& rule = m_.rules[i];
      reads(*rule.when, first_rule_ + i);
      if (rule.then->kind == ast::ActionClause::Kind::recommend) {
        edge(first_rule_ + i, decision_, fmt::format("{}, {}", rule.then->name.text, rule.then->priority));
      }
    }
    for (std::uint32_t f = 0; f < policy_.flags.size(); ++f)
      for (const auto r : policy_.flags[f].setters) edge(first_rule_ + r, first_flag_ + f, "");

    std::sort(g_.edges.begin(), g_.edges.end(), [](const auto& a, const auto& b) {
      return a.to != b.to ? a.to < b.to : a.from != b.from ? a.from < b.from : a.label < b.label;
    });
    g_.edges.erase(std::unique(g_.edges.begin(), g_.edges.end(),
                               [](const auto& a, const auto& b) { return a.to == b.to && a.from == b.from && a.label == b.label; }),
                   g_.edges.end());
    return std::move(g_);
  }

 private:
  void add(RuleGraph::Kind kind, std::string name, std::string detail) {
    const auto index = static_cast<std::uint32_t>(g_.nodes.size());
    switch (kind) {
      case RuleGraph::Kind::param:
        if (first_param_ == kNone) first_param_ = index;
        break;
      case RuleGraph::Kind::let:
        if (first_let_ == kNone) first_let_ = index;
        break;
      case RuleGraph::Kind::rule:
        if (first_rule_ == kNone) first_rule_ = index;
        break;
      case RuleGraph::Kind::flag:
        if (first_flag_ == kNone) first_flag_ = index;
        break;
      case RuleGraph::Kind::decision: decision_ = index; break;
      case RuleGraph::Kind::field: break;
    }
    g_.nodes.push_back({kind, std::move(name), std::move(detail)});
  }

  void edge(std::uint32_t from, std::uint32_t to, std::string label) { g_.edges.push_back({from, to, std::move(label)}); }

  // Every name `e` reads, as an edge into `to`; the argument of fired()/flagged() reads a rule's
  // or a flag's outcome.
  void reads(const ast::Expr& e, std::uint32_t to) {
    switch (e.ref) {
      case ast::RefKind::field: edge(e.ref_index, to, ""); break;
      case ast::RefKind::param: edge(first_param_ + e.ref_index, to, ""); break;
      case ast::RefKind::let: edge(first_let_ + e.ref_index, to, ""); break;
      case ast::RefKind::rule: edge(first_rule_ + e.ref_index, to, "fired"); break;
      case ast::RefKind::flag: edge(first_flag_ + e.ref_index, to, "flagged"); break;
      case ast::RefKind::none: break;
    }
    for (const auto& operand : e.operands) reads(*operand, to);
  }

  static constexpr std::uint32_t kNone = UINT32_MAX;
  const CheckedPolicy& policy_;
  const ast::Module& m_;
  RuleGraph g_;
  std::uint32_t first_param_ = kNone, first_let_ = kNone, first_rule_ = kNone, first_flag_ = kNone, decision_ = kNone;
};

}  // namespace

RuleGraph rule_graph(const CheckedPolicy& policy) { return Builder(policy).build(); }

}  // namespace tenet::core
