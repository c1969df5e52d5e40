// The `tenet` command: subcommands on CLI11. Every piece of logic lives in the libraries;
// this file only reads arguments and files, and chooses exit codes (docs/cli.md).
#include <csignal>
#include <unistd.h>

#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "dsl/formatter.hpp"
#include "dsl/parser.hpp"
#include "engine/output/graph_writer.hpp"
#include "engine/policy_tests.hpp"
#include "engine/batch/batch.hpp"
#include "engine/batch/portfolio_pass.hpp"
#include "engine/batch/ranks_file.hpp"
#include "engine/ingest/facts_reader.hpp"
#include "engine/ingest/input_checks.hpp"
#include "engine/output/atomic_file.hpp"
#include "engine/output/json_writer.hpp"
#include "engine/output/text_writer.hpp"
#include "engine/analysis/diff.hpp"
#include "engine/analysis/flip.hpp"
#include "engine/analysis/lint.hpp"
#include "engine/analysis/sensitivity.hpp"
#include "engine/tenet.hpp"

namespace {

constexpr int kExitOk = 0;
constexpr int kExitPolicyError = 1;
constexpr int kExitUsage = 2;
constexpr int kExitRecordErrors = 3;

void print_error(const std::string& message) { std::cerr << "tenet: " << message << "\n"; }

struct Loaded {
  tenet::Policy::CompileResult result;
  int exit_code = kExitOk;
};

// `side`: which policy of two (tenet diff), named in the param errors.
Loaded load_policy(const std::string& path, const std::vector<std::pair<std::string, std::string>>& params, bool show_warnings,
                   bool evaluates = false, const std::string& side = "") {
  Loaded loaded;
  std::string text, error;
  if (!tenet::read_input(path, text, error)) {
    print_error(error);
    loaded.exit_code = kExitUsage;
    return loaded;
  }
  loaded.result = tenet::Policy::compile(tenet::SourceFile(path, std::move(text)), params);
  const auto& diagnostics = loaded.result.diagnostics;
  if (diagnostics.has_errors() || show_warnings) std::cerr << tenet::render(*loaded.result.sources, diagnostics);
  if (diagnostics.has_errors()) {
    const std::size_t errors = diagnostics.error_count();
    std::cerr << fmt::format("{} error{} in {}\n", errors, errors == 1 ? "" : "s", path);
    loaded.exit_code = kExitPolicyError;
    return loaded;
  }
  auto errors = loaded.result.param_errors;
  if (evaluates) errors.insert(errors.end(), loaded.result.unset_params.begin(), loaded.result.unset_params.end());
  for (const auto& e : errors) print_error(side.empty() ? e : fmt::format("{} ({}): {}", side, path, e));
  if (!errors.empty()) loaded.exit_code = kExitUsage;
  return loaded;
}

int run_check(const std::string& path) {
  Loaded loaded = load_policy(path, {}, true);
  if (loaded.exit_code != kExitOk) return loaded.exit_code;
  const auto& policy = *loaded.result.policy;
  const auto& info = policy.info();
  const std::size_t warnings = loaded.result.diagnostics.sorted().size();
  std::cout << fmt::format("{}: ok: policy {} version {}, {} rules, {} warning{}\n", path, info.name, info.version,
                           policy.checked().module.rules.size(), warnings, warnings == 1 ? "" : "s");
  return kExitOk;
}

// `tenet test PATH...`: every NAME.tests.jsonl file given, or found below a folder given.
void print_coverage(const std::string& policy, std::size_t tests, const tenet::Coverage& c) {
  std::cout << fmt::format("coverage of {} over {} test{}:\n", policy, tests, tests == 1 ? "" : "s");
  for (const auto& r : c.rules)
    std::cout << fmt::format("  rule {}: fired {}, not fired {}, unknown {}{}\n", r.name, r.fired, r.not_fired, r.unknown,
                             r.fired == 0 ? "  (never fired)" : r.not_fired == 0 ? "  (never not fired)" : "");
  std::size_t full = 0;
  for (const auto& o : c.operands) {
    if (o.seen_true && o.seen_false) {
      ++full;
      continue;
    }
    const char* never = !o.seen_true && !o.seen_false ? "never true or false" : !o.seen_true ? "never true" : "never false";
    std::cout << fmt::format("  {}: {} `{}` ({})\n", o.where, never, o.text, o.owner);
  }
  std::cout << fmt::format("  {} of {} and/or operands were both true and false\n", full, c.operands.size());
}

int run_tests(const std::vector<std::string>& paths, bool coverage, const std::string& junit) {
  std::vector<std::string> files;
  for (const auto& path : paths) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) {
      std::vector<std::string> found;
      for (const auto& entry : std::filesystem::recursive_directory_iterator(path, ec)) {
        const std::string name = entry.path().filename().string();
        if (entry.is_regular_file() && name.ends_with(".tests.jsonl")) found.push_back(entry.path().string());
      }
      std::sort(found.begin(), found.end());
      if (found.empty()) {
        print_error(fmt::format("{}: no test files (NAME.tests.jsonl) in this folder", path));
        return kExitUsage;
      }
      files.insert(files.end(), found.begin(), found.end());
    } else {
      files.push_back(path);
    }
  }
  std::size_t passed = 0, failed = 0;
  bool broken = false;
  std::vector<std::pair<std::string, std::vector<tenet::TestOutcome>>> results;
  std::deque<tenet::TestFile> files_kept;  // stable addresses: the outcomes point into them
  for (const auto& path : files) {
    tenet::LoadedTests loaded = tenet::load_test_file(path);
    for (const auto& e : loaded.errors) std::cerr << e << "\n";
    if (!loaded.file) {
      broken = true;
      continue;
    }
    std::string error;
    tenet::Coverage covered;
    auto outcomes = tenet::run_test_file(*loaded.file, error, coverage ? &covered : nullptr);
    if (!error.empty()) {
      print_error(error);
      broken = true;
      continue;
    }
    for (const auto& o : outcomes) {
      if (o.differences.empty()) {
        ++passed;
        continue;
      }
      ++failed;
      std::cout << fmt::format("{}:{}: FAIL {}\n", path, o.test->line, o.test->name);
      for (const auto& d : o.differences) std::cout << "  " << d << "\n";
      for (const auto& b : o.because) std::cout << "  because " << b << "\n";
    }
    if (coverage) print_coverage(loaded.file->policy_path, outcomes.size(), covered);
    results.emplace_back(path, std::move(outcomes));
    files_kept.push_back(std::move(*loaded.file));  // outcomes point at its tests
  }
  if (!junit.empty()) {
    std::ofstream out(junit);
    out << tenet::junit_xml(results);
    if (!out.flush()) {
      print_error(fmt::format("--junit {}: cannot write", junit));
      return kExitUsage;
    }
  }
  std::cout << fmt::format("{} passed, {} failed\n", passed, failed);
  if (broken) return kExitUsage;
  return failed ? kExitPolicyError : kExitOk;
}

