// The consultant's workflow on policy files: check, test, fmt, lint, graph.
#include "cli/commands.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <deque>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include <fmt/format.h>

#include "dsl/formatter.hpp"
#include "dsl/parser.hpp"
#include "engine/analysis/lint.hpp"
#include "engine/output/atomic_file.hpp"
#include "engine/output/graph_writer.hpp"
#include "engine/testing/policy_tests.hpp"
#include "engine/policy.hpp"
#include "cli/common.hpp"

namespace tenet_cli {

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
void print_coverage(const std::string& policy, std::size_t tests, const tenet::core::Coverage& c) {
  std::cout << fmt::format("coverage of {} over {} test{}:\n", policy, tests, tests == 1 ? "" : "s");
  for (const auto& r : c.rules)
    std::cout << fmt::format("  rule {}: fired {}, not fired {}, unknown {}{}\n", r.name, r.fired, r.not_fired, r.unknown,
                             r.fired == 0       ? "  (never fired)"
                             : r.not_fired == 0 ? "  (never not fired)"
                                                : "");
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
  std::size_t passed = 0, failed = 0, not_run = 0;  // not_run: files whose errors are printed
  std::vector<std::pair<std::string, std::vector<tenet::core::TestOutcome>>> results;
  std::deque<tenet::core::TestFile> files_kept;  // stable addresses: the outcomes point into them
  for (const auto& path : files) {
    tenet::core::LoadedTests loaded = tenet::core::load_test_file(path);
    for (const auto& e : loaded.errors) std::cerr << e << "\n";
    if (!loaded.file) {
      ++not_run;
      continue;
    }
    std::string error;
    tenet::core::Coverage covered;
    auto outcomes = tenet::core::run_test_file(*loaded.file, error, coverage ? &covered : nullptr);
    if (!error.empty()) {
      print_error(error);
      ++not_run;
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
    // Like every output: never onto a file the run read, and replaced whole or not at all.
    std::vector<NamedFile> inputs;
    for (const auto& file : files_kept) {
      inputs.push_back({"a test file", file.path});
      inputs.push_back({"a tested policy", file.policy_path});
    }
    if (!distinct_files(inputs, {{"--junit", junit}})) return kExitUsage;
    std::string error;
    if (!tenet::core::write_file_atomically(junit, tenet::core::junit_xml(results), error)) {
      print_error(error);
      return kExitUsage;
    }
  }
  // A file with an error runs none of its tests: said in the summary, so "0 failed" is not read
  // as a pass of tests that never ran.
  std::cout << fmt::format("{} passed, {} failed", passed, failed);
  if (not_run) std::cout << fmt::format(", {} test file{} not run (errors above)", not_run, not_run == 1 ? "" : "s");
  std::cout << "\n";
  if (not_run) return kExitUsage;
  return failed ? kExitPolicyError : kExitOk;
}

// `tenet fmt FILE...`: each policy rewritten in canonical form with its comments; `--check` only
// lists the files that are not; `-` formats standard input to standard output.
int run_fmt(const std::vector<std::string>& paths, bool check) {
  bool unformatted = false, failed = false;
  for (const auto& path : paths) {
    std::string text, error;
    if (!tenet::core::read_input(path, text, error)) {
      print_error(error);
      failed = true;
      continue;
    }
    const tenet::core::SourceFile source(path == "-" ? "<stdin>" : path, text);
    tenet::core::ParseResult parsed = tenet::core::parse(source);
    if (parsed.diagnostics.has_errors()) {
      std::cerr << tenet::core::render(source, parsed.diagnostics);
      std::cerr << fmt::format("{}: not formatted: it does not parse\n", path);
      failed = true;
      continue;
    }
    const std::string formatted = tenet::core::format_policy(parsed.module, source);
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
    tenet::core::AtomicFile out;
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
int run_lint(const std::string& path, const tenet::core::LintOptions& options) {
  Loaded loaded = load_policy(path, {}, false);
  if (loaded.exit_code != kExitOk) return loaded.exit_code;
  const tenet::core::LintResult result = tenet::core::lint(*loaded.result.policy, options);
  std::cerr << tenet::core::render(loaded.result.policy->sources(), result.findings);
  const std::size_t found = result.findings.sorted().size();
  std::string line = fmt::format("{}: {} finding{}", path, found, found == 1 ? "" : "s");
  if (result.allowed) line += fmt::format(", {} allowed by '# lint: allow'", result.allowed);
  line += fmt::format("; {} solver question{}", result.questions, result.questions == 1 ? "" : "s");
  if (result.undecided)
    line += fmt::format(", {} undecided within {} ms each (no finding made of them)", result.undecided, options.timeout_ms);
  if (result.skipped) line += fmt::format(", {} not asked: the budget of {} ms was spent (--budget-ms)", result.skipped, options.budget_ms);
  if (!result.complete()) line += "; the lint is incomplete";
  std::cerr << line << "\n";
  // "0 findings" must mean none can be made: questions left open are exit 3, not 0.
  return found ? kExitPolicyError : !result.complete() ? kExitIncomplete : kExitOk;
}

// `tenet graph`: the rule graph of a policy that checks, as DOT (default) or Mermaid.
int run_graph(const std::string& path, const std::string& format) {
  Loaded loaded = load_policy(path, {}, false);
  if (loaded.exit_code != kExitOk) return loaded.exit_code;
  const auto& policy = *loaded.result.policy;
  std::cout << tenet::core::render_graph(tenet::core::rule_graph(policy.checked()), policy.info().name,
                                         format == "mermaid" ? tenet::core::GraphFormat::mermaid : tenet::core::GraphFormat::dot);
  return kExitOk;
}

}  // namespace tenet_cli
