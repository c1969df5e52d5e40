// Every named limit (dsl/limits.hpp, engine/ingest/limits.hpp) at its boundary: the largest
// accepted input is accepted, one more is a clear error naming the place.
#include <cstdio>
#include <cstring>

#include "dsl/limits.hpp"
#include "engine/batch/batch.hpp"
#include "engine/ingest/limits.hpp"
#include "helpers.hpp"

namespace {

const std::string kHead = "policy p \"P\" version \"1\"\nschema s { id: string key  x: number }\n";
const std::string kTail = "\nrule r { when a > 1 then recommend go }\ndecision d { hit priority default keep }\n";

std::string policy_with_let(const std::string& expr) { return kHead + "let a = " + expr + kTail; }

std::string chain(int terms) {
  std::string out = "x";
  for (int i = 1; i < terms; ++i) out += " + x";
  return out;
}

// A JSON line of exactly `bytes` bytes (without its line end): padding in an ignored field.
std::string record_of(std::size_t bytes, const std::string& id) {
  const std::string head = "{\"id\":\"" + id + "\",\"x\":2,\"pad\":\"";
  return head + std::string(bytes - head.size() - 2, 'p') + "\"}";
}

}  // namespace

TEST_CASE("limits: policy size, exactly at the limit and one byte over") {
  using tenet::core::limits::kMaxPolicyBytes;
  const std::string body = policy_with_let("x");
  const std::string at_limit = body + "#" + std::string(kMaxPolicyBytes - body.size() - 1, 'c');
  REQUIRE(at_limit.size() == kMaxPolicyBytes);
  CHECK(test::diagnostics(at_limit) == "");
  CHECK(test::diagnostics(at_limit + "c") ==
        "test.tenet:1:1: error: policy is 4194305 bytes; the limit is 4194304 bytes\n"
        "  policy p \"P\" version \"1\"\n  ^\n");
}

TEST_CASE("limits: nesting of brackets, exactly at the limit and one over") {
  const auto nested = [](int n) { return policy_with_let(std::string(n, '(') + "x" + std::string(n, ')')); };
  CHECK(test::diagnostics(nested(tenet::core::limits::kMaxNesting)) == "");
  CHECK(test::diagnostics(nested(tenet::core::limits::kMaxNesting + 1))
            .starts_with("test.tenet:3:74: error: nesting too deep (more than 64 levels of brackets, 'not' or '-')\n"));
}

TEST_CASE("limits: depth of one expression tree, exactly at the limit and one over") {
  CHECK(test::diagnostics(policy_with_let(chain(tenet::core::limits::kMaxExpressionDepth))) == "");
  CHECK(test::diagnostics(policy_with_let(chain(tenet::core::limits::kMaxExpressionDepth + 1)))
            .starts_with("test.tenet:3:1030: error: expression too deep (more than 256 levels); split it with let\n"));
}

TEST_CASE("limits: string length, for literals, titles and because templates") {
  using tenet::core::limits::kMaxStringBytes;
  const std::string at_limit(kMaxStringBytes, 's');
  const auto with_title = [](const std::string& title) {
    return kHead + "let a = x\nrule r { title \"" + title + "\" when a > 1 then recommend go }\ndecision d { hit priority default keep }\n";
  };
  const auto with_because = [](const std::string& text) {
    return kHead + "let a = x\nrule r { when a > 1 then recommend go because \"" + text +
           "\" }\ndecision d { hit priority default keep }\n";
  };
  CHECK(test::diagnostics(policy_with_let("\"" + at_limit + "\" == \"s\" and x > 1")) ==
        "test.tenet:4:15: error: '>' compares a bool with a number\n"
        "  rule r { when a > 1 then recommend go }\n                ^~~~~\n");  // the string itself is fine
  CHECK(test::diagnostics(with_title(at_limit)) == "");
  CHECK(test::diagnostics(with_because(at_limit)) == "");
  CHECK(test::diagnostics(with_title(at_limit + "s"))
            .starts_with("test.tenet:4:16: error: string of 65537 bytes; the limit is 65536 bytes\n"));
  CHECK(test::diagnostics(with_because(at_limit + "s"))
            .starts_with("test.tenet:4:47: error: string of 65537 bytes; the limit is 65536 bytes\n"));
  CHECK(test::diagnostics(policy_with_let("\"" + at_limit + "s\" == \"s\""))
            .starts_with("test.tenet:3:9: error: string of 65537 bytes; the limit is 65536 bytes\n"));
}

