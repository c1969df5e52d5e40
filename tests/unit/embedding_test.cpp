// Every public function of the embedding surface (<tenet/tenet.hpp>), with its exact results and
// errors: what docs/embedding.md promises. tests/consumer/ builds the same header against an
// installed copy; this test runs in the suite on every build.
#include <catch2/catch.hpp>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

#include "engine/embedding/tenet.hpp"

namespace {

constexpr const char* kPolicy = R"(policy emb "Embedding probe" version "1.2.3"

schema account {
  id: string key
  revenue: number
  cost: number optional
  tags: set<string> optional
  vip: bool optional
  since: date optional
}

param limit: number = 10%
param unused_rate: number = 1

let margin = (revenue - cost) / revenue

rule thin {
  title "Thin margin"
  source "A sentence."
  when margin < limit
  then recommend reprice priority 10
  because "margin {margin} under {limit}"
}

rule top {
  when percentile(revenue) >= 50%
  then flag top_half
}

decision next {
  hit priority
  default keep
}
)";

tenet::Policy compiled(const tenet::Params& params = {}) { return tenet::Policy::from_text(kPolicy, "emb.tenet", params); }

}  // namespace

TEST_CASE("embedding: a Policy from text or a file, and what it says of itself") {
  const tenet::Policy p = compiled();
  CHECK(p.name() == "emb");
  CHECK(p.title() == "Embedding probe");
  CHECK(p.version() == "1.2.3");
  CHECK(p.sha256().size() == 64);
  CHECK(p.rules() == std::vector<std::string>{"thin", "top"});
  const auto schema = p.schema();
  REQUIRE(schema.size() == 6);
  CHECK((schema[0].name == "id" && schema[0].type == "string" && schema[0].key && !schema[0].optional));
  CHECK((schema[3].name == "tags" && schema[3].type == "set<string>" && schema[3].optional));
  CHECK(p.reads_portfolio());
  const auto warnings = p.warnings();
  REQUIRE(warnings.size() == 1);
  CHECK(warnings[0].severity == tenet::Diagnostic::Severity::warning);
  CHECK(warnings[0].message == "param 'unused_rate' is never used");
  CHECK((warnings[0].file == "emb.tenet" && warnings[0].line == 13 && warnings[0].column == 7));
  CHECK(p.to_json() == R"({"name":"emb","version":"1.2.3","sha256":")" + p.sha256() + R"(","tenet":")" + TENET_VERSION_STRING + "\"}");

  const auto path = std::filesystem::temp_directory_path() / "tenet-embedding-test.tenet";
  std::ofstream(path) << kPolicy;
  const tenet::Policy f = tenet::Policy::from_file(path.string(), {{"limit", "20%"}});
  CHECK(f.sha256() == p.sha256());
  CHECK(f.to_json() == R"({"name":"emb","version":"1.2.3","sha256":")" + p.sha256() + R"(","tenet":")" + TENET_VERSION_STRING +
                           R"(","params":{"limit":"0.2"}})");
  std::filesystem::remove(path);
  CHECK_THROWS_AS(tenet::Policy::from_file(path.string()), std::system_error);
}

