// `tenet test`: tests a consultant writes next to a policy, as data (docs/testing.md).
//
// A test file (NAME.tests.jsonl) is JSON lines: first the policy it tests, then one test a line,
// each a record (inline, or by id from a portfolio) and what its decision must be. Lines that
// start with `#` are comments. Loading checks the whole file and reports every mistake with its
// FILE:LINE; running evaluates each test with its params and lists what differs.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace tenet::core {

// What a test expects; only what is given is checked.
struct Expectation {
  std::optional<std::string> decision;  // the chosen action (under `collect`: all, joined by ", ")
  // The decision is one of these (a panel's accepted actions), and none of those (its clearly
  // wrong ones); each an action of the policy.
  std::optional<std::vector<std::string>> decision_in;
  std::vector<std::string> decision_not_in;
  std::optional<std::vector<std::string>> fired;    // exactly these rules fired (any order)
  std::vector<std::string> not_fired;               // each of these rules did not fire (nor was unknown)
  std::optional<std::vector<std::string>> unknown;  // exactly these rules were unknown
  std::optional<std::vector<std::string>> flags;    // exactly these flags were raised
  std::optional<bool> provisional;
  std::vector<std::pair<std::string, std::string>> because;  // rule: its exact because text
};

struct PolicyTest {
  std::string name;
  std::size_t line = 0;
  std::string record;                                       // one JSON object
  std::vector<std::pair<std::string, std::string>> params;  // NAME, value as --param reads it
  Expectation expect;
};

struct TestFile {
  std::string path;
  std::string policy_path;                                  // as resolved from the test file's folder
  std::size_t policy_line = 0;                              // the line that names it
  std::vector<std::pair<std::string, std::string>> params;  // for every test of the file
  std::vector<PolicyTest> tests;
};

// Every mistake in the file as `FILE:LINE: message`; the file when there is none.
struct LoadedTests {
  std::optional<TestFile> file;
  std::vector<std::string> errors;
};
LoadedTests load_test_file(const std::string& path);

struct TestOutcome {
  const PolicyTest* test = nullptr;
  std::vector<std::string> differences;  // "decision: expected X, got Y", ...; empty when it passed
  std::vector<std::string> because;      // the because texts of the rules involved: "rule R: text"
};

// What the tests of a file exercised (`tenet test --coverage`): per rule how often it fired,
// did not fire and was unknown; per operand of an `and` or `or`, whether it was ever true and
// ever false (as MC/DC tools ask), with its place and text.
struct Coverage {
  struct Rule {
    std::string name;
    std::size_t fired = 0, not_fired = 0, unknown = 0;
  };
  struct Operand {
    std::string owner;  // "rule NAME" or "let NAME": whose expression holds it
    std::string where;  // FILE:LINE:COL
    std::string text;   // its source, on one line
    bool seen_true = false, seen_false = false;
  };
  std::vector<Rule> rules;
  std::vector<Operand> operands;
};

// Runs every test of the file; `error` when the policy (or a test's params) does not compile.
std::vector<TestOutcome> run_test_file(const TestFile& file, std::string& error, Coverage* coverage = nullptr);

// JUnit XML of the outcomes, one <testsuite> per file, for CI systems.
std::string junit_xml(const std::vector<std::pair<std::string, std::vector<TestOutcome>>>& files);

}  // namespace tenet::core
