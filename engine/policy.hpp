// The engine's own API (tenet::core): compile a policy, evaluate records, read decisions by
// index. The command line, the batch pipeline and the analyses use it; an embedding program uses
// the narrow surface of engine/embedding/tenet.hpp (installed as <tenet/tenet.hpp>), built on this.
//
//   auto compiled = tenet::core::Policy::compile(tenet::core::SourceFile(path, text));
//   if (!compiled.policy) { print(tenet::core::render(*compiled.sources, compiled.diagnostics)); }
//   tenet::core::Evaluator evaluator(*compiled.policy);          // one per thread
//   tenet::core::Decision d = evaluator.evaluate(std::move(record));
//
// A compiled Policy is immutable and may be shared by any number of threads.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "dsl/checker.hpp"
#include "dsl/diagnostics.hpp"
#include "dsl/imports.hpp"
#include "dsl/source.hpp"
#include "engine/evaluator.hpp"
#include "engine/program.hpp"
#include "engine/trace.hpp"
#include "engine/value.hpp"

namespace tenet::core {

// Names the policy in every output, so every decision can be traced to its exact source.
struct PolicyInfo {
  std::string name;
  std::string title;
  std::string version;
  std::string sha256;  // of the source bytes
  // Every imported file, as its path relative to the policy's directory and its SHA-256.
  std::vector<std::pair<std::string, std::string>> imports;
  std::vector<std::pair<std::string, std::string>> params;  // set at run time: name, policy text
};

// How outputs name a file of `sources`: its path relative to the policy file's directory
// (empty for the policy file itself).
std::string relative_to_root(const SourceSet& sources, const SourceFile& file);

// The version of Tenet that decides, named in every output's policy object.
const char* tenet_version();

// One record's field values, in schema order (absent optional fields are unknown).
struct Record {
  std::vector<Value> fields;
  std::string id;
};

enum class RuleStatus : std::uint8_t { not_fired, fired, unknown };
const char* status_name(RuleStatus s);

// A piece of Decision::texts: [begin, end).
struct TextSpan {
  std::uint32_t begin = 0, end = 0;
};

struct Recommendation {
  std::uint32_t rule = 0;
  std::uint32_t action = 0;  // Policy::action_name()
  std::int64_t priority = 0;
  bool chosen = false;
  std::int64_t overridden_by = -1;  // rule index of the winner, when not chosen
  bool has_because = false;
  TextSpan because;  // Decision::text(because)
};

// A fired rule whose action is `flag NAME`.
struct RaisedFlag {
  std::uint32_t rule = 0;
  std::uint32_t flag = 0;
  bool has_because = false;
  TextSpan because;
};

// A rule whose status is unknown, with the absent fields that made it so.
struct UnknownRule {
  std::uint32_t rule = 0;
  std::uint32_t missing_begin = 0, missing_end = 0;  // its fields: Decision::missing[begin, end)
  const std::string* reason = nullptr;               // its condition's reason (stable text)
  // A recommending rule that could have been chosen instead of the decision's (it ranks above the
  // chosen rule, or the default was reached, or under `collect`): what makes a decision provisional.
  bool could_change = false;
};

struct Decision {
  std::string id;
  std::vector<std::uint32_t> actions;           // the chosen action (one, or all under `collect`): Policy::action_name()
  std::vector<Recommendation> recommendations;  // every fired recommendation, in decision order
  std::vector<std::uint32_t> flags;             // flags raised, in order of first declaration
  std::vector<RaisedFlag> raised;               // the rules that raised them
  std::vector<RuleStatus> statuses;             // per rule, in declaration order
  std::vector<UnknownRule> unknown;             // rules whose status is unknown, in declaration order
  std::vector<std::uint32_t> missing;           // schema indices of absent fields, for `unknown`
  // An unknown recommending rule could have changed the decision (docs/language.md, "Provisional").
  bool provisional = false;
  // The `because` texts, one after another in one buffer that keeps its capacity from record
  // to record (a string per text would be an allocation per fired rule).
  std::string texts;
  std::string_view text(TextSpan span) const { return std::string_view(texts).substr(span.begin, span.end - span.begin); }
  bool is_default() const { return recommendations.empty(); }
};

class Policy {
 public:
  struct CompileResult {
    std::shared_ptr<const Policy> policy;   // set when there are no errors
    Diagnostics diagnostics;                // errors and warnings, for render()
    std::vector<std::string> param_errors;  // bad --param overrides (no source location)
    // Params without a default (`today`) that were not set, worded for --param: the policy is
    // compiled (for check, graph), but evaluating it would read them as unknown, so a run refuses.
    std::vector<std::string> unset_params;
    std::shared_ptr<const SourceSet> sources;  // the policy file and the files it imports
    const SourceFile& source() const { return sources->root(); }
  };

