// The embedding surface (engine/embedding/tenet.hpp) over the engine (tenet::core): names for indices,
// exceptions for diagnostics and record errors, and records read by the same path every input
// format takes, so every invariant has one owner.
#include "engine/embedding/tenet.hpp"

#include <charconv>
#include <stdexcept>
#include <cstdio>
#include <istream>
#include <ostream>
#include <system_error>

#include <fmt/format.h>

#include "engine/batch/batch.hpp"
#include "engine/ingest/facts_reader.hpp"
#include "engine/json_text.hpp"
#include "engine/output/json_writer.hpp"
#include "engine/policy.hpp"
#include "engine/portfolio_stats.hpp"

namespace tenet {
inline namespace abi_v1 {

PolicyError::PolicyError(const std::string& message, std::vector<Diagnostic> diagnostics)
    : std::runtime_error(message), diagnostics_(std::move(diagnostics)) {}

RecordError::RecordError(const std::string& message, std::string kind, std::optional<std::string> id)
    : std::runtime_error(message), kind_(std::move(kind)), id_(std::move(id)) {}

std::vector<std::string> RecordError::kinds() {
  std::vector<std::string> out;
  for (const auto& k : core::kErrorKinds) out.emplace_back(k.name);
  return out;
}

namespace {

// A double as its shortest decimal that reads back the same: 0.1 is "0.1", not 0.1000000000000000055.
std::string shortest(double d) {
  char buffer[64];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, d);
  return std::string(buffer, result.ptr);
}

std::vector<Diagnostic> diagnostics_of(const core::SourceSet& sources, const core::Diagnostics& diagnostics) {
  std::vector<Diagnostic> out;
  for (const auto& d : diagnostics.sorted()) {
    if (d.severity == core::Severity::note) continue;
    const core::SourceFile& file = sources.file_at(d.range.begin);
    const auto at = file.locate(d.range.begin);
    out.push_back({d.severity == core::Severity::error ? Diagnostic::Severity::error : Diagnostic::Severity::warning, file.path(), at.line,
                   at.column, d.message, core::render(sources, d)});
  }
  return out;
}

// A param's text as --param takes it: items as a list literal ["a","b"] (escaped as a policy
// writes strings), which a list or a set param reads alike.
std::string param_text(const ParamValue& p) {
  return std::visit(
      [&](const auto& v) -> std::string {
        using V = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<V, bool>) return v ? "true" : "false";
        else if constexpr (std::is_same_v<V, long long>) return std::to_string(v);
        else if constexpr (std::is_same_v<V, double>) return shortest(v);
        else if constexpr (std::is_same_v<V, ParamValue::Literal>) return v.text;
        else {
          std::string out = "[";
          for (std::size_t i = 0; i < v.size(); ++i) {
            if (i) out += ',';
            core::append_json_string(out, v[i]);
          }
          return out + ']';
        }
      },
      p.value());
}

}  // namespace

struct Policy::Impl {
  std::shared_ptr<const core::Policy> policy;
  std::shared_ptr<const core::SourceSet> sources;
  core::Diagnostics diagnostics;  // its warnings
  static Impl compile(std::string path, std::string text, const Params& params, const ImportReader& read_import = {});
};

Policy::Impl Policy::Impl::compile(std::string path, std::string text, const Params& params, const ImportReader& read_import) {
  std::vector<std::pair<std::string, std::string>> given;
  for (const auto& [name, value] : params) given.emplace_back(name, param_text(value));
  // The caller's reader, in the engine's terms: its exception becomes the import's diagnostic.
  const core::ReadFile read = !read_import ? core::ReadFile(core::Policy::read_policy_file)
                                           : core::ReadFile([&](const std::string& at, std::string& into, std::string& error) {
                                               try {
                                                 into = read_import(at);
                                                 return true;
                                               } catch (const std::exception& e) {
                                                 error = e.what();
                                                 return false;
                                               }
                                             });
  auto result = core::Policy::compile(core::SourceFile(std::move(path), std::move(text)), given, read);
  if (result.diagnostics.has_errors()) {
    auto diagnostics = diagnostics_of(*result.sources, result.diagnostics);
    throw PolicyError(core::render(*result.sources, result.diagnostics), std::move(diagnostics));
  }
  std::string problems;
  for (const auto& e : result.param_errors) problems += (problems.empty() ? "" : "; ") + e;
  for (const auto& e : result.unset_params) problems += (problems.empty() ? "" : "; ") + e;
  if (!problems.empty()) throw PolicyError(problems, {});
  return Policy::Impl{result.policy, result.sources, result.diagnostics};
}

