// The `tenet` command: subcommands on CLI11. Every piece of logic lives in the libraries;
// the cli/ files only read arguments and files, and choose exit codes (docs/cli.md). This one
// declares the command line and dispatches.
#include <csignal>

#include <CLI/CLI.hpp>

#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "engine/output/atomic_file.hpp"

using namespace tenet_cli;

namespace {

// The options of every command that streams a portfolio under params (batch, ranks, report):
// the same names and meanings everywhere, so the ranks of a shard are collected as its batch reads it.
template <typename Options>
void add_portfolio_options(CLI::App* command, Options& o) {
  command->add_option("--threads", o.threads, "threads, this one included (default: one per core)")->check(CLI::Range(1u, 1024u));
  command->add_option("--input-format", o.input_format, "jsonl or csv (default: by extension)")->check(CLI::IsMember({"jsonl", "csv"}));
  command->add_option("--param", o.params, "set a param: NAME=VALUE, VALUE as in a policy (50%, {\"a\",\"b\"}) or a,b,c");
  command->add_option("--params", o.params_file, "set params from a JSON object of NAME: VALUE");
  command->add_flag("--strict-fields", o.strict_fields, "a field or column the schema does not declare is a record error");
  command->add_flag("--no-na-values", o.no_na_values, "read CSV cells such as n/a, NA, - as values, not as absent");
}

}  // namespace