// `tenet fmt FILE...`: each policy rewritten in canonical form with its comments; `--check` only
// lists the files that are not; `-` formats standard input to standard output.
int run_fmt(const std::vector<std::string>& paths, bool check) {
  bool unformatted = false, failed = false;
  for (const auto& path : paths) {
    std::string text, error;
    if (!tenet::read_input(path, text, error)) {
      print_error(error);
      failed = true;
      continue;
    }
    const tenet::SourceFile source(path == "-" ? "<stdin>" : path, text);
    tenet::ParseResult parsed = tenet::parse(source);
    if (parsed.diagnostics.has_errors()) {
      std::cerr << tenet::render(source, parsed.diagnostics);
      std::cerr << fmt::format("{}: not formatted: it does not parse\n", path);
      failed = true;
      continue;
    }
    const std::string formatted = tenet::format_policy(parsed.module, source);
    if (path == "-" && !check) {
      std::cout << formatted;
      continue;
    }
    if (formatted == text) continue;
    if (check) {
      std::cout << fmt::format("{}: not formatted\n", path);
      unformatted = true;
      continue;
    }
    tenet::AtomicFile out;
    std::string write_error;
    if (out.open(path, write_error)) out.write(formatted);
    if (!out.is_open() || !out.commit(write_error)) {
      print_error(write_error.empty() ? fmt::format("{}: cannot write", path) : write_error);
      failed = true;
      continue;
    }
    std::cout << fmt::format("{}: formatted\n", path);
  }
  if (failed) return kExitUsage;
  return unformatted ? kExitPolicyError : kExitOk;
}

// `tenet lint`: findings in check's format, `FILE:LINE:COL: warning: ... [CODE]`; exit 1 with any.
int run_lint(const std::string& path, const tenet::LintOptions& options) {
  Loaded loaded = load_policy(path, {}, false);
  if (loaded.exit_code != kExitOk) return loaded.exit_code;
  const tenet::LintResult result = tenet::lint(*loaded.result.policy, options);
  std::cerr << tenet::render(loaded.result.policy->sources(), result.findings);
  const std::size_t found = result.findings.sorted().size();
  std::string line = fmt::format("{}: {} finding{}", path, found, found == 1 ? "" : "s");
  if (result.allowed) line += fmt::format(", {} allowed by '# lint: allow'", result.allowed);
  line += fmt::format("; {} solver question{}", result.questions, result.questions == 1 ? "" : "s");
  if (result.undecided) line += fmt::format(", {} undecided within {} ms each (no finding made of them)", result.undecided, options.timeout_ms);
  std::cerr << line << "\n";
  return found ? kExitPolicyError : kExitOk;
}

// `tenet graph`: the rule graph of a policy that checks, as DOT (default) or Mermaid.
int run_graph(const std::string& path, const std::string& format) {
  Loaded loaded = load_policy(path, {}, false);
  if (loaded.exit_code != kExitOk) return loaded.exit_code;
  const auto& policy = *loaded.result.policy;
  std::cout << tenet::render_graph(tenet::rule_graph(policy.checked()), policy.info().name,
                                   format == "mermaid" ? tenet::GraphFormat::mermaid : tenet::GraphFormat::dot);
  return kExitOk;
}

void print_warnings(const tenet::Summary& summary, const tenet::Policy& policy, bool csv) {
  for (const auto& w : tenet::input_warnings(summary, policy, csv)) std::cerr << "tenet: warning: " << w << "\n";
}

struct EvalOptions {
  std::string policy, facts, format, input_format, output, params_file;
  bool strict_fields = false, no_na_values = false, explain = false;
  bool trace = false;
  std::vector<std::string> params;
};

