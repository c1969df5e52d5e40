#include "engine/analysis/lint.hpp"

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "dsl/formatter.hpp"
#include "engine/analysis/condition_encoding.hpp"
#include "engine/ingest/facts_reader.hpp"

namespace tenet::core {

namespace {

using ast::ActionClause;

// Which params, lets and fields any expression reads.
struct Reads {
  std::set<std::uint32_t> fields, params, lets;
  void walk(const ast::Expr& e) {
    if (e.kind == ast::ExprKind::name) {
      if (e.ref == ast::RefKind::field) fields.insert(e.ref_index);
      if (e.ref == ast::RefKind::param) params.insert(e.ref_index);
      if (e.ref == ast::RefKind::let) lets.insert(e.ref_index);
    }
    for (const auto& operand : e.operands) walk(*operand);
  }
};

class Linter {
 public:
  Linter(const Policy& policy, const LintOptions& options)
      : policy_(policy),
        checked_(policy.checked()),
        m_(checked_.module),
        options_(options),
        solver_(ctx_),
        encoder_(ctx_, checked_, policy.program(),
                 options.any_params ? ConditionEncoder::Params::free : ConditionEncoder::Params::as_compiled) {
    solver_.add(encoder_.axioms());  // each question is bounded by budget_
  }

  LintResult run() {
    unused();
    default_actions();
    std::vector<bool> satisfiable(m_.rules.size(), true);
    for (std::uint32_t r = 0; r < m_.rules.size(); ++r) {
      if (ask({encoder_.fires(r)}) != z3::unsat) continue;
      satisfiable[r] = false;
      find(m_.rules[r].when->range, rule_range(r), "unsatisfiable",
           fmt::format("rule '{}' can never fire: no record makes its condition true", m_.rules[r].name.text));
    }
    if (checked_.decision().hit != ast::HitPolicy::collect) {
      for (std::uint32_t r = 0; r < m_.rules.size(); ++r)
        if (satisfiable[r] && recommends(r)) shadowed(r);
    }
    if (checked_.decision().hit == ast::HitPolicy::priority) overlaps(satisfiable);
    return std::move(result_);
  }

 private:
  bool recommends(std::uint32_t r) const { return m_.rules[r].then && m_.rules[r].then->kind == ActionClause::Kind::recommend; }
  std::int64_t priority(std::uint32_t r) const { return m_.rules[r].then->priority; }
  SourceRange rule_range(std::uint32_t r) const { return m_.rules[r].range; }

  // Whether rule `above` ranks above rule `r` under the hit policy.
  bool ranks_above(std::uint32_t above, std::uint32_t r) const {
    if (!recommends(above) || above == r) return false;
    if (checked_.decision().hit == ast::HitPolicy::first) return above < r;
    return priority(above) > priority(r) || (priority(above) == priority(r) && above < r);
  }

  z3::check_result ask(const std::vector<z3::expr>& facts) {
    if (!budget_.bound(ctx_, solver_)) {  // the budget is spent: not asked, and no finding made
      ++result_.skipped;
      return z3::unknown;
    }
    ++result_.questions;
    solver_.push();
    for (const auto& f : facts) solver_.add(f);
    const z3::check_result answer = solver_.check();
    if (answer == z3::unknown) ++result_.undecided;
    if (answer == z3::sat) model_.emplace(solver_.get_model());
    solver_.pop();
    return answer;
  }

