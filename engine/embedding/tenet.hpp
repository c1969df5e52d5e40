// Tenet's embedding surface: compile a policy, evaluate records, read decisions by name.
//
//   #include <tenet/tenet.hpp>
//   auto policy = tenet::Policy::from_file("rules/customer_focus.tenet", {{"thin_margin_rate", 0.15}});
//   tenet::Evaluator evaluator(policy);                 // one per thread; the Policy is shared
//   tenet::Decision d = evaluator.evaluate_json(R"({"id":"C1","annual_revenue":100})");
//   d.decision(); d.chosen_rule(); d.fired_rules(); d.flags(); d.provisional(); d.to_json();
//
// This is the only header an embedding program includes (installed as <tenet/tenet.hpp>, with
// <tenet/version.hpp>); it includes no other header of Tenet's, and everything it names is
// stable. The engine behind it (namespace tenet::core) may change freely.
//
// Errors (docs/embedding.md): compiling a policy, or a param it cannot take, throws PolicyError
// with the diagnostics as data; a record that cannot be read throws RecordError with its kind;
// a file that cannot be read throws std::system_error; a Record or Portfolio of one policy given
// to the Evaluator of another throws std::invalid_argument. Nothing else throws but
// std::bad_alloc.
//
// ABI: everything is in the inline namespace tenet::abi_v1, so a program built against another
// ABI fails to link instead of running wrongly; the shared library exports only what is named
// here (TENET_API), and its SOVERSION is the minor version (0.2).
// A Policy is immutable and shared by any number of threads; an Evaluator or RecordBuilder is
// used by one thread at a time.
#pragma once

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <tenet/version.hpp>

#if defined(__GNUC__)
#define TENET_API __attribute__((visibility("default")))
#else
#define TENET_API
#endif

