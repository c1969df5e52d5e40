// `tenet lint`: static findings about a compiled policy, each with its code (docs/analysis.md).
//   unsatisfiable   a rule's condition no record can make true
//   shadowed        a recommending rule that can never be chosen: whenever it fires, a rule
//                   that ranks above it under the decision's hit policy fires too
//   overlap         two recommending rules of equal priority that can both fire (under `hit
//                   priority` the tie goes to the one declared first)
//   default-action  a rule that recommends the decision's default
//   unused          a param, let or field that nothing reads
// The solver questions are asked of condition_encoding.hpp's formulas, each bounded in time; a
// record the solver proposes as a witness is evaluated by the engine before it is shown.
// A comment `# lint: allow CODE` inside a declaration, or in the comment lines just above it,
// silences that code there.
#pragma once

#include <cstddef>

#include "dsl/diagnostics.hpp"
#include "engine/policy.hpp"

namespace tenet::core {

struct LintOptions {
  bool any_params = false;     // params free within their type, not the policy's values
  unsigned timeout_ms = 2000;  // per solver question
  unsigned budget_ms = 60000;  // all questions together: once spent, the rest are not asked
};

struct LintResult {
  Diagnostics findings;       // warnings, each message ending in [CODE]
  std::size_t questions = 0;  // solver questions asked
  std::size_t undecided = 0;  // of them, not answered within the bound (no finding made)
  std::size_t skipped = 0;    // questions not asked: the budget was spent (no finding made)
  std::size_t allowed = 0;    // findings silenced by `# lint: allow CODE`
  // Every question was answered: "0 findings" then means none can be made.
  bool complete() const { return undecided == 0 && skipped == 0; }
};

LintResult lint(const Policy& policy, const LintOptions& options);

}  // namespace tenet::core
