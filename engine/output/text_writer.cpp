#include "engine/output/text_writer.hpp"

#include <fmt/format.h>

namespace tenet {

namespace {

// The explanation of a fired rule: its `because` text, else its title, else its name.
std::string reason(const ast::RuleDecl& rule, bool has_because, const std::string& because) {
  if (has_because) return because;
  if (rule.title) return *rule.title;
  return fmt::format("rule {} fired", rule.name.text);
}

}  // namespace

void write_text_header(std::string& out, const Policy& policy) {
  const PolicyInfo& info = policy.info();
  out += fmt::format("policy {} {} \"{}\" (sha256 {})\n\n", info.name, info.version, info.title, info.sha256);
}

void write_decision_text(std::string& out, const Policy& policy, const Decision& d) {
  const auto& rules = policy.checked().module.rules;
  std::string actions;
  for (std::size_t i = 0; i < d.actions.size(); ++i) actions += (i ? ", " : "") + d.actions[i];
  out += fmt::format("{}: {}{}\n", d.id, actions, d.recommendations.empty() ? " (default: no rule recommended anything)" : "");
  for (const auto& r : d.recommendations) {
    if (!r.chosen) continue;
    out += fmt::format("  because {}  [rule {}, priority {}]\n", reason(rules[r.rule], r.has_because, r.because),
                       rules[r.rule].name.text, r.priority);
  }
  for (const auto& f : d.raised) {
    out += fmt::format("  flag {}: {}  [rule {}]\n", policy.checked().flags[f.flag].name,
                       reason(rules[f.rule], f.has_because, f.because), rules[f.rule].name.text);
  }
  for (const auto& r : d.recommendations) {
    if (r.chosen) continue;
    out += fmt::format("  overridden: {} ({})  [rule {}, priority {}, lost to {}]\n", r.action,
                       reason(rules[r.rule], r.has_because, r.because), rules[r.rule].name.text, r.priority,
                       rules[static_cast<std::size_t>(r.overridden_by)].name.text);
  }
}

void write_error_text(std::string& out, const RecordError& e) {
  out += fmt::format("line {}{}: error: {}\n", e.line, e.id ? fmt::format(" ({})", *e.id) : std::string(), e.message);
}

void write_text_footer(std::string& out, std::size_t decided, std::size_t errors) {
  out += fmt::format("\n{} record{}: {} decided, {} error{}\n", decided + errors, decided + errors == 1 ? "" : "s",
                     decided, errors, errors == 1 ? "" : "s");
}

}  // namespace tenet