Policy Policy::from_file(const std::string& path, const Params& params) {
  std::string text, error;
  if (!core::Policy::read_policy_file(path, text, error)) throw std::system_error(errno ? errno : ENOENT, std::generic_category(), error);
  return Policy(std::make_shared<const Impl>(Impl::compile(path, std::move(text), params)));
}

Policy Policy::from_text(std::string_view text, const std::string& name, const Params& params, const ImportReader& read_import) {
  return Policy(std::make_shared<const Impl>(Impl::compile(name, std::string(text), params, read_import)));
}

const std::string& Policy::name() const { return impl_->policy->info().name; }
const std::string& Policy::title() const { return impl_->policy->info().title; }
const std::string& Policy::version() const { return impl_->policy->info().version; }
const std::string& Policy::sha256() const { return impl_->policy->info().sha256; }
bool Policy::reads_portfolio() const { return impl_->policy->needs_portfolio(); }

std::vector<std::string> Policy::rules() const {
  std::vector<std::string> out;
  for (const auto& rule : impl_->policy->checked().module.rules) out.push_back(rule.name.text);
  return out;
}

std::vector<Policy::Field> Policy::schema() const {
  std::vector<Field> out;
  for (const auto& field : impl_->policy->checked().schema().fields)
    out.push_back({field.name.text, core::type_name(field.type), field.is_optional, field.is_key});
  return out;
}

std::vector<Policy::Source> Policy::sources() const {
  std::vector<Source> out;
  for (const auto& file : impl_->sources->files()) out.push_back({file->path(), file->text()});
  return out;
}

std::vector<Diagnostic> Policy::warnings() const { return diagnostics_of(*impl_->sources, impl_->diagnostics); }

std::string Policy::to_json() const {
  std::string out;
  core::append_policy_json(out, impl_->policy->info());
  return out;
}

struct Record::Impl {
  std::shared_ptr<const Policy::Impl> policy;  // what the record was read for, kept alive
  core::Record record;
};

namespace {

// Whether what was made for `made_for` may be used with `used_by`: the same compiled policy, or
// one of the same source (its bytes and imports' bytes), hence the same schema and program
// shape; with `same_params`, also the same params (a portfolio ranks values that params shape).
void require_compatible(const core::Policy& made_for, const core::Policy& used_by, bool same_params, const char* what) {
  if (&made_for == &used_by) return;
  const core::PolicyInfo& a = made_for.info();
  const core::PolicyInfo& b = used_by.info();
  const bool same_source = a.sha256 == b.sha256 && a.imports == b.imports;
  if (same_source && (!same_params || a.params == b.params)) return;
  throw std::invalid_argument(fmt::format("{} policy {} {} (sha256 {}{}) given to an evaluator of policy {} {} (sha256 {}{})", what, a.name,
                                          a.version, a.sha256.substr(0, 12), same_source ? ", other params" : "", b.name, b.version,
                                          b.sha256.substr(0, 12), same_source ? ", other params" : ""));
}

}  // namespace

const std::string& Record::id() const { return impl_->record.id; }

namespace {

// One JSON object read as `tenet batch` reads a line: the record, or its error thrown.
core::Record read_one(const core::Policy& policy, std::string_view json) {
  std::optional<core::Record> record;
  std::optional<core::RecordError> failure;
  std::string error;
  std::string text(json);
  text += '\n';
  const bool read = core::read_facts(
      std::move(text), core::FactsFormat::jsonl, policy,
      [&](std::size_t, core::Record* r, core::RecordError* e) {
        if (record || failure) {
          failure = core::RecordError{};
          failure->message = "expected one JSON object, but there is more than one";
          return;
        }
        if (r) record = std::move(*r);
        else failure = *e;
      },
      error);
  if (!read) throw RecordError(error, "malformed", std::nullopt);
  if (failure) throw RecordError(failure->message, core::kind_name(failure->kind), failure->id);
  if (!record) throw RecordError("expected a JSON object, but there is none", "malformed", std::nullopt);
  return std::move(*record);
}

}  // namespace

struct RecordBuilder::Impl {
  std::shared_ptr<const Policy::Impl> policy;
  std::string json = "{";
};

RecordBuilder::RecordBuilder(const Policy& policy) : impl_(std::make_unique<Impl>()) { impl_->policy = policy.impl_; }
RecordBuilder::~RecordBuilder() = default;
RecordBuilder::RecordBuilder(RecordBuilder&&) noexcept = default;
RecordBuilder& RecordBuilder::operator=(RecordBuilder&&) noexcept = default;