TEST_CASE("limits: record size, exactly at the limit and one byte over, in every reader") {
  using tenet::core::limits::kMaxRecordBytes;
  auto policy = test::compile(policy_with_let("x"));
  const std::string fits = record_of(kMaxRecordBytes, "fits");
  const std::string over = record_of(kMaxRecordBytes + 1, "over");
  REQUIRE(fits.size() == kMaxRecordBytes);
  const std::string error =
      "{\"line\":2,\"error\":\"record longer than 16777216 bytes (16 MiB, the limit); not read\",\"kind\":\"too_large\"}";
  const std::string decided_prefix = "{\"id\":\"fits\",\"decision\":\"go\"";
  const std::string after = "{\"id\":\"after\",\"x\":0}";

  SECTION("tenet eval: JSON lines") {
    const auto lines = test::run(*policy, fits + "\n" + over + "\n" + after + "\n");
    REQUIRE(lines.size() == 3);
    CHECK(lines[0].starts_with(decided_prefix));
    CHECK(lines[1] == error);
    CHECK(lines[2].starts_with("{\"id\":\"after\",\"decision\":\"keep\""));
  }
  SECTION("tenet eval: CSV") {
    const std::string head = "id,x,pad\n";
    const auto row = [](std::size_t bytes, const char* id) {
      return std::string(id) + ",2," + std::string(bytes - std::strlen(id) - 3, 'p');
    };
    const auto lines = test::run(*policy, head + row(kMaxRecordBytes, "fits") + "\n" + row(kMaxRecordBytes + 1, "over") + "\nafter,0,\n",
                                 tenet::core::FactsFormat::csv);
    REQUIRE(lines.size() == 3);
    CHECK(lines[0].starts_with(decided_prefix));
    CHECK(lines[1] ==
          "{\"line\":3,\"id\":\"over\",\"error\":\"record longer than 16777216 bytes (16 MiB, the limit); not "
          "read\",\"kind\":\"too_large\"}");
    CHECK(lines[2].starts_with("{\"id\":\"after\",\"decision\":\"keep\""));
  }
  SECTION("tenet batch: the long record is skipped, not held, and the next one is read") {
    const auto input = GENERATE(test::BatchInput::file, test::BatchInput::pipe);
    tenet::core::BatchOptions options;
    options.threads = 2;
    const auto run = test::batch(*policy, fits + "\n" + over + "\n" + after + "\n", input, options);
    CHECK(run.result.failure == "");
    CHECK(run.result.summary.records == 3);
    CHECK(run.result.summary.errors == 1);
    CHECK(run.output.find(error + "\n") != std::string::npos);
    CHECK(run.output.find("{\"id\":\"after\",\"decision\":\"keep\"") != std::string::npos);
  }
  SECTION("tenet batch: a record far over the limit is skipped to its line end, read or cut around") {
    // 3 MiB over: a file's reader looks past the limit for the record's end before the block is
    // read, and reports it without reading it; a pipe's reader drops it as it reads.
    const std::string far = record_of(kMaxRecordBytes + (3 << 20), "far");
    const auto input = GENERATE(test::BatchInput::file, test::BatchInput::pipe);
    tenet::core::BatchOptions options;
    options.threads = 2;
    const std::string bad = "{\"id\":\"bad\",\"x\":\"s\"}";  // an error after it shows its line number
    const auto run = test::batch(*policy, fits + "\n" + far + "\n" + after + "\n" + bad + "\n", input, options);
    CHECK(run.result.failure == "");
    CHECK(run.result.summary.records == 4);
    CHECK(run.result.summary.errors == 2);
    const auto first_end = run.output.find('\n');
    REQUIRE(first_end != std::string::npos);
    CHECK(run.output.starts_with(decided_prefix));
    const std::string rest = run.output.substr(first_end + 1);
    CHECK(rest.starts_with(error + "\n{\"id\":\"after\",\"decision\":\"keep\""));
    CHECK(rest.ends_with("{\"line\":4,\"id\":\"bad\",\"error\":\"field `x` is a string, expected number\",\"kind\":\"wrong_type\"}\n"));
  }
}