// --param NAME=VALUE (repeatable) and --params FILE (a JSON object NAME: VALUE), as NAME,
// VALUE pairs in the order given; a param set twice is a usage error, never "last wins".
bool collect_params(const std::vector<std::string>& flags, const std::string& params_file,
                    std::vector<std::pair<std::string, std::string>>& params) {
  const auto add = [&](std::string name, std::string value, const std::string& where) {
    for (const auto& [seen, _] : params) {
      if (seen == name) {
        print_error(fmt::format("{}: param '{}' is set more than once; set each param once", where, name));
        return false;
      }
    }
    params.emplace_back(std::move(name), std::move(value));
    return true;
  };
  if (!params_file.empty()) {
    std::string text, error;
    if (!tenet::read_input(params_file, text, error)) {
      print_error(error);
      return false;
    }
    auto values = tenet::read_params_json(text, error);
    if (!values) {
      print_error(fmt::format("--params {}: {}", params_file, error));
      return false;
    }
    for (auto& [name, value] : *values)
      if (!add(name, value, "--params " + params_file)) return false;
  }
  for (const auto& p : flags) {
    const auto eq = p.find('=');
    if (eq == std::string::npos || eq == 0) {
      print_error(fmt::format("--param {}: expected NAME=VALUE", p));
      return false;
    }
    if (!add(p.substr(0, eq), p.substr(eq + 1), "--param " + p)) return false;
  }
  return true;
}

// FACTS of eval and flip, read whole: the format by --input-format, else by extension, else by content.
bool read_facts_file(const std::string& path, const std::string& input_format, std::string& facts, tenet::FactsFormat& format) {
  std::string error;
  if (!tenet::read_input(path, facts, error)) {
    print_error(error);
    return false;
  }
  format = tenet::sniff_format(facts);
  if (input_format == "jsonl") format = tenet::FactsFormat::jsonl;
  else if (input_format == "json") format = tenet::FactsFormat::json_array;
  else if (input_format == "csv") format = tenet::FactsFormat::csv;
  else if (auto by_name = tenet::format_from_extension(path)) format = *by_name;
  return true;
}

int run_eval(const EvalOptions& o) {
  std::vector<std::pair<std::string, std::string>> params;
  if (!collect_params(o.params, o.params_file, params)) return kExitUsage;
  Loaded loaded = load_policy(o.policy, params, false, true);
  if (loaded.exit_code != kExitOk) return loaded.exit_code;
  const tenet::Policy& policy = *loaded.result.policy;

  std::string facts, error;
  tenet::FactsFormat format;
  if (!read_facts_file(o.facts, o.input_format, facts, format)) return kExitUsage;

  const bool to_terminal = (o.output.empty() || o.output == "-") && ::isatty(STDOUT_FILENO);
  const bool text = o.format == "text" || (o.format.empty() && to_terminal);
  tenet::AtomicFile out;
  if (!out.open(o.output, error)) {
    print_error(error);
    return kExitUsage;
  }
  tenet::Evaluator evaluator(policy);
  std::size_t decided = 0, errors = 0;
  std::string buffer;
  if (text) tenet::write_text_header(buffer, policy);
  tenet::Summary observed = tenet::Summary::of(policy);  // for the schema checks' warnings
  tenet::Decision d;
  const auto sink = [&](std::size_t, tenet::Record* record, tenet::RecordError* record_error) {
    if (record) {
      evaluator.evaluate(*record, d);  // into the same Decision: its storage is reused record after record
      ++decided;
      const tenet::Frame* trace = o.trace ? &evaluator.frame() : nullptr;
      if (text) tenet::write_decision_text(buffer, policy, d, trace, o.explain);
      else tenet::write_decision_json(buffer, policy, d, trace, o.explain);
    } else {
      ++errors;
      if (text) tenet::write_error_text(buffer, *record_error);
      else tenet::write_error_json(buffer, *record_error);
    }
    if (buffer.size() > (1u << 16)) {
      out.write(buffer);
      buffer.clear();
    }
  };
  tenet::InputOptions input_options;
  input_options.strict_fields = o.strict_fields;
  input_options.na_values = !o.no_na_values;
  std::optional<tenet::PortfolioStats> portfolio;  // percentile(): a first pass over the facts
  if (policy.needs_portfolio()) {
    portfolio.emplace(tenet::portfolio_of(facts, format, policy, input_options));
    evaluator.set_portfolio(&*portfolio);
  }
  if (!tenet::read_facts(std::move(facts), format, policy, sink, error, input_options, &observed)) {
    // The input cannot be read at all: an existing output file keeps its content.
    print_error(fmt::format("{}: {}", o.facts, error));
    return kExitUsage;
  }
  print_warnings(observed, policy, format == tenet::FactsFormat::csv);
  if (text) tenet::write_text_footer(buffer, decided, errors);
  out.write(buffer);
  if (!out.commit(error)) {
    print_error(error);
    return kExitUsage;
  }
  return errors > 0 ? kExitRecordErrors : kExitOk;
}