namespace {

// The builder writes a JSON object and reads it back as any record: one owner of the checks.
void add_key(std::string& json, const std::string& field) {
  if (json.size() > 1) json += ',';
  core::append_json_string(json, field);
  json += ':';
}

}  // namespace

RecordBuilder& RecordBuilder::set(const std::string& field, std::nullptr_t) {
  add_key(impl_->json, field);
  impl_->json += "null";
  return *this;
}
RecordBuilder& RecordBuilder::set(const std::string& field, bool value) {
  add_key(impl_->json, field);
  impl_->json += value ? "true" : "false";
  return *this;
}
RecordBuilder& RecordBuilder::set(const std::string& field, long long value) {
  add_key(impl_->json, field);
  impl_->json += std::to_string(value);
  return *this;
}
RecordBuilder& RecordBuilder::set(const std::string& field, unsigned long long value) {
  add_key(impl_->json, field);
  impl_->json += std::to_string(value);
  return *this;
}
RecordBuilder& RecordBuilder::set(const std::string& field, double value) {
  add_key(impl_->json, field);
  impl_->json += shortest(value);  // inf and nan are not JSON numbers: the record is then malformed
  return *this;
}
RecordBuilder& RecordBuilder::set(const std::string& field, const std::string& text) {
  add_key(impl_->json, field);
  core::append_json_string(impl_->json, text);
  return *this;
}
RecordBuilder& RecordBuilder::set_number(const std::string& field, std::string_view decimal) {
  add_key(impl_->json, field);
  impl_->json += decimal;  // read by the JSON reader: anything but a number is a malformed record
  return *this;
}
RecordBuilder& RecordBuilder::set(const std::string& field, const std::vector<std::string>& items) {
  add_key(impl_->json, field);
  impl_->json += '[';
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i) impl_->json += ',';
    core::append_json_string(impl_->json, items[i]);
  }
  impl_->json += ']';
  return *this;
}

Record RecordBuilder::build() {
  std::string json = std::move(impl_->json) + "}";
  impl_->json = "{";
  return from_json(json);
}

Record RecordBuilder::from_json(std::string_view json_object) {
  Record r;
  r.impl_ = std::make_shared<const Record::Impl>(Record::Impl{impl_->policy, read_one(*impl_->policy->policy, json_object)});
  return r;
}

struct Evaluator::Impl {
  std::shared_ptr<const Policy::Impl> policy;
  Options options;
  core::Evaluator evaluator;
  core::Decision decision;
  std::shared_ptr<const core::PortfolioStats> portfolio;
  Impl(std::shared_ptr<const Policy::Impl> p, Options o) : policy(std::move(p)), options(o), evaluator(*policy->policy) {}

  Decision decide(core::Record record) {
    evaluator.evaluate(record, decision);
    const core::Policy& core_policy = *policy->policy;
    const auto& rules = core_policy.checked().module.rules;
    Decision out;
    out.id_ = decision.id;
    for (const auto action : decision.actions) out.decisions_.push_back(core_policy.action_name(action));
    for (std::size_t i = 0; i < out.decisions_.size(); ++i) out.decision_ += (i ? "+" : "") + out.decisions_[i];
    for (const auto& r : decision.recommendations) {
      if (!r.chosen) continue;
      if (!out.chosen_rule_) out.chosen_rule_ = rules[r.rule].name.text;
      if (r.has_because) out.because_.emplace_back(decision.text(r.because));
    }
    for (const auto& f : decision.raised)
      if (f.has_because) out.because_.emplace_back(decision.text(f.because));
    for (std::size_t i = 0; i < rules.size(); ++i)
      if (decision.statuses[i] == core::RuleStatus::fired) out.fired_rules_.push_back(rules[i].name.text);
    for (const auto flag : decision.flags) out.flags_.push_back(core_policy.checked().flags[flag].name);
    const auto& fields = core_policy.checked().schema().fields;
    for (const auto& u : decision.unknown) {
      Decision::Unknown unknown{rules[u.rule].name.text, {}, u.reason && u.missing_begin == u.missing_end ? *u.reason : ""};
      for (auto k = u.missing_begin; k < u.missing_end; ++k) unknown.missing.push_back(fields[decision.missing[k]].name.text);
      out.unknown_.push_back(std::move(unknown));
    }
    out.provisional_ = decision.provisional;
    core::write_decision_json(out.json_, core_policy, decision, options.trace ? &evaluator.frame() : nullptr, options.explain);
    if (!out.json_.empty() && out.json_.back() == '\n') out.json_.pop_back();
    return out;
  }
};