TEST_CASE("embedding: params of every C++ type, integers of 64 bits included") {
  const std::int64_t i64 = 2;
  const std::uint64_t u64 = 18446744073709551615ull;
  CHECK_THROWS_AS(compiled({{"limit", true}}), tenet::PolicyError);  // a bool for a number
  const auto limit_of = [](const tenet::ParamValue& v) {
    return compiled({{"limit", v}}).to_json().substr(compiled({{"limit", v}}).to_json().find("\"params\""));
  };
  CHECK(limit_of(1) == R"("params":{"limit":"1"}})");
  CHECK(limit_of(i64) == R"("params":{"limit":"2"}})");
  CHECK(limit_of(3LL) == R"("params":{"limit":"3"}})");
  CHECK(limit_of(4u) == R"("params":{"limit":"4"}})");
  CHECK(limit_of(123456789012345678ull) == R"("params":{"limit":"123456789012345678"}})");
  CHECK(limit_of(0.15) == R"("params":{"limit":"0.15"}})");
  CHECK(limit_of("15%") == R"("params":{"limit":"0.15"}})");
  CHECK(limit_of(std::string("0.5")) == R"("params":{"limit":"0.5"}})");
  CHECK(std::holds_alternative<tenet::ParamValue::Literal>(tenet::ParamValue(u64).value()));
  CHECK(std::get<tenet::ParamValue::Literal>(tenet::ParamValue(u64).value()).text == "18446744073709551615");
  CHECK(std::get<std::vector<std::string>>(tenet::ParamValue(std::vector<std::string>{"a"}).value()) == std::vector<std::string>{"a"});
  try {
    compiled({{"limit", u64}});
    FAIL("a number of 20 digits is refused");
  } catch (const tenet::PolicyError& e) {
    CHECK(std::string(e.what()) ==
          "--param limit=18446744073709551615: number 18446744073709551615 has more significant digits than the 18 a number holds "
          "exactly; 'limit' is a number");
    CHECK(e.diagnostics().empty());
  }
  CHECK_THROWS_AS(compiled({{"limit", std::vector<std::string>{"a"}}}), tenet::PolicyError);
}

TEST_CASE("embedding: a broken policy is a PolicyError with its diagnostics as data") {
  try {
    tenet::Policy::from_text(
        "policy p \"P\" version \"1\"\nschema s { id: string key }\nrule r { when nope > 1 then recommend x }\n"
        "decision d { hit priority default keep }\n",
        "broken.tenet");
    FAIL("a broken policy is refused");
  } catch (const tenet::PolicyError& e) {
    REQUIRE(e.diagnostics().size() == 1);
    const auto& d = e.diagnostics()[0];
    CHECK((d.file == "broken.tenet" && d.line == 3 && d.column == 15));
    CHECK(d.message == "unknown name 'nope' (not a field, param or let)");
    CHECK(d.rendered.starts_with("broken.tenet:3:15: error: unknown name 'nope'"));
  }
}

TEST_CASE("embedding: imports through the caller's reader, relative to the policy's name") {
  const std::string lens =
      "import { thin } from \"lib/emb.tenet\"\npolicy lens \"Lens\" version \"1\"\n"
      "decision d {\n  hit collect\n  default none\n}\n";
  std::vector<std::string> asked;
  const tenet::ImportReader store = [&](const std::string& path) -> std::string {
    asked.push_back(path);
    if (path == "clients/lib/emb.tenet") return kPolicy;
    throw std::system_error(ENOENT, std::generic_category(), "not in the store");
  };
  const tenet::Policy p = tenet::Policy::from_text(lens, "clients/lens.tenet", {}, store);
  CHECK(asked == std::vector<std::string>{"clients/lib/emb.tenet"});
  CHECK(p.rules() == std::vector<std::string>{"thin"});
  try {
    tenet::Policy::from_text(lens, "elsewhere/lens.tenet", {}, store);
    FAIL("an import the reader cannot give is refused");
  } catch (const tenet::PolicyError& e) {
    REQUIRE(e.diagnostics().size() == 1);
    CHECK(e.diagnostics()[0].message == "cannot import 'elsewhere/lib/emb.tenet': not in the store: No such file or directory");
  }
}