// A portfolio streamed by batch, diff and sensitivity: JSON lines or CSV (by --input-format, else
// by extension; standard input is JSON lines), opened; nullptr after saying why. `two_passes`
// (a policy reads percentile()): standard input is spooled to a file, as the run reads it twice.
std::FILE* open_portfolio(const std::string& path, const std::string& input_format, const char* command, tenet::FactsFormat& format,
                          bool two_passes) {
  std::optional<tenet::FactsFormat> chosen;
  if (input_format == "jsonl") chosen = tenet::FactsFormat::jsonl;
  else if (input_format == "csv") chosen = tenet::FactsFormat::csv;
  else chosen = tenet::format_from_extension(path);
  if (!chosen && path == "-") chosen = tenet::FactsFormat::jsonl;
  if (!chosen || *chosen == tenet::FactsFormat::json_array) {
    print_error(fmt::format("{}: {} reads JSON lines (.jsonl) or CSV (.csv); use --input-format for other names", path, command));
    return nullptr;
  }
  format = *chosen;
  std::FILE* input = path == "-" ? stdin : std::fopen(path.c_str(), "rb");
  if (!input) print_error(fmt::format("cannot open {}: {}", path, std::strerror(errno)));
  if (input != stdin || !two_passes) return input;
  std::FILE* spool = std::tmpfile();
  char chunk[1 << 16];
  std::size_t n = 0;
  while (spool && (n = std::fread(chunk, 1, sizeof chunk, stdin)) > 0)
    if (std::fwrite(chunk, 1, n, spool) != n) spool = nullptr;
  if (!spool || std::ferror(stdin) || std::fflush(spool) != 0 || std::fseek(spool, 0, SEEK_SET) != 0) {
    print_error(fmt::format("cannot spool standard input for the two passes percentile() needs: {}", std::strerror(errno)));
    return nullptr;
  }
  return spool;
}

struct BatchCliOptions {
  std::string policy, portfolio, output, summary, rejects, format = "jsonl", input_format;
  unsigned threads = 0;
  bool explain = false, trace = false, quiet = false;
  std::uint64_t trace_sample = 0;
  std::optional<std::uint64_t> max_errors;
  std::vector<std::string> sums, params, ranks;
  std::string params_file;
  bool strict_fields = false, no_na_values = false, no_key_check = false;
};

// percentile(): the distributions of ranks files (tenet ranks, one a shard), merged; false after
// saying why.
bool read_ranks_files(const std::vector<std::string>& paths, const tenet::Policy& policy, const std::string& policy_path,
                      std::optional<tenet::PortfolioStats>& stats) {
  if (!policy.needs_portfolio()) {
    print_error(fmt::format("--ranks: {} reads no percentile(), so it ranks against nothing", policy_path));
    return false;
  }
  stats.emplace(policy.program());
  for (const auto& path : paths) {
    std::string text, error;
    if (!tenet::read_input(path, text, error)) {
      print_error(error);
      return false;
    }
    if (error = tenet::read_ranks(text, policy, *stats); !error.empty()) {
      print_error(fmt::format("{}: {}", path, error));
      return false;
    }
  }
  stats->finish();
  return true;
}

int run_batch_command(const BatchCliOptions& o) {
  std::vector<std::pair<std::string, std::string>> params;
  if (!collect_params(o.params, o.params_file, params)) return kExitUsage;
  Loaded loaded = load_policy(o.policy, params, false, true);
  if (loaded.exit_code != kExitOk) return loaded.exit_code;
  const tenet::Policy& policy = *loaded.result.policy;

  if (o.format == "csv" && (o.trace || o.trace_sample)) {
    print_error("--trace and --trace-sample write a tree per record, which CSV cannot hold: use --format jsonl");
    return kExitUsage;
  }
  tenet::BatchOptions options;
  options.threads = o.threads;
  options.explain = o.explain;
  options.trace = o.trace;
  options.trace_sample = o.trace_sample;
  options.max_errors = o.max_errors;
  options.output = o.format == "csv" ? tenet::BatchFormat::csv : tenet::BatchFormat::jsonl;
  options.input_options.strict_fields = o.strict_fields;
  options.input_options.na_values = !o.no_na_values;
  options.check_keys = !o.no_key_check;
  std::optional<tenet::PortfolioStats> ranks;
  if (!o.ranks.empty()) {
    if (!read_ranks_files(o.ranks, policy, o.policy, ranks)) return kExitUsage;
    options.ranks = &*ranks;
  }
  const auto& fields = policy.checked().schema().fields;
  for (const auto& name : o.sums) {
    auto it = std::find_if(fields.begin(), fields.end(), [&](const tenet::ast::FieldDecl& f) { return f.name.text == name; });
    if (it == fields.end() || it->type.kind != tenet::TypeKind::number) {
      print_error(fmt::format("--sum {}: the schema has no number field '{}'", name, name));
      return kExitUsage;
    }
    options.sum_fields.push_back(static_cast<std::uint32_t>(it - fields.begin()));
  }
  std::FILE* input = open_portfolio(o.portfolio, o.input_format, "batch", options.input, policy.needs_portfolio() && !options.ranks);
  if (!input) return kExitUsage;

  struct stat info {};
  const std::uint64_t size = (input != stdin && ::fstat(fileno(input), &info) == 0) ? static_cast<std::uint64_t>(info.st_size) : 0;

  std::string error;
  tenet::AtomicFile out, rejects;
  if (!out.open(o.output, error) || (!o.rejects.empty() && !rejects.open(o.rejects, error))) {
    print_error(error);
    return kExitUsage;
  }
  std::string header;
  tenet::write_batch_header(header, options.output, options.explain);
  out.write(header);

  const bool show_progress = !o.quiet && ::isatty(STDERR_FILENO);
  const auto started = std::chrono::steady_clock::now();
  auto last_shown = started;
  tenet::BatchIO io;
  io.input = input;
  io.write_output = [&](const std::string& text) { out.write(text); return !out.failed(); };
  if (!o.rejects.empty()) io.write_rejects = [&](const std::string& text) { rejects.write(text); return !rejects.failed(); };
  if (show_progress) {
    io.progress = [&](const tenet::BatchProgress& p) {
      const auto now = std::chrono::steady_clock::now();
      if (now - last_shown < std::chrono::milliseconds(500)) return;
      last_shown = now;
      const double seconds = std::chrono::duration<double>(now - started).count();
      std::string line = fmt::format("\r{} records, {:.0f} records/s", p.records, p.records / seconds);
      if (size) line += fmt::format(", {:.0f}%", 100.0 * static_cast<double>(p.bytes) / static_cast<double>(size));
      std::cerr << line << std::flush;
    };
  }
  tenet::BatchResult result = tenet::run_batch(policy, options, io);
  if (input != stdin) std::fclose(input);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (show_progress) std::cerr << "\r\033[K";

  bool io_ok = result.failure.empty() && !result.output_failed;
  if (!result.failure.empty()) {
    // The input could not be read to its end: no output file is replaced by a part of a run.
    print_error(fmt::format("{}: {}", o.portfolio, result.failure));
    out.discard();
    if (!o.rejects.empty()) rejects.discard();
  } else {
    if (!out.commit(error)) {
      print_error(error);
      io_ok = false;
    }
    if (!o.rejects.empty() && !rejects.commit(error)) {
      print_error(error);
      io_ok = false;
    }
  }
  if (result.failure.empty() && !o.summary.empty() && !tenet::write_file_atomically(o.summary, result.summary.to_json(), error)) {
    print_error(error);
    io_ok = false;
  }
  const auto& s = result.summary;
  if (result.failure.empty()) print_warnings(s, policy, options.input == tenet::FactsFormat::csv);
  if (!o.quiet) std::cerr << fmt::format("tenet: {} records: {} decided, {} errors in {:.2f} s ({:.0f} records/s){}\n", s.records, s.decided,
                           s.errors, seconds, seconds > 0 ? s.records / seconds : 0.0,
                           result.stopped_at_max_errors ? fmt::format("; stopped: more than {} errors", *o.max_errors)
                           : !io_ok ? "; stopped: the output is incomplete" : "");
  if (!io_ok) return kExitUsage;
  return s.errors > 0 ? kExitRecordErrors : kExitOk;
}