  // `params` are NAME=VALUE overrides, checked against each param's type. Imports are read
  // with `read` (by default from the file system, relative to the importing file).
  static CompileResult compile(SourceFile source, const std::vector<std::pair<std::string, std::string>>& params = {},
                               const ReadFile& read = read_policy_file);
  // Reads a policy file from the file system (the default ReadFile of compile()).
  static bool read_policy_file(const std::string& path, std::string& text, std::string& error);

  const PolicyInfo& info() const { return info_; }
  const std::string& action_name(std::uint32_t action) const { return program_.actions[action]; }
  // The decision's actions by name (one, or all under `collect`).
  std::vector<std::string> action_names(const Decision& decision) const;
  const CheckedPolicy& checked() const { return checked_; }
  const Program& program() const { return program_; }
  const SourceFile& source() const { return sources_->root(); }
  const SourceSet& sources() const { return *sources_; }
  Hit hit() const { return program_.hit; }
  // The policy reads percentile(): a run collects the portfolio's distributions first
  // (engine/portfolio_stats.hpp) and gives them to its evaluators.
  bool needs_portfolio() const { return !program_.percentiles.empty(); }
  const TracePlan& trace_plan() const { return trace_plan_; }
  // JSON pieces quoted once, that output lines copy: a field's name ("name"), and the start
  // of a rule's entry in "unknown" ({"rule":"name","missing":[).
  const std::string& json_field_name(std::uint32_t field) const { return json_field_names_[field]; }
  const std::string& json_unknown_entry(std::uint32_t rule) const { return json_unknown_entries_[rule]; }
  // `{"expr":…,"line":…,"column":…,"value":` of a trace step (trace_plan()[rule][step]).
  const std::string& json_trace_head(std::size_t rule, std::size_t step) const { return json_trace_heads_[rule][step]; }

 private:
  Policy() = default;
  std::shared_ptr<const SourceSet> sources_;
  CheckedPolicy checked_;
  Program program_;
  TracePlan trace_plan_;
  PolicyInfo info_;
  std::vector<std::string> json_unknown_entries_, json_field_names_;
  std::vector<std::vector<std::string>> json_trace_heads_;
};

// Evaluates records one after another against one policy; one per thread.
class Evaluator {
 public:
  explicit Evaluator(const Policy& policy) : policy_(&policy), frame_(policy.program()) {}
  Decision evaluate(Record& record);
  Decision evaluate(Record&& record) { return evaluate(record); }
  // The same into `out`, reusing its storage (the hot path of a batch). The record's
  // values are swapped into the evaluator's slots; the record gets stale values back.
  void evaluate(Record& record, Decision& out);
  // The batch path: the record's values were read straight into field_slots() (see
  // RecordBuilder::write_into); only its id is taken from `record`.
  void evaluate_in_place(Record& record, Decision& out);
  Value* field_slots() { return frame_.field_slots(); }
  // Whether decisions carry their `because` texts (on by default). A batch that writes
  // reasons only turns them off: rendering them is a good part of a record's cost.
  void set_explain(bool explain) { explain_ = explain; }
  // The run's distributions, for percentile(): see Policy::needs_portfolio().
  void set_portfolio(const PortfolioStats* portfolio) { frame_.set_portfolio(portfolio); }
  // The slots of the last evaluation, for traces.
  const Frame& frame() const { return frame_; }
  const Policy& policy() const { return *policy_; }

 private:
  void decide(std::string& id, Decision& out);

  const Policy* policy_;
  Frame frame_;
  bool explain_ = true;
};

// Parses a --param value as the given type: numbers exactly, `true`/`false`,
// lists and sets as comma-separated items.
std::optional<Value> parse_param_value(Type type, std::string_view text, std::string& error);

// A params file: a JSON object of NAME: VALUE, where VALUE is a string (read as --param reads
// it), a number, a boolean, or an array of those (a list or set). NAME, VALUE-text pairs.
std::optional<std::vector<std::pair<std::string, std::string>>> read_params_json(const std::string& text, std::string& error);

}  // namespace tenet::core
