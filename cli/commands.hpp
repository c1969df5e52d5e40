// The subcommands: what main.cpp parses into, and the functions that run them (each returns
// its exit status). policy_commands.cpp: check, test, fmt, lint, graph (the consultant's
// workflow); run_commands.cpp: eval, batch, ranks, merge-summaries, report; analysis_commands.cpp:
// diff, flip, sensitivity.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/analysis/lint.hpp"

namespace tenet_cli {

struct EvalOptions {
  std::string policy, facts, format, input_format, output, params_file;
  bool strict_fields = false, no_na_values = false, explain = false;
  bool trace = false;
  std::vector<std::string> params;
};

struct BatchCliOptions {
  std::string policy, portfolio, output, summary, rejects, format = "jsonl", input_format, shard;
  unsigned threads = 0;
  bool explain = false, trace = false, quiet = false;
  std::uint64_t trace_sample = 0;
  std::optional<std::uint64_t> max_errors;
  std::vector<std::string> sums, params, ranks;
  std::string params_file;
  bool strict_fields = false, no_na_values = false, no_key_check = false;
};

struct DiffCliOptions {
  std::string old_policy, new_policy, portfolio, output = "-", summary, input_format;
  std::vector<std::string> old_params, new_params;
  unsigned threads = 0;
  bool quiet = false;
};

struct FlipCliOptions {
  std::string policy, facts, within, input_format, params_file;
  std::vector<std::string> params;
  unsigned timeout_ms = 1000;
  unsigned budget_ms = 600000;
  unsigned fields = 1;
};

struct SensitivityCliOptions {
  std::string policy, portfolio, param, range, format = "text", input_format, params_file;
  unsigned steps = 10, threads = 0;
};

struct RanksCliOptions {
  std::string policy, portfolio, output, input_format, params_file, shard;
  std::vector<std::string> params;
  unsigned threads = 0;
  bool strict_fields = false, no_na_values = false;
};

struct ReportCliOptions {
  std::string policy, portfolio, output, input_format, params_file, by, histogram, run_date;
  std::vector<std::string> params, ranks;
  std::size_t samples = 3;
  unsigned threads = 0;
  bool strict_fields = false, no_na_values = false, quiet = false;
};

// `tenet check`: errors and warnings of a policy, exit 1 with any error.
int run_check(const std::string& path);

// `tenet test`: policy tests (NAME.tests.jsonl), with coverage and JUnit on request.
int run_tests(const std::vector<std::string>& paths, bool coverage, const std::string& junit);

// `tenet fmt FILE...`: each policy rewritten in canonical form with its comments; `--check` only
// lists the files that are not; `-` formats standard input to standard output.
int run_fmt(const std::vector<std::string>& paths, bool check);

// `tenet lint`: findings in check's format, `FILE:LINE:COL: warning: ... [CODE]`; exit 1 with any.
int run_lint(const std::string& path, const tenet::core::LintOptions& options);

// `tenet graph`: the rule graph of a policy that checks, as DOT (default) or Mermaid.
int run_graph(const std::string& path, const std::string& format);

// `tenet eval`: facts held in memory, decided and explained.
int run_eval(const EvalOptions& o);

// `tenet batch`: a portfolio streamed on all cores, with a summary.
int run_batch_command(const BatchCliOptions& o);

// `tenet diff`: exit 0 when no decision changed, 1 when some did (as diff(1)), 2 on trouble.
int run_diff_command(const DiffCliOptions& o);

// `tenet flip`: one line per record (errors included), the nearest change that flips it.
int run_flip(const FlipCliOptions& o);

// `tenet sensitivity`: the decision counts under N + 1 values of one number param.
int run_sensitivity_command(const SensitivityCliOptions& o);

// `tenet ranks`: the first pass of a percentile() policy over one shard, for `batch --ranks`.
int run_ranks(const RanksCliOptions& o);

// `tenet merge-summaries`: the summaries of shards added up into the summary of the whole.
int run_merge(const std::vector<std::string>& paths, const std::string& output);

// `tenet report`: one self-contained HTML file of a portfolio's decisions.
int run_report(const ReportCliOptions& o);

}  // namespace tenet_cli
