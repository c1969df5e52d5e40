#include "engine/testing/policy_tests.hpp"

#include <algorithm>
#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <simdjson.h>

#include "engine/ingest/facts_reader.hpp"
#include "engine/policy.hpp"

namespace tenet::core {

namespace {

using nlohmann::json;
namespace fs = std::filesystem;

// Reads one line's JSON object, or says why not (with the column nlohmann stopped at). A key
// given twice in one object is refused: nlohmann would keep the last silently.
std::optional<json> parse_line(const std::string& text, std::string& error) {
  std::vector<std::set<std::string>> keys;  // the keys of each open object
  std::string repeated;
  const json::parser_callback_t no_repeats = [&](int, json::parse_event_t event, json& parsed) {
    if (event == json::parse_event_t::object_start) keys.emplace_back();
    if (event == json::parse_event_t::object_end) keys.pop_back();
    if (event == json::parse_event_t::key && !keys.back().insert(parsed.get<std::string>()).second && repeated.empty())
      repeated = parsed.get<std::string>();
    return true;
  };
  try {
    json j = json::parse(text, no_repeats);
    if (!repeated.empty()) {
      error = fmt::format("key \"{}\" is given twice in one object", repeated);
      return std::nullopt;
    }
    if (!j.is_object()) {
      error = "expected a JSON object";
      return std::nullopt;
    }
    return j;
  } catch (const json::parse_error& e) {
    error = fmt::format("column {}: not valid JSON ({})", e.byte, std::string(e.what()).substr(std::string(e.what()).find(':') + 2));
    return std::nullopt;
  } catch (const json::exception& e) {  // a number out of a double's range
    error = fmt::format("not valid JSON ({})", std::string(e.what()).substr(std::string(e.what()).find(']') + 2));
    return std::nullopt;
  }
}

// The text of a top-level object member as written: a record's or params' numbers stay exact decimals
// (nlohmann holds them as doubles).
std::string raw_member(const std::string& line, const char* key) {
  simdjson::ondemand::parser parser;
  const simdjson::padded_string padded(line);
  simdjson::ondemand::document doc;
  simdjson::ondemand::object object;  // record and params are objects (read_test checks them)
  std::string_view raw;
  if (parser.iterate(padded).get(doc) || doc.find_field_unordered(key).get_object().get(object) || object.raw_json().get(raw)) return {};
  return std::string(raw);
}

std::optional<std::vector<std::string>> string_list(const json& j, const char* key, std::string& error) {
  if (!j.is_array() || !std::all_of(j.begin(), j.end(), [](const json& x) { return x.is_string(); })) {
    error = fmt::format("\"{}\" must be a list of names", key);
    return std::nullopt;
  }
  return j.get<std::vector<std::string>>();
}

// A params object as the policy reads --params: NAME, value text.
bool read_params(const json& j, const std::string& raw, std::vector<std::pair<std::string, std::string>>& out, std::string& error) {
  if (!j.is_object()) {
    error = "\"params\" must be an object of NAME: VALUE";
    return false;
  }
  auto values = read_params_json(raw, error);
  if (!values) return false;
  out = std::move(*values);
  return true;
}

bool read_expectation(const json& j, Expectation& e, std::string& error) {
  if (!j.is_object()) {
    error = "\"expect\" must be an object";
    return false;
  }
  for (const auto& [key, value] : j.items()) {
    if (key == "decision") {
      if (!value.is_string()) {
        error = "\"decision\" must be an action name";
        return false;
      }
      e.decision = value.get<std::string>();
    } else if (key == "fired" || key == "unknown" || key == "flags" || key == "not_fired" || key == "decision_in" ||
               key == "decision_not_in") {
      auto list = string_list(value, key.c_str(), error);
      if (!list) return false;
      if (key == "decision_in" && list->empty()) {
        error = "\"decision_in\" is empty: no decision could pass";
        return false;
      }
      if (key == "fired") e.fired = std::move(*list);
      else if (key == "decision_in") e.decision_in = std::move(*list);
      else if (key == "decision_not_in") e.decision_not_in = std::move(*list);
      else if (key == "unknown") e.unknown = std::move(*list);
      else if (key == "flags") e.flags = std::move(*list);
      else e.not_fired = std::move(*list);
    } else if (key == "provisional") {
      if (!value.is_boolean()) {
        error = "\"provisional\" must be true or false";
        return false;
      }
      e.provisional = value.get<bool>();
    } else if (key == "because") {
      if (!value.is_object()) {
        error = "\"because\" must be an object of RULE: text";
        return false;
      }
      for (const auto& [rule, text] : value.items()) {
        if (!text.is_string()) {
          error = fmt::format("\"because\": the text of rule '{}' must be a string", rule);
          return false;
        }
        e.because.emplace_back(rule, text.get<std::string>());
      }
    } else {
      error = fmt::format(
          "unknown key \"{}\" in \"expect\"; expected decision, decision_in, decision_not_in, fired, not_fired, unknown, flags, "
          "provisional or because",
          key);
      return false;
    }
  }
  if (j.empty()) {
    error = "\"expect\" is empty: a test must expect something";
    return false;
  }
  return true;
}

// The records of a portfolio file by id, each as its line's text (read once per file).
class Portfolios {
 public:
  const std::string* find(const std::string& path, const std::string& id, std::string& error) {
    auto it = files_.find(path);
    if (it == files_.end()) {
      std::string text;
      if (!read_input(path, text, error)) return nullptr;
      std::map<std::string, std::string> records;
      std::istringstream in(text);
      for (std::string line; std::getline(in, line);) {
        std::string ignored;
        if (auto j = parse_line(line, ignored); j && j->contains("id") && (*j)["id"].is_string()) records.emplace((*j)["id"], line);
      }
      it = files_.emplace(path, std::move(records)).first;
    }
    const auto record = it->second.find(id);
    if (record == it->second.end()) {
      error = fmt::format("no record with id \"{}\" in {}", id, path);
      return nullptr;
    }
    return &record->second;
  }

