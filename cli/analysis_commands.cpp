// Analysis over portfolios: diff (two policies), flip (the nearest change), sensitivity (a param
// moving).
#include "cli/commands.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include <fmt/format.h>

#include "engine/analysis/diff.hpp"
#include "engine/analysis/flip.hpp"
#include "engine/analysis/sensitivity.hpp"
#include "engine/ingest/facts_reader.hpp"
#include "engine/output/atomic_file.hpp"
#include "engine/output/json_writer.hpp"
#include "engine/policy.hpp"
#include "cli/common.hpp"

namespace tenet_cli {

// `tenet diff`: exit 0 when no decision changed, 1 when some did (as diff(1)), 2 on trouble.
int run_diff_command(const DiffCliOptions& o) {
  std::vector<std::pair<std::string, std::string>> old_params, new_params;
  if (!collect_params(o.old_params, "", old_params) || !collect_params(o.new_params, "", new_params)) return kExitUsage;
  Loaded old_loaded = load_policy(o.old_policy, old_params, false, true, "OLD");
  if (old_loaded.exit_code != kExitOk) return old_loaded.exit_code;
  Loaded new_loaded = load_policy(o.new_policy, new_params, false, true, "NEW");
  if (new_loaded.exit_code != kExitOk) return new_loaded.exit_code;
  tenet::core::DiffOptions options;
  options.threads = o.threads;
  auto inputs = policy_files("OLD", old_loaded.result);
  for (auto& f : policy_files("NEW", new_loaded.result)) inputs.push_back(std::move(f));
  inputs.push_back({"PORTFOLIO", o.portfolio});
  if (!distinct_files(inputs, {{"-o", o.output}, {"--summary", o.summary}})) return kExitUsage;
  const PortfolioFile portfolio =
      open_portfolio(o.portfolio, o.input_format, "diff", options.input,
                     old_loaded.result.policy->needs_portfolio() || new_loaded.result.policy->needs_portfolio());
  if (!portfolio) return kExitUsage;
  std::FILE* input = portfolio.get();
  std::string error;
  tenet::core::AtomicFile out, summary;  // replaced together after the run, or neither
  if (!out.open(o.output, error) || (!o.summary.empty() && !summary.open(o.summary, error))) {
    print_error(error);
    return kExitUsage;
  }
  const auto started = std::chrono::steady_clock::now();
  const tenet::core::DiffResult result =
      tenet::core::run_diff(*old_loaded.result.policy, *new_loaded.result.policy, options, input, [&](const std::string& text) {
        out.write(text);
        return !out.failed();
      });
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (!result.failure.empty()) {
    print_error(fmt::format("{}: {}", o.portfolio, result.failure));
    out.discard();
    return kExitUsage;
  }
  if (!o.summary.empty()) summary.write(result.summary.to_json(old_loaded.result.policy->info(), new_loaded.result.policy->info()));
  if (!tenet::core::commit_together({&out, o.summary.empty() ? nullptr : &summary}, error)) {
    print_error(error);
    return kExitUsage;
  }
  const auto& s = result.summary;
  if (!o.quiet)
    std::cerr << fmt::format("tenet: {} records: {} decisions changed ({:.2f}%) in {:.2f} s ({:.0f} records/s)\n", s.records, s.changed,
                             s.records ? 100.0 * static_cast<double>(s.changed) / static_cast<double>(s.records) : 0.0, seconds,
                             seconds > 0 ? s.records / seconds : 0.0);
  return s.changed ? kExitPolicyError : kExitOk;
}

// `tenet flip`: one line per record (errors included), the nearest change that flips it.
int run_flip(const FlipCliOptions& o) {
  Loaded loaded = load_policy_to_run(o.policy, o.params, o.params_file);
  if (loaded.exit_code != kExitOk) return loaded.exit_code;
  const tenet::core::Policy& policy = *loaded.result.policy;
  tenet::core::FlipOptions options;
  options.timeout_ms = o.timeout_ms;
  options.budget_ms = o.budget_ms;
  options.fields = o.fields;
  if (!o.within.empty()) {
    std::string error;
    auto within = tenet::core::parse_param_value(tenet::core::Type::of(tenet::core::TypeKind::number), o.within, error);
    if (!within || within->number.compare(tenet::core::Decimal()) < 0) {
      print_error(fmt::format("--within {}: expected a relative change as in a policy, as in 5% or 0.05", o.within));
      return kExitUsage;
    }
    options.within = within->number;
  }
  std::string facts, error;
  tenet::core::FactsFormat format;
  if (!read_facts_file(o.facts, o.input_format, facts, format)) return kExitUsage;
  std::optional<tenet::core::PortfolioStats> portfolio;  // percentile(): the facts are the portfolio it ranks against
  if (policy.needs_portfolio()) {
    portfolio.emplace(tenet::core::portfolio_of(facts, format, policy));
    options.portfolio = &*portfolio;
  }
  tenet::core::Flipper flipper(policy, options);
  std::size_t records = 0, shown = 0, errors = 0;
  const auto sink = [&](std::size_t, tenet::core::Record* record, tenet::core::RecordError* record_error) {
    ++records;
    std::string line;
    if (record) {
      auto flipped = flipper.flip(*record);
      if (!flipped) return;
      line = std::move(*flipped) + "\n";
      ++shown;
    } else {
      ++errors;
      tenet::core::write_error_json(line, *record_error);
    }
    std::cout << line;
  };
  if (!tenet::core::read_facts(std::move(facts), format, policy, sink, error)) {
    print_error(fmt::format("{}: {}", o.facts, error));
    return kExitUsage;
  }
  if (options.within)
    std::cerr << fmt::format("tenet: {} of {} records flip with a change of one field within {}\n", shown, records, o.within);
  const tenet::core::FlipCounts counts = flipper.counts();
  if (counts.undecided)
    std::cerr << fmt::format("tenet: {} of {} solver questions undecided within {} ms each: a flip may be missed there\n", counts.undecided,
                             counts.questions, o.timeout_ms);
  if (counts.skipped)
    std::cerr << fmt::format(
        "tenet: {} solver questions not asked: the budget of {} ms was spent (--budget-ms); a flip may be missed there\n", counts.skipped,
        o.budget_ms);
  // A flip that may be missed is an incomplete answer: exit 3, as for records that are errors.
  return errors || counts.undecided || counts.skipped ? kExitRecordErrors : kExitOk;
}

// `tenet sensitivity`: the decision counts under N + 1 values of one number param.
int run_sensitivity_command(const SensitivityCliOptions& o) {
  std::vector<std::pair<std::string, std::string>> fixed;
  if (!collect_params({}, o.params_file, fixed)) return kExitUsage;
  if (std::any_of(fixed.begin(), fixed.end(), [&](const auto& p) { return p.first == o.param; })) {
    print_error(fmt::format("--params {}: sets '{}', the param that --param moves", o.params_file, o.param));
    return kExitUsage;
  }
  Loaded loaded = load_policy(o.policy, fixed, false, true);
  if (loaded.exit_code != kExitOk) return loaded.exit_code;
  const auto& declared = loaded.result.policy->checked().module.params;
  auto param = std::find_if(declared.begin(), declared.end(), [&](const tenet::core::ast::ParamDecl& p) { return p.name.text == o.param; });
  if (param == declared.end() || param->type.kind != tenet::core::TypeKind::number) {
    print_error(param == declared.end() ? fmt::format("--param {}: the policy has no param '{}'", o.param, o.param)
                                        : fmt::format("--param {}: '{}' is {}; sensitivity moves a number param", o.param, o.param,
                                                      tenet::core::type_phrase(param->type)));
    return kExitUsage;
  }
  // LOW..HIGH, each written as in a policy (5%, 0.05, 1_000).
  const std::size_t dots = o.range.find("..");
  std::optional<tenet::core::Value> low, high;
  std::string error;
  if (dots != std::string::npos) {
    low = tenet::core::parse_param_value(param->type, o.range.substr(0, dots), error);
    high = tenet::core::parse_param_value(param->type, o.range.substr(dots + 2), error);
  }
  if (!low || !high || low->number.compare(high->number) > 0) {
    print_error(fmt::format("--range {}: expected LOW..HIGH, two numbers as in a policy with LOW <= HIGH, as in 5%..25%", o.range));
    return kExitUsage;
  }
  std::vector<tenet::core::SensitivityStep> steps;
  const tenet::core::Decimal width = high->number.sub(low->number).value;
  for (unsigned i = 0; i <= o.steps; ++i) {
    // LOW + (HIGH - LOW) * i / N: exact where the step is, rounded to 18 digits where it is not.
    const tenet::core::Decimal value =
        i == o.steps
            ? high->number
            : low->number.add(width.mul(tenet::core::Decimal::from_int(i)).value.div(tenet::core::Decimal::from_int(o.steps)).value).value;
    auto params = fixed;
    params.emplace_back(o.param, value.to_string());
    auto compiled = tenet::core::Policy::compile(tenet::core::SourceFile(o.policy, loaded.result.source().text()), params);
    if (!compiled.policy) {
      for (const auto& e : compiled.param_errors) print_error(e);
      return kExitUsage;
    }
    steps.push_back({value.to_string(), compiled.policy, {}});
  }
  tenet::core::SensitivityOptions options;
  options.threads = o.threads;
  const PortfolioFile portfolio =
      open_portfolio(o.portfolio, o.input_format, "sensitivity", options.input, loaded.result.policy->needs_portfolio());
  if (!portfolio) return kExitUsage;
  std::FILE* input = portfolio.get();
  const tenet::core::SensitivityResult result = tenet::core::run_sensitivity(std::move(steps), options, input);
  if (!result.failure.empty()) {
    print_error(fmt::format("{}: {}", o.portfolio, result.failure));
    return kExitUsage;
  }
  std::cout << (o.format == "json" ? tenet::core::sensitivity_json(o.param, result) : tenet::core::sensitivity_text(o.param, result));
  return kExitOk;
}

}  // namespace tenet_cli
