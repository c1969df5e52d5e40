#include "engine/output/text_writer.hpp"

#include <fmt/format.h>

#include "engine/output/trace_tree.hpp"

namespace tenet::core {

namespace {

// The explanation of a fired rule: its `because` text, else its title, else its name.
std::string reason(const ast::RuleDecl& rule, bool has_because, std::string_view because) {
  if (has_because) return std::string(because);
  if (rule.title) return *rule.title;
  return fmt::format("rule {} fired", rule.name.text);
}

}  // namespace

void write_text_header(std::string& out, const Policy& policy) {
  const PolicyInfo& info = policy.info();
  out += fmt::format("policy {} {} \"{}\" (sha256 {})\n", info.name, info.version, info.title, info.sha256);
  for (const auto& [path, sha256] : info.imports) out += fmt::format("  imports {} (sha256 {})\n", path, sha256);
  out += '\n';
}

namespace {

void append_trace_text(std::string& out, const Policy& policy, const Decision& d, const Frame& frame) {
  const auto& rules = policy.checked().module.rules;
  out += "  trace:\n";
  for (const RuleTrace& rule : trace_tree(policy, d, frame)) {
    fmt::format_to(std::back_inserter(out), "    rule {}: {}\n", rules[rule.rule].name.text, status_name(rule.status));
    for (const TraceTreeNode& node : rule.nodes) {
      out.append(static_cast<std::size_t>(6 + 2 * node.depth), ' ');
      fmt::format_to(std::back_inserter(out), "{} = {}  [{}]\n", node.text, node.value, node.where);
    }
  }
}

// The rule's title and source on lines of their own, for --explain.
std::string provenance(const ast::RuleDecl& rule) {
  std::string out;
  if (rule.title) out += fmt::format("\n      title: {}", *rule.title);
  if (rule.source) out += fmt::format("\n      source: {}", *rule.source);
  return out;
}

}  // namespace

void write_decision_text(std::string& out, const Policy& policy, const Decision& d, const Frame* trace, bool explain) {
  const auto& rules = policy.checked().module.rules;
  std::string actions;
  for (std::size_t i = 0; i < d.actions.size(); ++i) actions += (i ? ", " : "") + policy.action_name(d.actions[i]);
  const auto& fields = policy.checked().schema().fields;
  // "R is unknown because a, b are missing" (or the reason, when no field is missing).
  const auto why_unknown = [&](const UnknownRule& u) {
    std::string names;
    for (auto k = u.missing_begin; k < u.missing_end; ++k) names += (k == u.missing_begin ? "" : ", ") + fields[d.missing[k]].name.text;
    const std::size_t count = u.missing_end - u.missing_begin;
    const std::string why =
        count ? fmt::format("{} {} missing", names, count == 1 ? "is" : "are") : std::string(u.reason ? *u.reason : "unknown");
    return fmt::format("{} is unknown because {}", rules[u.rule].name.text, why);
  };
  std::string note;
  if (d.provisional) {
    for (const auto& u : d.unknown) {  // only those that could have changed it: the fields worth getting
      if (!u.could_change) continue;
      note += (note.empty() ? " (provisional: " : "; ") + why_unknown(u);
    }
    note += ")";
  } else if (d.is_default()) {
    note = " (default: no rule recommended anything)";
  }
  out += fmt::format("{}: {}{}\n", d.id, actions, note);
  for (const auto& r : d.recommendations) {
    if (!r.chosen) continue;
    out += fmt::format("  because {}  [rule {}, priority {}]{}\n", reason(rules[r.rule], r.has_because, d.text(r.because)),
                       rules[r.rule].name.text, r.priority, explain ? provenance(rules[r.rule]) : "");
  }
  for (const auto& f : d.raised) {
    out += fmt::format("  flag {}: {}  [rule {}]{}\n", policy.checked().flags[f.flag].name,
                       reason(rules[f.rule], f.has_because, d.text(f.because)), rules[f.rule].name.text,
                       explain ? provenance(rules[f.rule]) : "");
  }
  for (const auto& r : d.recommendations) {
    if (r.chosen) continue;
    out += fmt::format("  overridden: {} ({})  [rule {}, priority {}, lost to {}]\n", policy.action_name(r.action),
                       reason(rules[r.rule], r.has_because, d.text(r.because)), rules[r.rule].name.text, r.priority,
                       rules[static_cast<std::size_t>(r.overridden_by)].name.text);
  }
  for (const auto& u : d.unknown) out += fmt::format("  unknown: {}\n", why_unknown(u));
  if (trace) append_trace_text(out, policy, d, *trace);
}

void write_error_text(std::string& out, const RecordError& e) {
  out += fmt::format("line {}{}: error: {}\n", e.line, e.id ? fmt::format(" ({})", *e.id) : std::string(), e.message);
}

void write_text_footer(std::string& out, std::size_t decided, std::size_t errors) {
  out += fmt::format("\n{} record{}: {} decided, {} error{}\n", decided + errors, decided + errors == 1 ? "" : "s", decided, errors,
                     errors == 1 ? "" : "s");
}

}  // namespace tenet::core