 private:
  std::map<std::string, std::map<std::string, std::string>> files_;
};

bool read_test(const json& j, const std::string& line, const fs::path& folder, Portfolios& portfolios, PolicyTest& t, std::string& error) {
  static const std::set<std::string> kKeys = {"test", "record", "record_ref", "params", "expect", "note", "source", "near_miss_of"};
  for (const auto& [key, _] : j.items()) {
    if (!kKeys.count(key)) {
      error = fmt::format("unknown key \"{}\"; a test has test, record or record_ref, expect, and optionally params, note, source", key);
      return false;
    }
  }
  if (!j.contains("test") || !j["test"].is_string()) {
    error = "expected \"test\": the test's name";
    return false;
  }
  t.name = j["test"];
  if (j.contains("record") == j.contains("record_ref")) {
    error = "expected either \"record\" (the record itself) or \"record_ref\" ({\"file\": PORTFOLIO, \"id\": ID})";
    return false;
  }
  if (j.contains("record")) {
    if (!j["record"].is_object()) {
      error = "\"record\" must be a JSON object";
      return false;
    }
    t.record = raw_member(line, "record");
  } else {
    const json& ref = j["record_ref"];
    if (!ref.is_object() || !ref.contains("file") || !ref["file"].is_string() || !ref.contains("id") || !ref["id"].is_string()) {
      error = "\"record_ref\" must be {\"file\": PORTFOLIO, \"id\": ID}";
      return false;
    }
    const std::string* record = portfolios.find((folder / ref["file"].get<std::string>()).string(), ref["id"], error);
    if (!record) return false;
    t.record = *record;
  }
  if (j.contains("params") && !read_params(j["params"], raw_member(line, "params"), t.params, error)) return false;
  if (!j.contains("expect")) {
    error = "expected \"expect\": what the decision must be";
    return false;
  }
  return read_expectation(j["expect"], t.expect, error);
}

std::string joined(std::vector<std::string> names) {
  std::sort(names.begin(), names.end());
  return names.empty() ? "none" : fmt::format("{}", fmt::join(names, ", "));
}

}  // namespace

LoadedTests load_test_file(const std::string& path) {
  LoadedTests out;
  std::string text, error;
  if (!read_input(path, text, error)) {
    out.errors.push_back(error);
    return out;
  }
  TestFile file;
  file.path = path;
  const fs::path folder = fs::path(path).parent_path();
  Portfolios portfolios;
  std::istringstream in(text);
  std::size_t number = 0;
  bool have_policy = false;
  for (std::string line; std::getline(in, line);) {
    ++number;
    const auto first = line.find_first_not_of(" \t\r");
    if (first == std::string::npos || line[first] == '#') continue;
    const auto fail = [&](const std::string& message) { out.errors.push_back(fmt::format("{}:{}: {}", path, number, message)); };
    auto j = parse_line(line, error);
    if (!j) {
      fail(error);
      continue;
    }
    if (!have_policy) {
      have_policy = true;
      if (!j->contains("policy") || !(*j)["policy"].is_string()) {
        fail("the first line must name the policy under test: {\"policy\": \"FILE.tenet\"}");
        continue;
      }
      file.policy_path = (folder / (*j)["policy"].get<std::string>()).string();
      file.policy_line = number;
      if (j->contains("params") && !read_params((*j)["params"], raw_member(line, "params"), file.params, error)) fail(error);
      continue;
    }
    PolicyTest t;
    t.line = number;
    if (!read_test(*j, line, folder, portfolios, t, error)) {
      fail(error);
      continue;
    }
    file.tests.push_back(std::move(t));
  }
  if (!have_policy) out.errors.push_back(fmt::format("{}: no tests: the first line must name the policy under test", path));
  if (out.errors.empty()) out.file = std::move(file);
  return out;
}

namespace {

// The slots of the two operands of every `and` and `or`, in code order. Params change only
// constants, so every compiled variant of a file's policy lists the same operands in this order.
std::vector<std::uint32_t> operand_slots(const Program& program) {
  std::vector<std::uint32_t> out;
  for (const Instruction& in : program.code) {
    if (in.code != OpCode::logical_and && in.code != OpCode::logical_or) continue;
    out.push_back(in.a);
    out.push_back(in.b);
  }
  return out;
}

// The rules and operands coverage counts, named and placed once, in operand_slots() order.
void describe_coverage(const Policy& policy, Coverage& coverage) {
  const auto& m = policy.checked().module;
  // The rule or let whose source holds an operand.
  const auto owner = [&](const SourceRange& r) -> std::string {
    for (const auto& rule : m.rules)
      if (rule.when->range.begin <= r.begin && r.end <= rule.when->range.end) return "rule " + rule.name.text;
    for (const auto& let : m.lets)
      if (let.value->range.begin <= r.begin && r.end <= let.value->range.end) return "let " + let.name.text;
    return "?";
  };
  for (const auto& rule : m.rules) coverage.rules.push_back({rule.name.text});
  for (const Instruction& in : policy.program().code) {
    if (in.code != OpCode::logical_and && in.code != OpCode::logical_or) continue;
    for (const auto& operand : in.node->operands) {
      const SourceFile& source = policy.sources().file_at(operand->range.begin);
      const LineColumn at = source.locate(operand->range.begin);
      coverage.operands.push_back(
          {owner(operand->range), fmt::format("{}:{}:{}", source.path(), at.line, at.column), one_line(source.slice(operand->range))});
    }
  }
}

// A compiled variant of the policy under test (one per distinct set of params).
struct Compiled {
  std::shared_ptr<const Policy> policy;
  std::vector<std::uint32_t> operand_slots;  // for coverage
  std::optional<PortfolioStats> portfolio;   // for percentile(): the file's test records are the portfolio
};

}  // namespace

std::vector<TestOutcome> run_test_file(const TestFile& file, std::string& error, Coverage* coverage) {
  std::string source;
  if (!read_input(file.policy_path, source, error)) {
    error = fmt::format("{}:{}: {}", file.path, file.policy_line, error);
    return {};
  }
  // One compiled policy per distinct set of params; a test's params override the file's.
  std::map<std::vector<std::pair<std::string, std::string>>, Compiled> compiled;
  std::vector<TestOutcome> outcomes;
  for (const PolicyTest& t : file.tests) {
    std::vector<std::pair<std::string, std::string>> params = t.params;
    for (const auto& p : file.params)
      if (std::none_of(params.begin(), params.end(), [&](const auto& q) { return q.first == p.first; })) params.push_back(p);
    std::sort(params.begin(), params.end());
    TestOutcome outcome;
    outcome.test = &t;
    Compiled& variant = compiled[params];
    if (!variant.policy) {
      auto result = Policy::compile(SourceFile(file.policy_path, source), params);
      if (result.diagnostics.has_errors()) {
        error = fmt::format("{}:{}: the policy does not compile:\n{}", file.path, file.policy_line,
                            render(*result.sources, result.diagnostics));
        return {};
      }
      if (!result.param_errors.empty() || !result.unset_params.empty()) {  // this test's params (or the file's): it fails, the others run
        compiled.erase(params);
        auto errors = result.param_errors;
        errors.insert(errors.end(), result.unset_params.begin(), result.unset_params.end());
        for (std::string e : errors) {  // worded for --param; here the test's "params" set it
          if (e.starts_with("--param ")) e.erase(0, 8);
          outcome.differences.push_back("params: " + e);
        }
        outcomes.push_back(std::move(outcome));
        continue;
      }
      variant.policy = result.policy;
      if (variant.policy->needs_portfolio()) {
        std::string records;
        for (const PolicyTest& each : file.tests) records += each.record + "\n";
        variant.portfolio.emplace(portfolio_of(records, FactsFormat::jsonl, *variant.policy));
      }
      if (coverage) {
        variant.operand_slots = operand_slots(variant.policy->program());
        if (coverage->rules.empty()) describe_coverage(*variant.policy, *coverage);
      }
    }
    const Policy& policy = *variant.policy;
    std::optional<Decision> decided;
    std::string record_error, read_error;
    Evaluator evaluator(policy);
    if (variant.portfolio) evaluator.set_portfolio(&*variant.portfolio);
    read_facts(
        t.record + "\n", FactsFormat::jsonl, policy,
        [&](std::size_t, Record* r, RecordError* e) {
          if (r) decided = evaluator.evaluate(std::move(*r));
          else record_error = e->message;
        },
        read_error);
    if (decided && coverage) {
      for (std::size_t k = 0; k < variant.operand_slots.size(); ++k) {
        const Value& v = evaluator.frame().slot(variant.operand_slots[k]);
        if (v.is_true()) coverage->operands[k].seen_true = true;
        if (v.is_false()) coverage->operands[k].seen_false = true;
      }
      for (std::size_t i = 0; i < decided->statuses.size(); ++i) {
        auto& rule = coverage->rules[i];
        (decided->statuses[i] == RuleStatus::fired     ? rule.fired
         : decided->statuses[i] == RuleStatus::unknown ? rule.unknown
                                                       : rule.not_fired)++;
      }
    }
    if (!decided) {
      outcome.differences.push_back("the record is not decided: " + (record_error.empty() ? read_error : record_error));
      outcomes.push_back(std::move(outcome));
      continue;
    }
    const Decision& d = *decided;
    const auto& rules = policy.checked().module.rules;
    const auto rule_index = [&](const std::string& name) -> std::optional<std::size_t> {
      for (std::size_t i = 0; i < rules.size(); ++i)
        if (rules[i].name.text == name) return i;
      return std::nullopt;
    };
    std::vector<std::string> fired, unknown, flags;
    for (std::size_t i = 0; i < rules.size(); ++i) {
      if (d.statuses[i] == RuleStatus::fired) fired.push_back(rules[i].name.text);
      if (d.statuses[i] == RuleStatus::unknown) unknown.push_back(rules[i].name.text);
    }
    for (const auto f : d.flags) flags.push_back(policy.checked().flags[f].name);
    const Expectation& e = t.expect;
    auto& diff = outcome.differences;
    const std::vector<std::string> actions = policy.action_names(d);
    const std::string decision = fmt::format("{}", fmt::join(actions, ", "));
    if (e.decision && *e.decision != decision) diff.push_back(fmt::format("decision: expected {}, got {}", *e.decision, decision));
    // A name that is no action of the policy would make `decision_not_in` pass whatever it decides
    // (under `collect` a decision is several actions joined, so there it is not one name).
    const auto& known = policy.program().actions;
    const auto check_actions = [&](const char* what, const std::vector<std::string>& names) {
      if (policy.hit() == Hit::collect) return;
      for (const auto& name : names)
        if (std::find(known.begin(), known.end(), name) == known.end())
          diff.push_back(fmt::format("{}: the policy has no action '{}'", what, name));
    };
    if (e.decision_in) {
      check_actions("decision_in", *e.decision_in);
      if (std::find(e.decision_in->begin(), e.decision_in->end(), decision) == e.decision_in->end())
        diff.push_back(fmt::format("decision: expected one of {}, got {}", joined(*e.decision_in), decision));
    }
    check_actions("decision_not_in", e.decision_not_in);
    if (std::find(e.decision_not_in.begin(), e.decision_not_in.end(), decision) != e.decision_not_in.end())
      diff.push_back(fmt::format("decision: expected none of {}, got {}", joined(e.decision_not_in), decision));
    const auto same = [&](const char* what, const std::optional<std::vector<std::string>>& want, const std::vector<std::string>& got) {
      if (want && joined(*want) != joined(got)) diff.push_back(fmt::format("{}: expected {}, got {}", what, joined(*want), joined(got)));
    };
    same("fired", e.fired, fired);
    same("unknown", e.unknown, unknown);
    same("flags", e.flags, flags);
    for (const auto& name : e.not_fired) {
      const auto i = rule_index(name);
      if (!i) diff.push_back(fmt::format("not_fired: the policy has no rule '{}'", name));
      else if (d.statuses[*i] != RuleStatus::not_fired)
        diff.push_back(fmt::format("not_fired: rule {} is {}", name, status_name(d.statuses[*i])));
    }
    if (e.provisional && *e.provisional != d.provisional)
      diff.push_back(fmt::format("provisional: expected {}, got {}", *e.provisional, d.provisional));
    // Every fired rule's because text, for the expectations and for the report.
    std::map<std::string, std::string> because;
    for (const auto& r : d.recommendations)
      if (r.has_because) because[rules[r.rule].name.text] = std::string(d.text(r.because));
    for (const auto& f : d.raised)
      if (f.has_because) because[rules[f.rule].name.text] = std::string(d.text(f.because));
    for (const auto& [rule, text] : e.because) {
      const auto it = because.find(rule);
      if (!rule_index(rule)) diff.push_back(fmt::format("because: the policy has no rule '{}'", rule));
      else if (it == because.end()) diff.push_back(fmt::format("because of {}: expected \"{}\", but the rule did not fire", rule, text));
      else if (it->second != text) diff.push_back(fmt::format("because of {}: expected \"{}\", got \"{}\"", rule, text, it->second));
    }
    if (!diff.empty()) {
      for (const auto& name : fired)
        if (because.count(name)) outcome.because.push_back(fmt::format("{}: {}", name, because[name]));
    }
    outcomes.push_back(std::move(outcome));
  }
  return outcomes;
}

namespace {

std::string xml_text(std::string_view text) {
  std::string out;
  for (const char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

}  // namespace

std::string junit_xml(const std::vector<std::pair<std::string, std::vector<TestOutcome>>>& files) {
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n";
  for (const auto& [path, outcomes] : files) {
    std::size_t failures = 0;
    for (const auto& o : outcomes) failures += !o.differences.empty();
    out += fmt::format("  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\">\n", xml_text(path), outcomes.size(), failures);
    for (const auto& o : outcomes) {
      out += fmt::format("    <testcase name=\"{}\" classname=\"{}\" file=\"{}\" line=\"{}\"", xml_text(o.test->name), xml_text(path),
                         xml_text(path), o.test->line);
      if (o.differences.empty()) {
        out += "/>\n";
        continue;
      }
      std::string body;
      for (const auto& d : o.differences) body += d + "\n";
      for (const auto& b : o.because) body += "because " + b + "\n";
      out +=
          fmt::format(">\n      <failure message=\"{}\">{}</failure>\n    </testcase>\n", xml_text(o.differences.front()), xml_text(body));
    }
    out += "  </testsuite>\n";
  }
  return out + "</testsuites>\n";
}

}  // namespace tenet::core