struct DiffCliOptions {
  std::string old_policy, new_policy, portfolio, output = "-", summary, input_format;
  std::vector<std::string> old_params, new_params;
  unsigned threads = 0;
  bool quiet = false;
};

// `tenet diff`: exit 0 when no decision changed, 1 when some did (as diff(1)), 2 on trouble.
int run_diff_command(const DiffCliOptions& o) {
  std::vector<std::pair<std::string, std::string>> old_params, new_params;
  if (!collect_params(o.old_params, "", old_params) || !collect_params(o.new_params, "", new_params)) return kExitUsage;
  Loaded old_loaded = load_policy(o.old_policy, old_params, false, true, "OLD");
  if (old_loaded.exit_code != kExitOk) return old_loaded.exit_code;
  Loaded new_loaded = load_policy(o.new_policy, new_params, false, true, "NEW");
  if (new_loaded.exit_code != kExitOk) return new_loaded.exit_code;
  tenet::DiffOptions options;
  options.threads = o.threads;
  std::FILE* input = open_portfolio(o.portfolio, o.input_format, "diff", options.input,
                                    old_loaded.result.policy->needs_portfolio() || new_loaded.result.policy->needs_portfolio());
  if (!input) return kExitUsage;
  std::string error;
  tenet::AtomicFile out;
  if (!out.open(o.output, error)) {
    print_error(error);
    return kExitUsage;
  }
  const auto started = std::chrono::steady_clock::now();
  const tenet::DiffResult result = tenet::run_diff(*old_loaded.result.policy, *new_loaded.result.policy, options, input,
                                                   [&](const std::string& text) { out.write(text); return !out.failed(); });
  if (input != stdin) std::fclose(input);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (!result.failure.empty()) {
    print_error(fmt::format("{}: {}", o.portfolio, result.failure));
    out.discard();
    return kExitUsage;
  }
  if (!out.commit(error) ||
      (!o.summary.empty() && !tenet::write_file_atomically(o.summary, result.summary.to_json(old_loaded.result.policy->info(),
                                                                                              new_loaded.result.policy->info()), error))) {
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

struct FlipCliOptions {
  std::string policy, facts, within, input_format, params_file;
  std::vector<std::string> params;
  unsigned timeout_ms = 1000;
};

// `tenet flip`: one line per record (errors included), the nearest change that flips it.
int run_flip(const FlipCliOptions& o) {
  std::vector<std::pair<std::string, std::string>> params;
  if (!collect_params(o.params, o.params_file, params)) return kExitUsage;
  Loaded loaded = load_policy(o.policy, params, false, true);
  if (loaded.exit_code != kExitOk) return loaded.exit_code;
  const tenet::Policy& policy = *loaded.result.policy;
  tenet::FlipOptions options;
  options.timeout_ms = o.timeout_ms;
  if (!o.within.empty()) {
    std::string error;
    auto within = tenet::parse_param_value(tenet::Type::of(tenet::TypeKind::number), o.within, error);
    if (!within || within->number.compare(tenet::Decimal()) < 0) {
      print_error(fmt::format("--within {}: expected a relative change as in a policy, as in 5% or 0.05", o.within));
      return kExitUsage;
    }
    options.within = within->number;
  }
  std::string facts, error;
  tenet::FactsFormat format;
  if (!read_facts_file(o.facts, o.input_format, facts, format)) return kExitUsage;
  std::optional<tenet::PortfolioStats> portfolio;  // percentile(): the facts are the portfolio it ranks against
  if (policy.needs_portfolio()) {
    portfolio.emplace(tenet::portfolio_of(facts, format, policy));
    options.portfolio = &*portfolio;
  }
  tenet::Flipper flipper(policy, options);
  std::size_t records = 0, shown = 0, errors = 0;
  const auto sink = [&](std::size_t, tenet::Record* record, tenet::RecordError* record_error) {
    ++records;
    std::string line;
    if (record) {
      auto flipped = flipper.flip(*record);
      if (!flipped) return;
      line = std::move(*flipped) + "\n";
      ++shown;
    } else {
      ++errors;
      tenet::write_error_json(line, *record_error);
    }
    std::cout << line;
  };
  if (!tenet::read_facts(std::move(facts), format, policy, sink, error)) {
    print_error(fmt::format("{}: {}", o.facts, error));
    return kExitUsage;
  }
  if (options.within) std::cerr << fmt::format("tenet: {} of {} records flip with a change of one field within {}\n", shown, records, o.within);
  const tenet::FlipCounts counts = flipper.counts();
  if (counts.undecided)
    std::cerr << fmt::format("tenet: {} of {} solver questions undecided within {} ms each: a flip may be missed there\n",
                             counts.undecided, counts.questions, o.timeout_ms);
  return errors ? kExitRecordErrors : kExitOk;
}

struct SensitivityCliOptions {
  std::string policy, portfolio, param, range, format = "text", input_format, params_file;
  unsigned steps = 10, threads = 0;
};

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
  auto param = std::find_if(declared.begin(), declared.end(), [&](const tenet::ast::ParamDecl& p) { return p.name.text == o.param; });
  if (param == declared.end() || param->type.kind != tenet::TypeKind::number) {
    print_error(param == declared.end() ? fmt::format("--param {}: the policy has no param '{}'", o.param, o.param)
                                        : fmt::format("--param {}: '{}' is {}; sensitivity moves a number param", o.param, o.param,
                                                      tenet::type_phrase(param->type)));
    return kExitUsage;
  }
  // LOW..HIGH, each written as in a policy (5%, 0.05, 1_000).
  const std::size_t dots = o.range.find("..");
  std::optional<tenet::Value> low, high;
  std::string error;
  if (dots != std::string::npos) {
    low = tenet::parse_param_value(param->type, o.range.substr(0, dots), error);
    high = tenet::parse_param_value(param->type, o.range.substr(dots + 2), error);
  }
  if (!low || !high || low->number.compare(high->number) > 0) {
    print_error(fmt::format("--range {}: expected LOW..HIGH, two numbers as in a policy with LOW <= HIGH, as in 5%..25%", o.range));
    return kExitUsage;
  }
  std::vector<tenet::SensitivityStep> steps;
  const tenet::Decimal width = high->number.sub(low->number).value;
  for (unsigned i = 0; i <= o.steps; ++i) {
    // LOW + (HIGH - LOW) * i / N: exact where the step is, rounded to 18 digits where it is not.
    const tenet::Decimal value = i == o.steps ? high->number
        : low->number.add(width.mul(tenet::Decimal::from_int(i)).value.div(tenet::Decimal::from_int(o.steps)).value).value;
    auto params = fixed;
    params.emplace_back(o.param, value.to_string());
    auto compiled = tenet::Policy::compile(tenet::SourceFile(o.policy, loaded.result.source().text()), params);
    if (!compiled.policy) {
      for (const auto& e : compiled.param_errors) print_error(e);
      return kExitUsage;
    }
    steps.push_back({value.to_string(), compiled.policy, {}});
  }
  tenet::SensitivityOptions options;
  options.threads = o.threads;
  std::FILE* input = open_portfolio(o.portfolio, o.input_format, "sensitivity", options.input,
                                    loaded.result.policy->needs_portfolio());
  if (!input) return kExitUsage;
  const tenet::SensitivityResult result = tenet::run_sensitivity(std::move(steps), options, input);
  if (input != stdin) std::fclose(input);
  if (!result.failure.empty()) {
    print_error(fmt::format("{}: {}", o.portfolio, result.failure));
    return kExitUsage;
  }
  std::cout << (o.format == "json" ? tenet::sensitivity_json(o.param, result) : tenet::sensitivity_text(o.param, result));
  return kExitOk;
}

struct RanksCliOptions {
  std::string policy, portfolio, output, input_format, params_file;
  std::vector<std::string> params;
  unsigned threads = 0;
  bool strict_fields = false, no_na_values = false;
};

// `tenet ranks`: the first pass of a percentile() policy over one shard, for `batch --ranks`.
int run_ranks(const RanksCliOptions& o) {
  std::vector<std::pair<std::string, std::string>> params;
  if (!collect_params(o.params, o.params_file, params)) return kExitUsage;
  Loaded loaded = load_policy(o.policy, params, false, true);
  if (loaded.exit_code != kExitOk) return loaded.exit_code;
  const tenet::Policy& policy = *loaded.result.policy;
  if (!policy.needs_portfolio()) {
    print_error(fmt::format("{}: reads no percentile(), so it has no ranks to collect", o.policy));
    return kExitUsage;
  }
  tenet::StreamOptions options;
  options.threads = o.threads;
  options.input_options.strict_fields = o.strict_fields;
  options.input_options.na_values = !o.no_na_values;
  std::FILE* input = open_portfolio(o.portfolio, o.input_format, "ranks", options.input, false);
  if (!input) return kExitUsage;
  tenet::PortfolioStats stats(policy.program());
  const std::string failure = tenet::collect_portfolio(policy, options, input, stats, false);
  if (input != stdin) std::fclose(input);
  std::string error;
  if (!failure.empty()) {
    print_error(fmt::format("{}: {}", o.portfolio, failure));
    return kExitUsage;
  }
  if (!tenet::write_file_atomically(o.output, tenet::write_ranks(policy, stats), error)) {
    print_error(error);
    return kExitUsage;
  }
  return kExitOk;
}

int run_merge(const std::vector<std::string>& paths, const std::string& output) {
  std::optional<tenet::Summary> merged;
  for (const auto& path : paths) {
    std::string text, error;
    if (!tenet::read_input(path, text, error)) {
      print_error(error);
      return kExitUsage;
    }
    auto summary = tenet::Summary::from_json(text, error);
    if (!summary) {
      print_error(fmt::format("{}: {}", path, error));
      return kExitUsage;
    }
    if (!merged) {
      merged = std::move(*summary);
    } else if (!merged->merge(*summary, error)) {
      print_error(fmt::format("{}: {}", path, error));
      return kExitUsage;
    }
  }
  std::string error;
  if (!tenet::write_file_atomically(output, merged->to_json(), error)) {
    print_error(error);
    return kExitUsage;
  }
  return kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
  // A reader that goes away (`tenet batch ... | head`) must not kill us silently with
  // SIGPIPE: the failed write is reported ("Broken pipe") with exit status 2, so a partial
  // output is never mistaken for a complete one.
  std::signal(SIGPIPE, SIG_IGN);
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
  batch->add_option("PORTFOLIO", batch_options.portfolio, "records: .jsonl or .csv; - for standard input")->required();
  batch->add_option("-o,--output", batch_options.output, "output file (written atomically); - for standard output")->required();
  batch->add_option("--threads", batch_options.threads, "threads, this one included (default: one per core)")->check(CLI::Range(1u, 1024u));
  batch->add_option("--summary", batch_options.summary, "write the summary (JSON) to this file");
  batch->add_option("--format", batch_options.format, "output: jsonl or csv")->check(CLI::IsMember({"jsonl", "csv"}));
  batch->add_option("--input-format", batch_options.input_format, "jsonl or csv (default: by extension)")
      ->check(CLI::IsMember({"jsonl", "csv"}));
  batch->add_flag("--explain", batch_options.explain, "add the because texts, titles and sources of the fired rules");
  batch->add_flag("--trace", batch_options.trace, "add the full trace of every record");
  batch->add_option("--trace-sample", batch_options.trace_sample, "trace records whose line number is a multiple of N")
      ->check(CLI::PositiveNumber);
  batch->add_option("--rejects", batch_options.rejects, "also write every record error (line, offset, reason, raw text) here");
  batch->add_option("--max-errors", batch_options.max_errors, "stop (exit 3) once more than N records are errors");
  batch->add_option("--sum", batch_options.sums, "total this number field per decision in the summary (repeatable)");
  batch->add_flag("--quiet", batch_options.quiet, "no result line on standard error at the end");
  batch->add_option("--param", batch_options.params, "set a param: NAME=VALUE, VALUE as in a policy (50%, {\"a\",\"b\"}) or a,b,c");
  batch->add_option("--params", batch_options.params_file, "set params from a JSON object of NAME: VALUE");
  batch->add_option("--ranks", batch_options.ranks, "rank percentile() against these ranks files (tenet ranks, one a shard), not this input");
  batch->add_flag("--strict-fields", batch_options.strict_fields, "a field or column the schema does not declare is a record error");
  batch->add_flag("--no-na-values", batch_options.no_na_values, "read CSV cells such as n/a, NA, - as values, not as absent");
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
  auto* diff = app.add_subcommand("diff", "Decide a portfolio with two policies (or two sets of params) and list the records whose decision changed");
  diff->add_option("OLD", diff_options.old_policy, "the policy before")->required();
  diff->add_option("NEW", diff_options.new_policy, "the policy after (the same file, with --old-param/--new-param, compares params)")->required();
  diff->add_option("PORTFOLIO", diff_options.portfolio, "records: .jsonl or .csv; - for standard input")->required();
  diff->add_option("-o,--output", diff_options.output, "one JSON line per changed record (default: standard output)");
  diff->add_option("--summary", diff_options.summary, "write the transition counts and their causes here (JSON)");
  diff->add_option("--old-param", diff_options.old_params, "a param of OLD: NAME=VALUE");
  diff->add_option("--new-param", diff_options.new_params, "a param of NEW: NAME=VALUE");
  diff->add_option("--threads", diff_options.threads, "threads (default: one per core)");
  diff->add_option("--input-format", diff_options.input_format, "jsonl or csv (default: by extension)")->check(CLI::IsMember({"jsonl", "csv"}));
  diff->add_flag("--quiet", diff_options.quiet, "no line of counts on standard error");

  FlipCliOptions flip_options;
  auto* flip = app.add_subcommand("flip", "Per record, the smallest change of one number field that changes its decision");
  flip->add_option("POLICY", flip_options.policy, "the .tenet policy file")->required();
  flip->add_option("FACTS", flip_options.facts, "records: .jsonl, .json (an array) or .csv; - for standard input")->required();
  flip->add_option("--within", flip_options.within, "only the records a change this small flips (relative: 5% or 0.05)");
  flip->add_option("--param", flip_options.params, "set a param: NAME=VALUE");
  flip->add_option("--params", flip_options.params_file, "set params from a JSON object of NAME: VALUE");
  flip->add_option("--timeout-ms", flip_options.timeout_ms, "bound on each solver question (default 1000)")->check(CLI::Range(1u, 600000u));
  flip->add_option("--input-format", flip_options.input_format, "jsonl or csv (default: by extension, else by content)")->check(CLI::IsMember({"jsonl", "csv"}));

  SensitivityCliOptions sensitivity_options;
  auto* sensitivity = app.add_subcommand("sensitivity", "Count a portfolio's decisions as one number param moves over a range");
  sensitivity->add_option("POLICY", sensitivity_options.policy, "the .tenet policy file")->required();
  sensitivity->add_option("PORTFOLIO", sensitivity_options.portfolio, "records: .jsonl or .csv; - for standard input")->required();
  sensitivity->add_option("--param", sensitivity_options.param, "the number param that moves")->required();
  sensitivity->add_option("--range", sensitivity_options.range, "LOW..HIGH, as in a policy: 5%..25%")->required();
  sensitivity->add_option("--steps", sensitivity_options.steps, "equal steps from LOW to HIGH (default 10: 11 values)")->check(CLI::Range(1u, 1000u));
  sensitivity->add_option("--params", sensitivity_options.params_file, "the other params, from a JSON object of NAME: VALUE");
  sensitivity->add_option("--format", sensitivity_options.format, "text (a table, the default) or json")->check(CLI::IsMember({"text", "json"}));
  sensitivity->add_option("--threads", sensitivity_options.threads, "threads (default: one per core)");
  sensitivity->add_option("--input-format", sensitivity_options.input_format, "jsonl or csv (default: by extension)")->check(CLI::IsMember({"jsonl", "csv"}));

  std::string lint_path;
  tenet::LintOptions lint_options;
  auto* lint = app.add_subcommand("lint", "Find conditions that can never be true, rules that can never be chosen, ties, and unused declarations");
  lint->add_option("POLICY", lint_path, "the .tenet policy file")->required();
  lint->add_flag("--any-params", lint_options.any_params, "let params take any value of their type, not the policy's");
  lint->add_option("--timeout-ms", lint_options.timeout_ms, "bound on each solver question (default 2000)")->check(CLI::Range(1u, 600000u));

  RanksCliOptions ranks_options;
  auto* ranks = app.add_subcommand("ranks", "Collect what percentile() ranks against in one shard, for tenet batch --ranks");
  ranks->add_option("POLICY", ranks_options.policy, "the .tenet policy file")->required();
  ranks->add_option("PORTFOLIO", ranks_options.portfolio, "records: .jsonl or .csv; - for standard input")->required();
  ranks->add_option("-o,--output", ranks_options.output, "the ranks file (written atomically); - for standard output")->required();
  ranks->add_option("--threads", ranks_options.threads, "threads (default: one per core)")->check(CLI::Range(1u, 1024u));
  ranks->add_option("--input-format", ranks_options.input_format, "jsonl or csv (default: by extension)")->check(CLI::IsMember({"jsonl", "csv"}));
  ranks->add_option("--param", ranks_options.params, "set a param: NAME=VALUE (as tenet batch will)");
  ranks->add_option("--params", ranks_options.params_file, "set params from a JSON object of NAME: VALUE");
  ranks->add_flag("--strict-fields", ranks_options.strict_fields, "as tenet batch --strict-fields (the same records are ranked)");
  ranks->add_flag("--no-na-values", ranks_options.no_na_values, "as tenet batch --no-na-values");

  std::vector<std::string> merge_inputs;
  std::string merge_output = "-";
  auto* merge = app.add_subcommand("merge-summaries", "Merge the summaries of shards into the summary of the whole");
  merge->add_option("SUMMARY", merge_inputs, "summary files written by tenet batch --summary")->required();
  merge->add_option("-o,--output", merge_output, "write the merged summary here (default: standard output)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : kExitUsage;
  }
  if (*check) return run_check(check_path);
  if (*eval) return run_eval(eval_options);
  if (*batch) return run_batch_command(batch_options);
  if (*merge) return run_merge(merge_inputs, merge_output);
  if (*ranks) return run_ranks(ranks_options);
  if (*graph) return run_graph(graph_path, graph_format);
  if (*lint) return run_lint(lint_path, lint_options);
  if (*diff) return run_diff_command(diff_options);
  if (*sensitivity) return run_sensitivity_command(sensitivity_options);
  if (*flip) return run_flip(flip_options);
  if (*test) return run_tests(test_paths, test_coverage, test_junit);
  if (*format) return run_fmt(fmt_paths, fmt_check);
  return kExitUsage;
}