  void shadowed(std::uint32_t r) {
    std::vector<z3::expr> facts{encoder_.fires(r)};
    std::vector<std::uint32_t> above;
    for (std::uint32_t b = 0; b < m_.rules.size(); ++b) {
      if (!ranks_above(b, r)) continue;
      above.push_back(b);
      facts.push_back(!encoder_.fires(b));
    }
    if (above.empty() || ask(facts) != z3::unsat) return;
    // Name the one rule that covers it alone, when there is one.
    std::string by;
    for (auto b : above) {
      if (ask({encoder_.fires(r), !encoder_.fires(b)}) != z3::unsat) continue;
      by = checked_.decision().hit == ast::HitPolicy::first
               ? fmt::format("'{}', declared before it, fires too", m_.rules[b].name.text)
               : fmt::format("'{}' (priority {}) fires too", m_.rules[b].name.text, priority(b));
      break;
    }
    if (by.empty()) {
      by = "one of";
      for (auto b : above) by += fmt::format(" '{}'", m_.rules[b].name.text);
      by += " fires too";
    }
    find(m_.rules[r].name.range, rule_range(r), "shadowed",
         fmt::format("rule '{}' can never be chosen: whenever it fires, {}{}", m_.rules[r].name.text, by,
                     checked_.decision().hit == ast::HitPolicy::first ? "" : " and ranks above it"));
  }

  void overlaps(const std::vector<bool>& satisfiable) {
    // In a portfolio of one record (a witness), every percentile() is 1.
    std::optional<z3::expr> alone;
    for (const auto& o : encoder_.opaques()) {
      if ((o.code != OpCode::percentile && o.code != OpCode::percentile_by) || !o.value) continue;
      const z3::expr one = *o.value == ctx_.real_val(1);
      alone = alone ? *alone && one : one;
    }
    for (std::uint32_t a = 0; a < m_.rules.size(); ++a) {
      for (std::uint32_t b = a + 1; b < m_.rules.size(); ++b) {
        if (!satisfiable[a] || !satisfiable[b] || !recommends(a) || !recommends(b) || priority(a) != priority(b)) continue;
        // An overlap the policy says it intends is not asked: whether a record makes both fire
        // changes nothing, and one the solver cannot settle would leave the lint incomplete.
        if (allowed(rule_range(b), "overlap") || allowed(rule_range(a), "overlap")) {
          ++result_.allowed;
          continue;
        }
        if (ask({encoder_.fires(a), encoder_.fires(b)}) != z3::sat) continue;
        std::string record = encoder_.witness(*model_);
        // A witness is a portfolio of one record, where every percentile() is 1: ask for one so.
        if (!both_fire(record, a, b) && alone && ask({encoder_.fires(a), encoder_.fires(b), *alone}) == z3::sat)
          record = encoder_.witness(*model_);
        if (!both_fire(record, a, b)) {  // the solver's record does not convince the evaluator
          ++result_.undecided;
          continue;
        }
        find(m_.rules[b].name.range, rule_range(b), "overlap",
             fmt::format("rules '{}' and '{}' can both fire at priority {}; the tie goes to '{}', declared first", m_.rules[a].name.text,
                         m_.rules[b].name.text, priority(a), m_.rules[a].name.text),
             {{m_.rules[a].name.range, "both fire on " + record}}, rule_range(a));
      }
    }
  }

  // Evaluates the witness with the engine: both rules must fire on it.
  bool both_fire(const std::string& record, std::uint32_t a, std::uint32_t b) const {
    Evaluator evaluator(policy_);
    std::optional<PortfolioStats> alone;  // percentile(): the witness ranked among itself
    if (policy_.needs_portfolio()) {
      alone.emplace(portfolio_of(record + "\n", FactsFormat::jsonl, policy_));
      evaluator.set_portfolio(&*alone);
    }
    bool ok = false;
    std::string error;
    read_facts(
        record + "\n", FactsFormat::jsonl, policy_,
        [&](std::size_t, Record* r, RecordError*) {
          if (!r) return;
          const Decision& d = evaluator.evaluate(std::move(*r));
          ok = d.statuses[a] == RuleStatus::fired && d.statuses[b] == RuleStatus::fired;
        },
        error);
    return ok;
  }

