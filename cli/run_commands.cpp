// Running policies over facts: eval (in memory), batch (streamed), ranks and merge-summaries
// (for shards), report (HTML).
#include "cli/commands.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <future>
#include <iostream>
#include <sstream>

#include <fmt/format.h>

#include "engine/batch/batch.hpp"
#include "engine/batch/portfolio_pass.hpp"
#include "engine/batch/portfolio_run.hpp"
#include "engine/batch/ranks_file.hpp"
#include "engine/ingest/facts_reader.hpp"
#include "engine/output/atomic_file.hpp"
#include "engine/output/json_writer.hpp"
#include "engine/output/text_writer.hpp"
#include "engine/report/report_html.hpp"
#include "engine/sha256.hpp"
#include "dsl/base/civil_date.hpp"
#include "engine/policy.hpp"
#include "cli/common.hpp"

namespace tenet_cli {

namespace {

// One record of eval's output, as JSON or text: the same for facts read whole or streamed.
struct EvalLines {
  const tenet::core::Policy& policy;
  const EvalOptions& o;
  bool text;
  void decision(std::string& out, const tenet::core::Evaluator& evaluator, const tenet::core::Decision& d) const {
    const tenet::core::Frame* trace = o.trace ? &evaluator.frame() : nullptr;
    if (text) tenet::core::write_decision_text(out, policy, d, trace, o.explain);
    else tenet::core::write_decision_json(out, policy, d, trace, o.explain);
  }
  void error(std::string& out, const tenet::core::RecordError& e) const {
    if (text) tenet::core::write_error_text(out, e);
    else tenet::core::write_error_json(out, e);
  }
};

// A block of streamed facts, decided: its lines, counts, what reading observed, its keys.
struct EvalBlock {
  std::string lines;
  std::size_t decided = 0, errors = 0;
  tenet::core::InputObservations observed;
  std::vector<std::pair<std::uint64_t, std::size_t>> keys;
};
struct EvalDecider {
  tenet::core::Evaluator evaluator;
  tenet::core::RecordBuilder builder;
  tenet::core::Decision decision;
};

// The format of FACTS when it can be streamed: JSON lines or CSV, by --input-format, by extension,
// or by the first bytes of a regular file. None: read it whole (a JSON array, or standard input
// whose format must be guessed from its content).
std::optional<tenet::core::FactsFormat> streamed_format(const std::string& path, const std::string& input_format) {
  using tenet::core::FactsFormat;
  std::optional<FactsFormat> format;
  if (input_format == "jsonl") format = FactsFormat::jsonl;
  else if (input_format == "json") format = FactsFormat::json_array;
  else if (input_format == "csv") format = FactsFormat::csv;
  else format = tenet::core::format_from_extension(path);
  // Sniffed from its first bytes only where reading them takes nothing from the stream: a
  // regular file (a pipe or FIFO is then read whole, and sniffed from all of it).
  struct stat info {};
  if (!format && path != "-" && ::stat(path.c_str(), &info) == 0 && S_ISREG(info.st_mode)) {
    std::ifstream in(path, std::ios::binary);
    std::string head(4096, '\0');
    in.read(head.data(), static_cast<std::streamsize>(head.size()));
    head.resize(static_cast<std::size_t>(in.gcount()));
    if (!head.empty()) format = tenet::core::sniff_format(head);
  }
  if (format == FactsFormat::json_array) return std::nullopt;
  return format;
}

}  // namespace

int run_eval(const EvalOptions& o) {
  Loaded loaded = load_policy_to_run(o.policy, o.params, o.params_file);
  if (loaded.exit_code != kExitOk) return loaded.exit_code;
  const tenet::core::Policy& policy = *loaded.result.policy;
  auto inputs = policy_files("POLICY", loaded.result);
  inputs.push_back({"FACTS", o.facts});
  inputs.push_back({"--params", o.params_file});
  if (!distinct_files(inputs, {{"-o", o.output}})) return kExitUsage;

  const bool to_terminal = (o.output.empty() || o.output == "-") && ::isatty(STDOUT_FILENO);
  const EvalLines lines{policy, o, o.format == "text" || (o.format.empty() && to_terminal)};
  tenet::core::InputOptions input_options;
  input_options.strict_fields = o.strict_fields;
  input_options.na_values = !o.no_na_values;
  std::string error;
  tenet::core::AtomicFile out;
  std::size_t decided = 0, errors = 0;
  std::string buffer;
  tenet::core::Summary observed = tenet::core::Summary::of(policy);  // for the schema checks' warnings
  tenet::core::FactsFormat format = tenet::core::FactsFormat::jsonl;

  if (const auto streamed = streamed_format(o.facts, o.input_format)) {
    // JSON lines and CSV are streamed, on all cores and in input order, as batch reads them:
    // memory stays flat however large the facts.
    tenet::core::StreamOptions stream{*streamed, 0, 1 << 20, input_options};
    const PortfolioFile facts =
        open_portfolio(o.facts, *streamed == tenet::core::FactsFormat::csv ? "csv" : "jsonl", "eval", format, policy.needs_portfolio());
    if (!facts) return kExitUsage;
    std::optional<tenet::core::PortfolioStats> portfolio;  // percentile(): a first pass over the facts
    if (policy.needs_portfolio()) {
      portfolio.emplace(policy.program());
      if (std::string failure = tenet::core::collect_portfolio(policy, stream, facts.get(), *portfolio); !failure.empty()) {
        print_error(fmt::format("{}: {}", o.facts, failure));
        return kExitUsage;
      }
    }
    if (!out.open(o.output, error)) {
      print_error(error);
      return kExitUsage;
    }
    if (lines.text) {
      tenet::core::write_text_header(buffer, policy);
      out.write(buffer);
      buffer.clear();
    }
    using Run = tenet::core::PortfolioRun<EvalBlock, EvalDecider>;
    Run run(facts.get(), format, stream.block_bytes, 0);
    if (!run.read_header({&policy}, input_options)) {
      print_error(fmt::format("{}: {}", o.facts, run.failure()));  // an existing output file keeps its content
      return kExitUsage;
    }
    tenet::core::KeyTracker keys;
    std::string failure;
    run.run(
        [&](Run::Work& w) {
          EvalBlock& r = w.result;  // reused block after block: its buffers keep their capacity
          r.lines.clear();
          r.keys.clear();
          r.decided = r.errors = 0;
          r.observed = {};
          if (!run.readable(w)) return;
          EvalDecider& d = run.local([&] {
            auto made = std::make_unique<EvalDecider>(
                EvalDecider{tenet::core::Evaluator(policy), tenet::core::RecordBuilder(policy, input_options), {}});
            made->evaluator.set_portfolio(portfolio ? &*portfolio : nullptr);
            return made;
          });
          const tenet::core::RecordSink sink = [&](std::size_t line, tenet::core::Record* record, tenet::core::RecordError* e) {
            if (const auto key = tenet::core::KeyTracker::key_of(record, e)) r.keys.emplace_back(*key, line);
            if (record) {
              d.evaluator.evaluate(*record, d.decision);
              ++r.decided;
              lines.decision(r.lines, d.evaluator, d.decision);
            } else {
              ++r.errors;
              lines.error(r.lines, *e);
            }
          };
          tenet::core::read_block(w.block, format, run.layout(), d.builder, sink);
          r.observed.decided = r.decided;
          d.builder.report(r.observed);
        },
        [&](Run::Work& w) {
          if (!failure.empty()) return;
          if (!w.read_failure.empty()) {
            failure = w.read_failure;
            run.stop();
            return;
          }
          out.write(w.result.lines);
          decided += w.result.decided;
          errors += w.result.errors;
          observed.add(w.result.observed);
          for (const auto& [hash, line] : w.result.keys) keys.add(hash, line);
        },
        [&] { observed.duplicate_keys = keys.finish(observed.duplicate_lines, tenet::core::InputObservations::kDuplicateLinesShown); });
    if (failure.empty()) failure = run.failure();
    if (!failure.empty()) {
      print_error(fmt::format("{}: {}", o.facts, failure));  // stopped: no output replaced by a part of a run
      return kExitUsage;
    }
  } else {
    // A JSON array (or standard input of a format to guess): read whole.
    std::string facts;
    if (!read_facts_file(o.facts, o.input_format, facts, format)) return kExitUsage;
    if (!out.open(o.output, error)) {
      print_error(error);
      return kExitUsage;
    }
    if (lines.text) tenet::core::write_text_header(buffer, policy);
    tenet::core::Evaluator evaluator(policy);
    tenet::core::Decision d;
    const auto sink = [&](std::size_t, tenet::core::Record* record, tenet::core::RecordError* record_error) {
      if (record) {
        evaluator.evaluate(*record, d);  // into the same Decision: its storage is reused record after record
        ++decided;
        lines.decision(buffer, evaluator, d);
      } else {
        ++errors;
        lines.error(buffer, *record_error);
      }
      if (buffer.size() > (1u << 16)) {
        out.write(buffer);
        buffer.clear();
      }
    };
    std::optional<tenet::core::PortfolioStats> portfolio;  // percentile(): a first pass over the facts
    if (policy.needs_portfolio()) {
      portfolio.emplace(tenet::core::portfolio_of(facts, format, policy, input_options));
      evaluator.set_portfolio(&*portfolio);
    }
    if (!tenet::core::read_facts(std::move(facts), format, policy, sink, error, input_options, &observed)) {
      // The input cannot be read at all: an existing output file keeps its content.
      print_error(fmt::format("{}: {}", o.facts, error));
      return kExitUsage;
    }
  }
  print_warnings(observed, policy, format == tenet::core::FactsFormat::csv);
  if (lines.text) tenet::core::write_text_footer(buffer, decided, errors);
  out.write(buffer);
  if (!out.commit(error)) {
    print_error(error);
    return kExitUsage;
  }
  return errors > 0 ? kExitRecordErrors : kExitOk;
}

// percentile(): the distributions of ranks files (tenet ranks, one a shard), merged; false after
// saying why.
bool read_ranks_files(const std::vector<std::string>& paths, const tenet::core::Policy& policy, const std::string& policy_path,
                      std::optional<tenet::core::PortfolioStats>& stats) {
  if (!policy.needs_portfolio()) {
    print_error(fmt::format("--ranks: {} reads no percentile(), so it ranks against nothing", policy_path));
    return false;
  }
  stats.emplace(policy.program());
  std::vector<std::optional<tenet::core::ShardId>> shards;
  for (const auto& path : paths) {
    std::string text, error;
    if (!tenet::core::read_input(path, text, error)) {
      print_error(error);
      return false;
    }
    if (error = tenet::core::read_ranks(text, policy, *stats, shards.emplace_back()); !error.empty()) {
      print_error(fmt::format("{}: {}", path, error));
      return false;
    }
  }
  if (const std::string problem = tenet::core::check_shards(shards); !problem.empty()) {
    print_error(fmt::format("--ranks: {}", problem));
    return false;
  }
  stats->finish();
  return true;
}

int run_batch_command(const BatchCliOptions& o) {
  Loaded loaded = load_policy_to_run(o.policy, o.params, o.params_file);
  if (loaded.exit_code != kExitOk) return loaded.exit_code;
  const tenet::core::Policy& policy = *loaded.result.policy;

  if (o.format == "csv" && (o.trace || o.trace_sample)) {
    print_error("--trace and --trace-sample write a tree per record, which CSV cannot hold: use --format jsonl");
    return kExitUsage;
  }
  tenet::core::BatchOptions options;
  options.threads = o.threads;
  options.explain = o.explain;
  options.trace = o.trace;
  options.trace_sample = o.trace_sample;
  options.max_errors = o.max_errors;
  options.output = o.format == "csv" ? tenet::core::BatchFormat::csv : tenet::core::BatchFormat::jsonl;
  options.input_options.strict_fields = o.strict_fields;
  options.input_options.na_values = !o.no_na_values;
  options.check_keys = !o.no_key_check;
  if (!o.shard.empty()) {
    std::string error;
    if (!(options.shard = tenet::core::parse_shard(o.shard, error))) {
      print_error(error);
      return kExitUsage;
    }
  }
  std::optional<tenet::core::PortfolioStats> ranks;
  if (!o.ranks.empty()) {
    if (!read_ranks_files(o.ranks, policy, o.policy, ranks)) return kExitUsage;
    options.ranks = &*ranks;
  }
  const auto& fields = policy.checked().schema().fields;
  for (const auto& name : o.sums) {
    auto it = std::find_if(fields.begin(), fields.end(), [&](const tenet::core::ast::FieldDecl& f) { return f.name.text == name; });
    if (it == fields.end() || it->type.kind != tenet::core::TypeKind::number) {
      print_error(fmt::format("--sum {}: the schema has no number field '{}'", name, name));
      return kExitUsage;
    }
    const auto field = static_cast<std::uint32_t>(it - fields.begin());
    if (std::find(options.sum_fields.begin(), options.sum_fields.end(), field) != options.sum_fields.end()) {
      print_error(fmt::format("--sum {}: given twice; each total is asked once (twice would double it)", name));
      return kExitUsage;
    }
    options.sum_fields.push_back(field);
  }
  // Rejects and decisions both on standard output would interleave block by block.
  if (o.output == "-" && o.rejects == "-") {
    print_error("-o - and --rejects - both write to standard output, where their lines would interleave: give --rejects a file");
    return kExitUsage;
  }
  auto inputs = policy_files("POLICY", loaded.result);
  inputs.push_back({"PORTFOLIO", o.portfolio});
  inputs.push_back({"--params", o.params_file});
  for (const auto& r : o.ranks) inputs.push_back({"--ranks", r});
  if (!distinct_files(inputs, {{"-o", o.output}, {"--summary", o.summary}, {"--rejects", o.rejects}})) return kExitUsage;
  const PortfolioFile portfolio =
      open_portfolio(o.portfolio, o.input_format, "batch", options.input, policy.needs_portfolio() && !options.ranks);
  if (!portfolio) return kExitUsage;
  std::FILE* input = portfolio.get();

  struct stat info {};
  const std::uint64_t size = (!portfolio.is_stdin() && ::fstat(fileno(input), &info) == 0) ? static_cast<std::uint64_t>(info.st_size) : 0;

  // Every output is opened before the run (a bad path fails at once) and replaced after it, all
  // together or none: a failed -o leaves --summary and --rejects as they were.
  std::string error;
  tenet::core::AtomicFile out, rejects, summary;
  if (!out.open(o.output, error) || (!o.rejects.empty() && !rejects.open(o.rejects, error)) ||
      (!o.summary.empty() && !summary.open(o.summary, error))) {
    print_error(error);
    return kExitUsage;
  }
  std::string header;
  tenet::core::write_batch_header(header, options.output, options.explain);
  out.write(header);

  const bool show_progress = !o.quiet && ::isatty(STDERR_FILENO);
  const auto started = std::chrono::steady_clock::now();
  auto last_shown = started;
  tenet::core::BatchIO io;
  io.input = input;
  io.write_output = [&](const std::string& text) {
    out.write(text);
    return !out.failed();
  };
  if (!o.rejects.empty())
    io.write_rejects = [&](const std::string& text) {
      rejects.write(text);
      return !rejects.failed();
    };
  if (show_progress) {
    io.progress = [&](const tenet::core::BatchProgress& p) {
      const auto now = std::chrono::steady_clock::now();
      if (now - last_shown < std::chrono::milliseconds(500)) return;
      last_shown = now;
      const double seconds = std::chrono::duration<double>(now - started).count();
      std::string line = fmt::format("\r{} records, {:.0f} records/s", p.records, p.records / seconds);
      if (size) line += fmt::format(", {:.0f}%", 100.0 * static_cast<double>(p.bytes) / static_cast<double>(size));
      std::cerr << line << std::flush;
    };
  }
  tenet::core::BatchResult result = tenet::core::run_batch(policy, options, io);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (show_progress) std::cerr << "\r\033[K";

  bool io_ok = result.failure.empty() && !result.output_failed;
  if (!result.failure.empty()) {
    // The input could not be read to its end: no output file is replaced by a part of a run.
    print_error(fmt::format("{}: {}", o.portfolio, result.failure));
    out.discard();
    rejects.discard();
    summary.discard();
  } else {
    if (!o.summary.empty()) summary.write(result.summary.to_json());
    if (!tenet::core::commit_together({&out, o.rejects.empty() ? nullptr : &rejects, o.summary.empty() ? nullptr : &summary}, error)) {
      print_error(error);
      io_ok = false;
    }
  }
  const auto& s = result.summary;
  if (result.failure.empty()) print_warnings(s, policy, options.input == tenet::core::FactsFormat::csv);
  if (!o.quiet)
    std::cerr << fmt::format("tenet: {} records: {} decided, {} errors in {:.2f} s ({:.0f} records/s){}\n", s.records, s.decided, s.errors,
                             seconds, seconds > 0 ? s.records / seconds : 0.0,
                             result.stopped_at_max_errors ? fmt::format("; stopped: more than {} errors", *o.max_errors)
                             : !io_ok                     ? "; stopped: the output is incomplete"
                                                          : "");
  if (!io_ok) return kExitUsage;
  return s.errors > 0 ? kExitRecordErrors : kExitOk;
}

// `tenet ranks`: the first pass of a percentile() policy over one shard, for `batch --ranks`.
int run_ranks(const RanksCliOptions& o) {
  Loaded loaded = load_policy_to_run(o.policy, o.params, o.params_file);
  if (loaded.exit_code != kExitOk) return loaded.exit_code;
  const tenet::core::Policy& policy = *loaded.result.policy;
  if (!policy.needs_portfolio()) {
    print_error(fmt::format("{}: reads no percentile(), so it has no ranks to collect", o.policy));
    return kExitUsage;
  }
  std::optional<tenet::core::ShardId> shard;
  if (!o.shard.empty()) {
    std::string error;
    if (!(shard = tenet::core::parse_shard(o.shard, error))) {
      print_error(error);
      return kExitUsage;
    }
  }
  tenet::core::StreamOptions options;
  options.threads = o.threads;
  options.input_options.strict_fields = o.strict_fields;
  options.input_options.na_values = !o.no_na_values;
  auto inputs = policy_files("POLICY", loaded.result);
  inputs.push_back({"PORTFOLIO", o.portfolio});
  inputs.push_back({"--params", o.params_file});
  if (!distinct_files(inputs, {{"-o", o.output}})) return kExitUsage;
  const PortfolioFile portfolio = open_portfolio(o.portfolio, o.input_format, "ranks", options.input, false);
  if (!portfolio) return kExitUsage;
  std::FILE* input = portfolio.get();
  tenet::core::PortfolioStats stats(policy.program());
  const std::string failure = tenet::core::collect_portfolio(policy, options, input, stats, false);
  std::string error;
  if (!failure.empty()) {
    print_error(fmt::format("{}: {}", o.portfolio, failure));
    return kExitUsage;
  }
  if (!tenet::core::write_file_atomically(o.output, tenet::core::write_ranks(policy, stats, shard), error)) {
    print_error(error);
    return kExitUsage;
  }
  return kExitOk;
}

int run_merge(const std::vector<std::string>& paths, const std::string& output) {
  std::vector<NamedFile> inputs;
  for (const auto& path : paths) inputs.push_back({"SUMMARY", path});
  if (!distinct_files(inputs, {{"-o", output}})) return kExitUsage;
  std::optional<tenet::core::Summary> merged;
  for (const auto& path : paths) {
    std::string text, error;
    if (!tenet::core::read_input(path, text, error)) {
      print_error(error);
      return kExitUsage;
    }
    auto summary = tenet::core::Summary::from_json(text, error);
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
  if (!tenet::core::write_file_atomically(output, merged->to_json(), error)) {
    print_error(error);
    return kExitUsage;
  }
  // A partial merge is allowed (a tree of merges), and said: it is not the whole's summary yet.
  if (merged->shards && !merged->shards->complete())
    std::cerr << fmt::format("tenet: warning: {} not in this merge; it is not the summary of the whole yet\n",
                             merged->shards->of - merged->shards->present.size() == 1 ? "shard " + merged->shards->missing() + " is"
                                                                                      : "shards " + merged->shards->missing() + " are");
  return kExitOk;
}

// A field of the schema by name, for --by and --histogram; nullopt after saying why.
std::optional<std::uint32_t> report_field(const tenet::core::Policy& policy, const std::string& option, const std::string& name,
                                          bool number) {
  const auto& fields = policy.checked().schema().fields;
  auto it = std::find_if(fields.begin(), fields.end(), [&](const tenet::core::ast::FieldDecl& f) { return f.name.text == name; });
  if (it == fields.end()) {
    print_error(fmt::format("{} {}: the schema has no field '{}'", option, name, name));
    return std::nullopt;
  }
  if (number && it->type.kind != tenet::core::TypeKind::number) {
    print_error(fmt::format("{} {}: '{}' is {}; {} draws a number field", option, name, name, tenet::core::type_phrase(it->type), option));
    return std::nullopt;
  }
  return static_cast<std::uint32_t>(it - fields.begin());
}

int run_report(const ReportCliOptions& o) {
  std::vector<std::pair<std::string, std::string>> params;
  Loaded loaded = load_policy_to_run(o.policy, o.params, o.params_file, &params);
  if (loaded.exit_code != kExitOk) return loaded.exit_code;
  const tenet::core::Policy& policy = *loaded.result.policy;
  tenet::core::ReportOptions options;
  options.stream.threads = o.threads;
  options.stream.input_options.strict_fields = o.strict_fields;
  options.stream.input_options.na_values = !o.no_na_values;
  options.samples = o.samples;
  if (!o.by.empty() && !(options.by = report_field(policy, "--by", o.by, false))) return kExitUsage;
  if (!o.histogram.empty() && !(options.histogram = report_field(policy, "--histogram", o.histogram, true))) return kExitUsage;
  // The run date is a param of the report, never the clock: the same run gives the same file.
  std::string run_date = o.run_date;
  if (run_date.empty())
    for (const auto& [name, value] : params)
      if (name == "today") run_date = value;
  if (!run_date.empty() && !tenet::core::parse_iso_date(run_date)) {
    print_error(fmt::format("--run-date {}: expected a date as YYYY-MM-DD", run_date));
    return kExitUsage;
  }
  auto inputs = policy_files("POLICY", loaded.result);
  inputs.push_back({"PORTFOLIO", o.portfolio});
  inputs.push_back({"--params", o.params_file});
  for (const auto& r : o.ranks) inputs.push_back({"--ranks", r});
  if (!distinct_files(inputs, {{"-o", o.output}})) return kExitUsage;
  std::optional<tenet::core::PortfolioStats> ranks;
  if (!o.ranks.empty() && !read_ranks_files(o.ranks, policy, o.policy, ranks)) return kExitUsage;
  // Read twice (its SHA-256 beside the decisions, and the first pass of percentile()): standard
  // input is spooled.
  const PortfolioFile portfolio = open_portfolio(o.portfolio, o.input_format, "report", options.stream.input, true);
  if (!portfolio) return kExitUsage;
  std::FILE* input = portfolio.get();
  const auto started = std::chrono::steady_clock::now();
  tenet::core::ReportInput about{o.portfolio == "-" ? "(standard input)" : o.portfolio, 0, ""};
  struct stat info {};
  if (::fstat(fileno(input), &info) == 0) about.bytes = static_cast<std::uint64_t>(info.st_size);
  // The input's SHA-256, on a thread of its own while the passes run (it reads with pread).
  auto hashing = std::async(std::launch::async, [fd = fileno(input)] { return tenet::core::sha256_of_file(fd); });
  std::optional<tenet::core::PortfolioStats> first_pass;
  std::string failure;
  if (ranks) {
    options.portfolio = &*ranks;
  } else if (policy.needs_portfolio()) {
    first_pass.emplace(policy.program());
    failure = tenet::core::collect_portfolio(policy, options.stream, input, *first_pass);
    options.portfolio = &*first_pass;
  }
  tenet::core::ReportData data;
  if (failure.empty()) failure = tenet::core::run_report(policy, options, input, data);
  const auto sha256 = hashing.get();
  if (failure.empty() && !sha256) failure = fmt::format("cannot read it to hash it: {}", std::strerror(errno));
  if (sha256) about.sha256 = *sha256;
  if (!failure.empty()) {
    print_error(fmt::format("{}: {}", o.portfolio, failure));
    return kExitUsage;
  }
  const std::string html = tenet::core::render_report({policy, data, about, run_date, options.by, options.histogram, o.samples});
  std::string error;
  if (!tenet::core::write_file_atomically(o.output, html, error)) {
    print_error(error);
    return kExitUsage;
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  const auto& s = data.summary;
  if (!o.quiet)
    std::cerr << fmt::format("tenet: {} records: {} decided, {} errors; report of {} bytes written to {} in {:.2f} s\n", s.records,
                             s.decided, s.errors, html.size(), o.output, seconds);
  return kExitOk;
}

}  // namespace tenet_cli