TEST_CASE("embedding: records built field by field, of every C++ type, checked as tenet batch checks one") {
  const tenet::Policy p = compiled();
  tenet::RecordBuilder b(p);
  const tenet::Record r = b.set("id", "A")
                              .set("revenue", std::int64_t{100})
                              .set("cost", 95u)
                              .set("tags", std::vector<std::string>{"b", "a", "a"})
                              .set("vip", false)
                              .set("since", std::string("2020-01-31"))
                              .build();
  CHECK(r.id() == "A");
  tenet::Evaluator e(p);
  CHECK(e.evaluate(r).decision() == "reprice");
  CHECK(e.evaluate(b.set("id", "B").set("revenue", std::uint64_t{100}).set("cost", nullptr).build()).decision() == "keep");
  CHECK(e.evaluate(b.set("id", "C").set("revenue", 100LL).set("cost", 99).build()).decision() == "reprice");
  // Exactly as written: 90.000000000000001 leaves a margin just under 10%.
  CHECK(e.evaluate(b.set("id", "D").set("revenue", 100L).set_number("cost", "90.000000000000001").build()).decision() == "reprice");
  CHECK(e.evaluate(b.set("id", "D2").set("revenue", 100L).set_number("cost", "90").build()).decision() == "keep");
  CHECK(e.evaluate(b.set("id", "E").set("revenue", 100.0).set("cost", 1.5).build()).id() == "E");
  CHECK(e.evaluate(b.from_json(R"({"id":"F","revenue":10})")).id() == "F");
  tenet::RecordBuilder moved(std::move(b));
  CHECK(moved.set("id", "G").set("revenue", 1).build().id() == "G");
  try {
    moved.set("id", "H").set("revenue", "lots").build();
    FAIL("a string for a number is refused");
  } catch (const tenet::RecordError& err) {
    CHECK(err.kind() == "wrong_type");
    CHECK(err.id() == std::optional<std::string>("H"));
    CHECK(std::string(err.what()) == "field `revenue` is a string, expected number");
  }
  // The builder is empty after a failed build: the next record starts afresh.
  CHECK(moved.set("id", "I").set("revenue", 5).build().id() == "I");
  const auto kinds = tenet::RecordError::kinds();
  CHECK(kinds == std::vector<std::string>{"malformed", "not_an_object", "required_absent", "wrong_type", "out_of_range", "invalid_utf8",
                                          "nul_byte", "too_large", "duplicate_field", "cell_count", "unterminated_quote",
                                          "undeclared_field"});
}

TEST_CASE("embedding: a Decision by name, and the JSON line tenet eval writes") {
  const tenet::Policy p = compiled();
  tenet::Evaluator e(p, {true, false});
  const tenet::Decision d = e.evaluate_json(R"({"id":"A","revenue":100,"cost":95})");
  CHECK(d.id() == "A");
  CHECK(d.decision() == "reprice");
  CHECK(d.decisions() == std::vector<std::string>{"reprice"});
  CHECK(d.chosen_rule() == std::optional<std::string>("thin"));
  CHECK(d.fired_rules() == std::vector<std::string>{"thin"});
  CHECK(d.flags().empty());
  CHECK(d.because() == std::vector<std::string>{"margin 0.05 under 0.1"});
  REQUIRE(d.unknown().size() == 1);  // percentile() without a portfolio
  CHECK(d.unknown()[0].rule == "top");
  CHECK(d.unknown()[0].missing.empty());
  CHECK(d.unknown()[0].reason == "percentile needs the run's portfolio (a first pass over it)");
  CHECK_FALSE(d.provisional());  // a flag cannot change the decision
  CHECK(d.to_json().starts_with(R"({"id":"A","decision":"reprice","recommendations":[{"rule":"thin","action":"reprice")"));
  const tenet::Decision absent = e.evaluate_json(R"({"id":"B","revenue":100})");
  CHECK(absent.decision() == "keep");
  CHECK(absent.provisional());
  REQUIRE(absent.unknown().size() == 2);
  CHECK((absent.unknown()[0].rule == "thin" && absent.unknown()[0].missing == std::vector<std::string>{"cost"}));
  CHECK_THROWS_AS(e.evaluate_json("[1]"), tenet::RecordError);
  tenet::Evaluator moved(std::move(e));
  CHECK(moved.evaluate_json(R"({"id":"C","revenue":1,"cost":0})").decision() == "keep");
}