  void default_actions() {
    const auto& decision = checked_.decision();
    if (!decision.default_action) return;
    for (std::uint32_t r = 0; r < m_.rules.size(); ++r) {
      if (!recommends(r) || m_.rules[r].then->name.text != decision.default_action->text) continue;
      find(m_.rules[r].then->range, rule_range(r), "default-action",
           fmt::format("rule '{}' recommends '{}', the decision's default", m_.rules[r].name.text, decision.default_action->text));
    }
  }

  void unused() {
    Reads reads;
    for (const auto& let : m_.lets) reads.walk(*let.value);
    for (const auto& rule : m_.rules) {
      if (rule.when) reads.walk(*rule.when);
      if (rule.because)
        for (const auto& part : rule.because->parts)
          if (part.expr) reads.walk(*part.expr);
    }
    const auto& fields = checked_.schema().fields;
    for (std::uint32_t i = 0; i < fields.size(); ++i) {
      if (fields[i].is_key || reads.fields.count(i)) continue;
      find(fields[i].name.range, {fields[i].name.range.begin, fields[i].type_range.end}, "unused",
           fmt::format("field '{}' is read by no rule or let", fields[i].name.text));
    }
    for (std::uint32_t i = 0; i < m_.params.size(); ++i) {
      if (m_.params[i].implicit || reads.params.count(i)) continue;
      find(m_.params[i].name.range, m_.params[i].range, "unused",
           fmt::format("param '{}' is read by no rule or let", m_.params[i].name.text));
    }
    for (std::uint32_t i = 0; i < m_.lets.size(); ++i) {
      if (reads.lets.count(i)) continue;
      find(m_.lets[i].name.range, m_.lets[i].range, "unused", fmt::format("let '{}' is read by no rule or let", m_.lets[i].name.text));
    }
  }

  // A finding at `at`, about the declaration `owner` (and `also`, for a pair): silenced by a
  // `# lint: allow CODE` comment in either, or in the comment lines just above either.
  void find(SourceRange at, SourceRange owner, const char* code, std::string message, std::vector<DiagnosticNote> notes = {},
            std::optional<SourceRange> also = std::nullopt) {
    if (allowed(owner, code) || (also && allowed(*also, code))) {
      ++result_.allowed;
      return;
    }
    result_.findings.warning(at, fmt::format("{} [{}]", message, code), std::move(notes));
  }

  bool allowed(SourceRange owner, std::string_view code) const {
    const SourceFile& file = policy_.sources().file_at(owner.begin);
    const std::uint32_t first_line = file.locate(owner.begin).line, last_line = file.locate(owner.end).line;
    std::uint32_t top = first_line;
    while (top > 1) {  // the comment lines just above the declaration
      const std::string_view line = file.line_text(top - 1);
      const auto start = line.find_first_not_of(" \t");
      if (start == std::string_view::npos || line[start] != '#') break;
      --top;
    }
    for (const auto& [offset, text] : find_comments(file.text())) {
      const std::uint32_t line = file.locate(file.base() + offset).line;
      if (line < top || line > last_line) continue;
      const auto at = text.find("lint: allow");
      if (at == std::string::npos) continue;
      const std::string_view codes = std::string_view(text).substr(at + 11);
      for (std::size_t i = codes.find(code); i != std::string_view::npos; i = codes.find(code, i + 1)) {
        const bool starts = i == 0 || codes[i - 1] == ' ' || codes[i - 1] == ',';
        const bool ends = i + code.size() == codes.size() || codes[i + code.size()] == ' ' || codes[i + code.size()] == ',';
        if (starts && ends) return true;
      }
    }
    return false;
  }

  const Policy& policy_;
  const CheckedPolicy& checked_;
  const ast::Module& m_;
  LintOptions options_;
  z3::context ctx_;
  z3::solver solver_;
  ConditionEncoder encoder_;
  std::optional<z3::model> model_;
  LintResult result_;
  QuestionBudget budget_{options_.timeout_ms, options_.budget_ms};
};

}  // namespace

LintResult lint(const Policy& policy, const LintOptions& options) { return Linter(policy, options).run(); }

}  // namespace tenet::core