int main(int argc, char** argv) {
  // A reader that goes away (`tenet batch ... | head`) must not kill us silently with
  // SIGPIPE: the failed write is reported ("Broken pipe") with exit status 2, so a partial
  // output is never mistaken for a complete one.
  std::signal(SIGPIPE, SIG_IGN);
  // A run stopped by a signal leaves no temporary file behind; over a file size limit it fails.
  tenet::core::install_signal_cleanup();
  CLI::App app{"Tenet: explained, auditable decisions from customer-focus policies"};
  app.set_version_flag("--version", std::string("tenet ") + TENET_VERSION);
  app.require_subcommand(1);

  std::string check_path;
  auto* check = app.add_subcommand("check", "Parse and type-check a policy; print every error and warning");
  check->add_option("POLICY", check_path, "the .tenet policy file")->required();

  EvalOptions eval_options;
  auto* eval = app.add_subcommand("eval", "Evaluate every record of FACTS against POLICY");
  eval->add_option("POLICY", eval_options.policy, "the .tenet policy file")->required();
  eval->add_option("FACTS", eval_options.facts, "records: .jsonl, .json (an array) or .csv; - for standard input")->required();
  eval->add_option("--format", eval_options.format, "output: json (one object per record) or text (default on a terminal)")
      ->check(CLI::IsMember({"json", "text"}));
  eval->add_option("--input-format", eval_options.input_format, "jsonl, json or csv (default: by extension, else by content)")
      ->check(CLI::IsMember({"jsonl", "json", "csv"}));
  eval->add_flag("--trace", eval_options.trace, "add every rule's status and condition tree (JSON, or an indented tree in text)");
  eval->add_flag("--explain", eval_options.explain, "add each fired rule's title and source (and, in JSON, the rules that raised flags)");
  eval->add_option("--param", eval_options.params, "set a param: NAME=VALUE, VALUE as in a policy (50%, {\"a\",\"b\"}) or a,b,c");
  eval->add_option("--params", eval_options.params_file, "set params from a JSON object of NAME: VALUE");
  eval->add_option("-o,--output", eval_options.output, "write to this file (atomically) instead of standard output");
  eval->add_flag("--strict-fields", eval_options.strict_fields, "a field or column the schema does not declare is a record error");
  eval->add_flag("--no-na-values", eval_options.no_na_values, "read CSV cells such as n/a, NA, - as values, not as absent");

  BatchCliOptions batch_options;
  auto* batch = app.add_subcommand("batch", "Evaluate a whole portfolio: streaming, on all cores, with a summary");
  batch->add_option("POLICY", batch_options.policy, "the .tenet policy file")->required();
  add_portfolio_options(batch, batch_options);
  batch->add_option("PORTFOLIO", batch_options.portfolio, "records: .jsonl or .csv; - for standard input")->required();
  batch->add_option("-o,--output", batch_options.output, "output file (written atomically); - for standard output")->required();
  batch->add_option("--summary", batch_options.summary, "write the summary (JSON) to this file");
  batch->add_option("--format", batch_options.format, "output: jsonl or csv")->check(CLI::IsMember({"jsonl", "csv"}));
  batch->add_flag("--explain", batch_options.explain, "add the because texts, titles and sources of the fired rules");
  batch->add_flag("--trace", batch_options.trace, "add the full trace of every record");
  batch->add_option("--trace-sample", batch_options.trace_sample, "trace records whose line number is a multiple of N")
      ->check(CLI::PositiveNumber);
  batch->add_option("--rejects", batch_options.rejects, "also write every record error (line, offset, reason, raw text) here");
  batch->add_option("--max-errors", batch_options.max_errors, "stop (exit 3) once more than N records are errors");
  batch->add_option("--sum", batch_options.sums, "total this number field per decision in the summary (repeatable)");
  batch->add_flag("--quiet", batch_options.quiet, "no result line on standard error at the end");
  batch->add_option("--shard", batch_options.shard, "K/N: this is shard K of N (named in the summary; merge-summaries checks the set)");
  batch->add_option("--ranks", batch_options.ranks,
                    "rank percentile() against these ranks files (tenet ranks, one a shard), not this input");
  batch->add_flag("--no-key-check", batch_options.no_key_check,
                  "do not look for repeated keys (the check keeps 16 bytes a record; memory then stays flat)");

  std::vector<std::string> test_paths;
  auto* test = app.add_subcommand("test", "Run policy tests (NAME.tests.jsonl files, or the folders that hold them)");
  test->add_option("PATH", test_paths, "test files or folders")->required();
  bool test_coverage = false;
  std::string test_junit;
  test->add_flag("--coverage", test_coverage, "per rule: fired, not fired, unknown; and/or operands never true or never false");
  test->add_option("--junit", test_junit, "also write the results as JUnit XML to this file");

  std::vector<std::string> fmt_paths;
  bool fmt_check = false;
  auto* format = app.add_subcommand("fmt", "Rewrite policies in canonical form, keeping every comment");
  format->add_option("FILE", fmt_paths, "policy files; - formats standard input to standard output")->required();
  format->add_flag("--check", fmt_check, "change nothing; list the files that are not formatted and exit 1 if any");

  std::string graph_path, graph_format = "dot";
  auto* graph = app.add_subcommand("graph", "Draw the rule graph: fields, params, lets, rules, flags and the decision");
  graph->add_option("POLICY", graph_path, "the .tenet policy file")->required();
  graph->add_option("--format", graph_format, "dot (Graphviz, the default) or mermaid")->check(CLI::IsMember({"dot", "mermaid"}));

  DiffCliOptions diff_options;
  auto* diff = app.add_subcommand(
      "diff", "Decide a portfolio with two policies (or two sets of params) and list the records whose decision changed");
  diff->add_option("OLD", diff_options.old_policy, "the policy before")->required();
  diff->add_option("NEW", diff_options.new_policy, "the policy after (the same file, with --old-param/--new-param, compares params)")
      ->required();
  diff->add_option("PORTFOLIO", diff_options.portfolio, "records: .jsonl or .csv; - for standard input")->required();
  diff->add_option("-o,--output", diff_options.output, "one JSON line per changed record (default: standard output)");
  diff->add_option("--summary", diff_options.summary, "write the transition counts and their causes here (JSON)");
  diff->add_option("--old-param", diff_options.old_params, "a param of OLD: NAME=VALUE");
  diff->add_option("--new-param", diff_options.new_params, "a param of NEW: NAME=VALUE");
  diff->add_option("--threads", diff_options.threads, "threads (default: one per core)")->check(CLI::Range(1u, 1024u));
  diff->add_option("--input-format", diff_options.input_format, "jsonl or csv (default: by extension)")
      ->check(CLI::IsMember({"jsonl", "csv"}));
  diff->add_flag("--quiet", diff_options.quiet, "no line of counts on standard error");

  FlipCliOptions flip_options;
  auto* flip = app.add_subcommand("flip", "Per record, the smallest change of one number field that changes its decision");
  flip->add_option("POLICY", flip_options.policy, "the .tenet policy file")->required();
  flip->add_option("FACTS", flip_options.facts, "records: .jsonl, .json (an array) or .csv; - for standard input")->required();
  flip->add_option("--within", flip_options.within, "only the records a change this small flips (relative: 5% or 0.05)");
  flip->add_option("--fields", flip_options.fields, "change up to K number fields at once (1, the default, or 2)")
      ->check(CLI::Range(1u, 2u));
  flip->add_option("--param", flip_options.params, "set a param: NAME=VALUE");
  flip->add_option("--params", flip_options.params_file, "set params from a JSON object of NAME: VALUE");
  flip->add_option("--timeout-ms", flip_options.timeout_ms, "bound on each solver question (default 1000)")->check(CLI::Range(1u, 600000u));
  flip->add_option("--budget-ms", flip_options.budget_ms, "bound on all questions together (default 600000); then exit 3")
      ->check(CLI::Range(1u, 86400000u));
  flip->add_option("--input-format", flip_options.input_format, "jsonl or csv (default: by extension, else by content)")
      ->check(CLI::IsMember({"jsonl", "csv"}));

  SensitivityCliOptions sensitivity_options;
  auto* sensitivity = app.add_subcommand("sensitivity", "Count a portfolio's decisions as one number param moves over a range");
  sensitivity->add_option("POLICY", sensitivity_options.policy, "the .tenet policy file")->required();
  sensitivity->add_option("PORTFOLIO", sensitivity_options.portfolio, "records: .jsonl or .csv; - for standard input")->required();
  sensitivity->add_option("--param", sensitivity_options.param, "the number param that moves")->required();
  sensitivity->add_option("--range", sensitivity_options.range, "LOW..HIGH, as in a policy: 5%..25%")->required();
  sensitivity->add_option("--steps", sensitivity_options.steps, "equal steps from LOW to HIGH (default 10: 11 values)")
      ->check(CLI::Range(1u, 1000u));
  sensitivity->add_option("--params", sensitivity_options.params_file, "the other params, from a JSON object of NAME: VALUE");
  sensitivity->add_option("--format", sensitivity_options.format, "text (a table, the default) or json")
      ->check(CLI::IsMember({"text", "json"}));
  sensitivity->add_option("--threads", sensitivity_options.threads, "threads (default: one per core)")->check(CLI::Range(1u, 1024u));
  sensitivity->add_option("--input-format", sensitivity_options.input_format, "jsonl or csv (default: by extension)")
      ->check(CLI::IsMember({"jsonl", "csv"}));

  std::string lint_path;
  tenet::core::LintOptions lint_options;
  auto* lint =
      app.add_subcommand("lint", "Find conditions that can never be true, rules that can never be chosen, ties, and unused declarations");
  lint->add_option("POLICY", lint_path, "the .tenet policy file")->required();
  lint->add_flag("--any-params", lint_options.any_params, "let params take any value of their type, not the policy's");
  lint->add_option("--timeout-ms", lint_options.timeout_ms, "bound on each solver question (default 2000)")->check(CLI::Range(1u, 600000u));
  lint->add_option("--budget-ms", lint_options.budget_ms, "bound on all questions together (default 60000); then exit 3")
      ->check(CLI::Range(1u, 86400000u));

  ReportCliOptions report_options;
  auto* report = app.add_subcommand("report", "Write one self-contained HTML report of a portfolio's decisions");
  report->add_option("POLICY", report_options.policy, "the .tenet policy file")->required();
  add_portfolio_options(report, report_options);
  report->add_option("PORTFOLIO", report_options.portfolio, "records: .jsonl or .csv; - for standard input")->required();
  report->add_option("-o,--output", report_options.output, "the HTML file (written atomically)")->required();
  report->add_option("--by", report_options.by, "break the decisions down by the values of this field");
  report->add_option("--histogram", report_options.histogram, "draw the distribution of this number field, with the policy's thresholds");
  report->add_option("--sample", report_options.samples, "records explained per chosen rule (default 3)")->check(CLI::Range(0, 100));
  report->add_option("--run-date", report_options.run_date, "the date of the run, shown as given (default: the today param, if set)");
  report->add_option("--ranks", report_options.ranks, "rank percentile() against these ranks files (tenet ranks), not this input");
  report->add_flag("--quiet", report_options.quiet, "no result line on standard error at the end");

  RanksCliOptions ranks_options;
  auto* ranks = app.add_subcommand("ranks", "Collect what percentile() ranks against in one shard, for tenet batch --ranks");
  ranks->add_option("POLICY", ranks_options.policy, "the .tenet policy file")->required();
  add_portfolio_options(ranks, ranks_options);
  ranks->add_option("PORTFOLIO", ranks_options.portfolio, "records: .jsonl or .csv; - for standard input")->required();
  ranks->add_option("-o,--output", ranks_options.output, "the ranks file (written atomically); - for standard output")->required();
  ranks->add_option("--shard", ranks_options.shard, "K/N: this is shard K of N (batch --ranks then needs all N, each once)");

  std::vector<std::string> merge_inputs;
  std::string merge_output = "-";
  auto* merge = app.add_subcommand("merge-summaries", "Merge the summaries of shards into the summary of the whole");
  merge->add_option("SUMMARY", merge_inputs, "summary files written by tenet batch --summary")->required();
  merge->add_option("-o,--output", merge_output, "write the merged summary here (default: standard output)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);  // --help and --version print to standard output: checked as any output
    return finish_standard_output(code == 0 ? 0 : kExitUsage);
  }
  const auto run = [&] {
    if (*check) return run_check(check_path);
    if (*eval) return run_eval(eval_options);
    if (*batch) return run_batch_command(batch_options);
    if (*merge) return run_merge(merge_inputs, merge_output);
    if (*ranks) return run_ranks(ranks_options);
    if (*report) return run_report(report_options);
    if (*graph) return run_graph(graph_path, graph_format);
    if (*lint) return run_lint(lint_path, lint_options);
    if (*diff) return run_diff_command(diff_options);
    if (*sensitivity) return run_sensitivity_command(sensitivity_options);
    if (*flip) return run_flip(flip_options);
    if (*test) return run_tests(test_paths, test_coverage, test_junit);
    if (*format) return run_fmt(fmt_paths, fmt_check);
    return kExitUsage;
  };
  return finish_standard_output(run());
}