Evaluator::Evaluator(const Policy& policy, Options options) : impl_(std::make_unique<Impl>(policy.impl_, options)) {}
Evaluator::~Evaluator() = default;
Evaluator::Evaluator(Evaluator&&) noexcept = default;
Evaluator& Evaluator::operator=(Evaluator&&) noexcept = default;

Decision Evaluator::evaluate(const Record& record) {
  require_compatible(*record.impl_->policy->policy, *impl_->policy->policy, false, "a record built for");
  return impl_->decide(record.impl_->record);
}

Decision Evaluator::evaluate_json(std::string_view json_object) { return impl_->decide(read_one(*impl_->policy->policy, json_object)); }

struct Portfolio::Impl {
  std::shared_ptr<const Policy::Impl> policy;  // the program its statistics point into, kept alive
  std::shared_ptr<const core::PortfolioStats> stats;
};

Portfolio Portfolio::of(const Policy& policy, std::string_view json_lines) {
  Portfolio p;
  p.impl_ =
      std::make_shared<const Impl>(Impl{policy.impl_, std::make_shared<const core::PortfolioStats>(core::portfolio_of(
                                                          std::string(json_lines), core::FactsFormat::jsonl, *policy.impl_->policy))});
  return p;
}

Portfolio Portfolio::from_file(const Policy& policy, const std::string& path) {
  std::string text, error;
  if (!core::read_input(path, text, error)) throw std::system_error(errno ? errno : ENOENT, std::generic_category(), error);
  const core::FactsFormat format = core::format_from_extension(path).value_or(core::sniff_format(text));
  Portfolio p;
  p.impl_ = std::make_shared<const Impl>(
      Impl{policy.impl_, std::make_shared<const core::PortfolioStats>(core::portfolio_of(std::move(text), format, *policy.impl_->policy))});
  return p;
}

void Evaluator::rank_among(const Portfolio& portfolio) {
  require_compatible(*portfolio.impl_->policy->policy, *impl_->policy->policy, true, "a portfolio read for");
  impl_->portfolio = portfolio.impl_->stats;
  impl_->evaluator.set_portfolio(impl_->portfolio.get());
}

BatchSummary run_batch(const Policy& policy, std::istream& input, std::ostream& output, const BatchOptions& options) {
  // The batch pipeline reads a FILE: the stream is copied into a temporary file first (which
  // also lets a policy that reads percentile() read it twice).
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::tmpfile(), std::fclose);
  if (!file) throw std::runtime_error("cannot create a temporary file for the input");
  char chunk[1 << 16];
  while (input.read(chunk, sizeof chunk) || input.gcount() > 0)
    if (std::fwrite(chunk, 1, static_cast<std::size_t>(input.gcount()), file.get()) != static_cast<std::size_t>(input.gcount()))
      throw std::runtime_error("cannot copy the input into a temporary file");
  if (input.bad() || std::fflush(file.get()) != 0 || std::fseek(file.get(), 0, SEEK_SET) != 0)
    throw std::runtime_error("cannot read the input");
  if (options.threads > 1024) throw std::invalid_argument(fmt::format("threads: {}; from 0 (one per core) to 1024", options.threads));
  core::BatchOptions batch;
  batch.threads = options.threads;
  batch.input = options.csv ? core::FactsFormat::csv : core::FactsFormat::jsonl;
  batch.explain = options.explain;
  if (options.portfolio) {
    require_compatible(*options.portfolio->impl_->policy->policy, *policy.impl_->policy, true, "a portfolio read for");
    batch.ranks = options.portfolio->impl_->stats.get();
  }
  core::BatchIO io;
  io.input = file.get();
  io.write_output = [&](const std::string& text) {
    output.write(text.data(), static_cast<std::streamsize>(text.size()));
    return static_cast<bool>(output);
  };
  const core::BatchResult result = core::run_batch(*policy.impl_->policy, batch, io);
  if (!result.failure.empty()) throw std::runtime_error(result.failure);
  if (result.output_failed) throw std::runtime_error("cannot write the output");
  return BatchSummary{result.summary.records, result.summary.decided, result.summary.errors, result.summary.to_json()};
}

}  // namespace abi_v1
}  // namespace tenet