TEST_CASE("embedding: a Record or Portfolio of another policy is refused, never read out of range") {
  const tenet::Policy p = compiled();
  const tenet::Policy same_source = compiled({{"limit", "50%"}});
  const tenet::Policy other = tenet::Policy::from_text(
      "policy o \"O\" version \"9\"\nschema s {\n  id: string key\n  revenue: number\n}\nrule r {\n  when revenue > 1\n  then recommend "
      "x\n}\n"
      "decision d {\n  hit priority\n  default keep\n}\n",
      "other.tenet");
  const tenet::Record r = tenet::RecordBuilder(p).set("id", "A").set("revenue", 100).set("cost", 95).build();
  // The same source with other params: the same schema, so its records are welcome.
  CHECK(tenet::Evaluator(same_source).evaluate(r).decision() == "reprice");
  try {
    tenet::Evaluator(other).evaluate(r);
    FAIL("a record of another policy is refused");
  } catch (const std::invalid_argument& e) {
    CHECK(std::string(e.what()) == "a record built for policy emb 1.2.3 (sha256 " + p.sha256().substr(0, 12) +
                                       ") given to an evaluator of policy o 9 (sha256 " + other.sha256().substr(0, 12) + ")");
  }
  const tenet::Portfolio portfolio = tenet::Portfolio::of(p, "{\"id\":\"X\",\"revenue\":10}\n{\"id\":\"Y\",\"revenue\":300}\n");
  tenet::Evaluator ranked(p);
  ranked.rank_among(portfolio);
  CHECK(ranked.evaluate_json(R"({"id":"Y","revenue":300,"cost":0})").flags() == std::vector<std::string>{"top_half"});
  tenet::Evaluator other_params(same_source);
  CHECK_THROWS_WITH(other_params.rank_among(portfolio), "a portfolio read for policy emb 1.2.3 (sha256 " + p.sha256().substr(0, 12) +
                                                            ", other params) given to an evaluator of policy emb 1.2.3 (sha256 " +
                                                            p.sha256().substr(0, 12) + ", other params)");
  tenet::Evaluator of_other(other);
  CHECK_THROWS_AS(of_other.rank_among(portfolio), std::invalid_argument);
  std::istringstream in("{\"id\":\"A\",\"revenue\":1}\n");
  std::ostringstream out;
  tenet::BatchOptions options;
  options.portfolio = &portfolio;
  CHECK_THROWS_AS(tenet::run_batch(other, in, out, options), std::invalid_argument);
  CHECK(out.str().empty());
}

TEST_CASE("embedding: a portfolio file, and run_batch over streams") {
  const tenet::Policy p = compiled();
  const auto path = std::filesystem::temp_directory_path() / "tenet-embedding-portfolio.jsonl";
  std::ofstream(path) << "{\"id\":\"X\",\"revenue\":10}\n{\"id\":\"Y\",\"revenue\":300}\n";
  const tenet::Portfolio portfolio = tenet::Portfolio::from_file(p, path.string());
  std::filesystem::remove(path);
  CHECK_THROWS_AS(tenet::Portfolio::from_file(p, path.string()), std::system_error);
  std::istringstream in("{\"id\":\"A\",\"revenue\":300,\"cost\":0}\nnot json\n");
  std::ostringstream out;
  tenet::BatchOptions options;
  options.portfolio = &portfolio;
  options.threads = 2;
  const tenet::BatchSummary s = tenet::run_batch(p, in, out, options);
  CHECK((s.records == 2 && s.decided == 1 && s.errors == 1));
  CHECK(s.json.find("\"records\":2") != std::string::npos);
  CHECK(out.str().starts_with(R"({"id":"A","decision":"keep","chosen":null,"fired":["top"],"flags":["top_half"])"));
}