namespace tenet {
inline namespace abi_v1 {

// One error or warning about a policy, where it is.
struct Diagnostic {
  enum class Severity { error, warning };
  Severity severity = Severity::error;
  std::string file;  // the policy file, or an imported one
  std::uint32_t line = 0, column = 0;
  std::string message;
  std::string rendered;  // as `tenet check` prints it: the place, the message, the line and a caret
};

// A policy that does not compile, or a param it cannot take (then with no diagnostics).
class TENET_API PolicyError : public std::runtime_error {
 public:
  PolicyError(const std::string& message, std::vector<Diagnostic> diagnostics);
  const std::vector<Diagnostic>& diagnostics() const noexcept { return diagnostics_; }

 private:
  std::vector<Diagnostic> diagnostics_;
};

// A record that cannot be read: not an object, a value of the wrong type, a required field
// absent... `kind` is the name `tenet batch` writes: one of kinds().
class TENET_API RecordError : public std::runtime_error {
 public:
  RecordError(const std::string& message, std::string kind, std::optional<std::string> id);
  const std::string& kind() const noexcept { return kind_; }
  // Every kind there is: "malformed", "not_an_object", "required_absent", "wrong_type", ...
  static std::vector<std::string> kinds();
  const std::optional<std::string>& id() const noexcept { return id_; }

 private:
  std::string kind_;
  std::optional<std::string> id_;
};

// A param's value: typed (a bool, a whole number, a double read as its shortest decimal, the
// items of a list or set of strings), or as a policy writes it ("15%", "0.15", "{\"a\",\"b\"}").
class ParamValue {
 public:
  struct Literal {
    std::string text;
  };
  ParamValue(bool b) : value_(b) {}
  ParamValue(int n) : value_(static_cast<long long>(n)) {}
  ParamValue(long n) : value_(static_cast<long long>(n)) {}  // std::int64_t
  ParamValue(long long n) : value_(n) {}
  ParamValue(unsigned n) : value_(static_cast<long long>(n)) {}
  ParamValue(unsigned long n) : value_(Literal{std::to_string(n)}) {}  // std::uint64_t, beyond a long long too
  ParamValue(unsigned long long n) : value_(Literal{std::to_string(n)}) {}
  ParamValue(double d) : value_(d) {}
  ParamValue(const char* literal) : value_(Literal{literal}) {}
  ParamValue(std::string literal) : value_(Literal{std::move(literal)}) {}
  ParamValue(std::vector<std::string> items) : value_(std::move(items)) {}
  const std::variant<bool, long long, double, Literal, std::vector<std::string>>& value() const { return value_; }

 private:
  std::variant<bool, long long, double, Literal, std::vector<std::string>> value_;
};
using Params = std::map<std::string, ParamValue>;

class Evaluator;
class RecordBuilder;
class Policy;

// `tenet batch` over any streams: JSON lines (or CSV) in, one JSON line per record out (a
// decision, or the record's error), in input order, on all cores.
class Portfolio;
struct BatchOptions {
  unsigned threads = 0;  // 0: one per core
  bool csv = false;      // the input is CSV with a header
  bool explain = false;
  // percentile(): rank against this portfolio (the whole, when the input is a part of it),
  // instead of the input itself.
  const Portfolio* portfolio = nullptr;
};
struct BatchSummary {
  std::uint64_t records = 0, decided = 0, errors = 0;
  std::string json;  // the summary `tenet batch --summary` writes
};
// Throws std::runtime_error when the input cannot be read or the output written, and
// std::invalid_argument for options.portfolio of another policy or other params.
TENET_API BatchSummary run_batch(const Policy& policy, std::istream& input, std::ostream& output, const BatchOptions& options = {});

// What an import reads: the text of the policy at `path` (the import's path joined with the
// importing file's directory); throws std::system_error when there is none.
using ImportReader = std::function<std::string(const std::string& path)>;

// A compiled policy: immutable, cheap to copy (shared), safe to share between threads.
class TENET_API Policy {
 public:
  // Throws PolicyError, or std::system_error when the file (or an import) cannot be read.
  static Policy from_file(const std::string& path, const Params& params = {});
  // `name` stands for the file in diagnostics and places its imports: they are read relative to
  // its directory, from the file system, or by `read_import` when given (a policy store, a
  // bundle of files in memory); a failed read is a PolicyError naming the import.
  static Policy from_text(std::string_view text, const std::string& name, const Params& params = {}, const ImportReader& read_import = {});

  const std::string& name() const;
  const std::string& title() const;
  const std::string& version() const;
  const std::string& sha256() const;       // of the policy's source bytes
  std::vector<std::string> rules() const;  // in declaration order
  struct Field {
    std::string name;
    std::string type;  // as the schema writes it: number, string, list<string>, set<string>, date, bool
    bool optional = false, key = false;
  };
  std::vector<Field> schema() const;  // the schema's fields, in order
  struct Source {
    std::string path;  // as compiled: the policy's name, then each import joined with its importer's directory
    std::string text;
  };
  std::vector<Source> sources() const;  // the texts compiled: the policy's, then every import's
  std::vector<Diagnostic> warnings() const;
  std::string to_json() const;   // the policy object every decision names
  bool reads_portfolio() const;  // reads percentile(): see Evaluator

 private:
  struct Impl;
  explicit Policy(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<const Impl> impl_;
  friend class Evaluator;
  friend class Record;
  friend class RecordBuilder;
  friend class Portfolio;
  friend BatchSummary run_batch(const Policy&, std::istream&, std::ostream&, const BatchOptions&);
};

// A record read and checked against the policy's schema: every invariant holds (types, required
// fields, the key, sets sorted without repeats, valid UTF-8).
// A Record keeps its policy alive; an Evaluator takes only the records of its policy's source.
class TENET_API Record {
 public:
  const std::string& id() const;

 private:
  struct Impl;
  std::shared_ptr<const Impl> impl_;
  friend class RecordBuilder;
  friend class Evaluator;
};

// Builds a Record field by field (or from a JSON object), checked as `tenet batch` checks one.
class TENET_API RecordBuilder {
 public:
  explicit RecordBuilder(const Policy& policy);
  ~RecordBuilder();
  RecordBuilder(RecordBuilder&&) noexcept;
  RecordBuilder& operator=(RecordBuilder&&) noexcept;

  RecordBuilder& set(const std::string& field, std::nullptr_t);  // absent
  RecordBuilder& set(const std::string& field, bool value);
  RecordBuilder& set(const std::string& field, long long value);
  RecordBuilder& set(const std::string& field, int value) { return set(field, static_cast<long long>(value)); }
  RecordBuilder& set(const std::string& field, long value) { return set(field, static_cast<long long>(value)); }  // std::int64_t
  RecordBuilder& set(const std::string& field, unsigned value) { return set(field, static_cast<long long>(value)); }
  RecordBuilder& set(const std::string& field, unsigned long value) { return set(field, static_cast<unsigned long long>(value)); }
  RecordBuilder& set(const std::string& field, unsigned long long value);
  RecordBuilder& set(const std::string& field, double value);  // its shortest decimal
  RecordBuilder& set(const std::string& field, const char* text) { return set(field, std::string(text)); }
  RecordBuilder& set(const std::string& field, const std::string& text);                // a string, or a date as YYYY-MM-DD
  RecordBuilder& set_number(const std::string& field, std::string_view decimal);        // exactly, as written: "120000.50"
  RecordBuilder& set(const std::string& field, const std::vector<std::string>& items);  // a list or set of strings
  // Throws RecordError; the builder is empty afterwards, ready for the next record.
  Record build();
  // A record from one JSON object; throws RecordError.
  Record from_json(std::string_view json_object);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// One record's decision, by name.
class TENET_API Decision {
 public:
  struct Unknown {
    std::string rule;
    std::vector<std::string> missing;  // the absent fields that made it unknown
    std::string reason;                // when no field is missing: "division by zero", ...
  };
  const std::string& id() const { return id_; }
  const std::string& decision() const { return decision_; }                       // the action; under `hit collect`, joined with '+'
  const std::vector<std::string>& decisions() const { return decisions_; }        // the action(s)
  const std::optional<std::string>& chosen_rule() const { return chosen_rule_; }  // none: the default
  const std::vector<std::string>& fired_rules() const { return fired_rules_; }
  const std::vector<std::string>& flags() const { return flags_; }
  bool provisional() const { return provisional_; }
  const std::vector<std::string>& because() const { return because_; }  // of the chosen rules, then of the flags
  const std::vector<Unknown>& unknown() const { return unknown_; }
  // The JSON line `tenet eval` writes (no newline); with the Evaluator's `explain` and `trace`.
  const std::string& to_json() const { return json_; }

 private:
  std::string id_, decision_;
  std::vector<std::string> decisions_;
  std::optional<std::string> chosen_rule_;
  std::vector<std::string> fired_rules_, flags_, because_;
  std::vector<Unknown> unknown_;
  bool provisional_ = false;
  std::string json_;
  friend class Evaluator;
};

// What percentile() ranks a record against: a portfolio's records (JSON lines), read once and
// shared by any number of evaluators (a policy that does not read percentile() needs none). It
// keeps its policy alive and is for that policy (source and params) only.
class TENET_API Portfolio {
 public:
  static Portfolio of(const Policy& policy, std::string_view json_lines);
  // A whole portfolio file (.jsonl, or .csv with a header), read as `tenet batch` reads it;
  // throws std::system_error when it cannot be read, std::runtime_error when it is not facts.
  static Portfolio from_file(const Policy& policy, const std::string& path);

 private:
  struct Impl;
  std::shared_ptr<const Impl> impl_;
  friend class Evaluator;
  friend BatchSummary run_batch(const Policy&, std::istream&, std::ostream&, const BatchOptions&);
};

// Decides records with one policy: one per thread.
class TENET_API Evaluator {
 public:
  struct Options {
    bool explain = false;  // to_json() adds each fired rule's title and source
    bool trace = false;    // to_json() adds the rule trace
  };
  explicit Evaluator(const Policy& policy) : Evaluator(policy, Options{}) {}
  Evaluator(const Policy& policy, Options options);
  ~Evaluator();
  Evaluator(Evaluator&&) noexcept;
  Evaluator& operator=(Evaluator&&) noexcept;

  // Throws std::invalid_argument for a record built for a policy of another source.
  Decision evaluate(const Record& record);
  Decision evaluate_json(std::string_view json_object);  // throws RecordError
  // A policy that reads percentile() ranks each record among a portfolio: give it before
  // evaluating; without one, percentile() is unknown ("percentile needs the run's portfolio").
  // Throws std::invalid_argument for the portfolio of another policy or other params.
  void rank_among(const Portfolio& portfolio);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace abi_v1
}  // namespace tenet
