#include <catch2/catch.hpp>

#include "helpers.hpp"

namespace {

const std::string kPolicy = R"(policy ingest "Ingestion" version "1"
schema s {
  id: string key
  n: number
  opt: number optional
  tags: list<string>
  flag: bool optional
}
rule r { when n > 1 then recommend act because "{n} {tags}" }
decision d { hit priority default none }
)";

// The decision (or the error) of each line, compactly.
std::vector<std::string> outcomes(const std::string& facts, tenet::core::FactsFormat format) {
  auto policy = test::compile(kPolicy);
  std::vector<std::string> out;
  tenet::core::Evaluator evaluator(*policy);
  std::string fatal;
  const bool ok = tenet::core::read_facts(
      facts, format, *policy,
      [&](std::size_t line, tenet::core::Record* r, tenet::core::RecordError* e) {
        if (r) {
          const auto d = evaluator.evaluate(std::move(*r));
          out.push_back(std::to_string(line) + " " + d.id + " " + policy->action_name(d.actions.at(0)) +
                        (d.recommendations.empty() ? "" : " (" + std::string(d.text(d.recommendations[0].because)) + ")"));
        } else {
          out.push_back(std::to_string(line) + " error" + (e->id ? " [" + *e->id + "]" : "") + ": " + e->message);
        }
      },
      fatal);
  if (!ok) out.push_back("fatal: " + fatal);
  return out;
}

using V = std::vector<std::string>;
constexpr auto jsonl = tenet::core::FactsFormat::jsonl;
constexpr auto csv = tenet::core::FactsFormat::csv;
constexpr auto array = tenet::core::FactsFormat::json_array;

}  // namespace

TEST_CASE("ingest: JSONL records, errors and ignored fields") {
  CHECK(outcomes(R"({"id":"a","n":2,"tags":["x","y"],"extra":{"deep":[1,2]}}
{"id":"b","n":"2","tags":[]}
{"id":"c","tags":[]}
{"id":"d","n":null,"tags":[]}
{"id":"e","n":1,"tags":[1]}
[1,2]

{"id":"f","n":5,"tags":"x"}
{"id":"g","n":5,"n":6,"tags":[]}
{"id":"h","n":5,"tags":[]} trailing
{"id":"i","n":1e400,"tags":[]}
{"id":"j","n":2.50,"opt":null,"flag":true,"tags":[]}
)",
                 jsonl) == V{
                               "1 a act (2 x, y)",
                               "2 error [b]: field `n` is a string, expected number",
                               "3 error [c]: required field `n` is absent",
                               "4 error [d]: required field `n` is null or empty",
                               "5 error [e]: field `tags` has an element that is a number, expected string",
                               "6 error: a record must be a JSON object, but this is an array",
                               "8 error [f]: field `tags` is a string, expected list<string> (a JSON array)",
                               "9 error [g]: field `n` is given more than once",
                               "10 error: malformed JSON: JSON document ended early in the middle of an object or array.",
                               "11 error [i]: field `n` is 1e400, out of the number range (exponents from -300 to 300)",
                               "12 j act (2.5 (none))",
                           });
}

TEST_CASE("ingest: a record that is not an object is named by its type, or by its text when it is no JSON value") {
  CHECK(outcomes("null\ntrue\n12\n1e400\n\"s\"\nnul\ntru\n-x\nnot json\n", jsonl) ==
        V{
            "1 error: a record must be a JSON object, but this is null",
            "2 error: a record must be a JSON object, but this is a boolean",
            "3 error: a record must be a JSON object, but this is a number",
            "4 error: a record must be a JSON object, but this is a number",
            "5 error: a record must be a JSON object, but this is a string",
            "6 error: the record starts with `nul`, which is not a JSON value; expected an object",
            "7 error: the record starts with `tru`, which is not a JSON value; expected an object",
            "8 error: the record starts with `-x`, which is not a JSON value; expected an object",
            "9 error: the record starts with `not`, which is not a JSON value; expected an object",
        });
}

TEST_CASE("ingest: keys are matched by their text, escaped or not, whatever their order from record to record") {
  // Keys are first matched raw against the keys seen at the same place in earlier records:
  // an escaped key, a key that starts like a field's name, or a new order must not fool it.
  CHECK(outcomes(R"({"id":"a","n":2,"tags":[]}
{"id":"b","nn":9,"n":0,"tags":[]}
{"i\u0064":"c","\u006e":3,"tags":["\u0074"]}
{"tags":[],"n":4,"id":"d"}
{"id":"e","n":5,"tags":[],"n\"":0,"ta":1}
{"id":"f","n":6,"tags":[],"id":"g"}
)",
                 jsonl) == V{
                               "1 a act (2 (none))",
                               "2 b none",
                               "3 c act (3 t)",
                               "4 d act (4 (none))",
                               "5 e act (5 (none))",
                               "6 error [f]: field `id` is given more than once",
                           });
}

TEST_CASE("ingest: a BOM and CRLF line ends are accepted") {
  CHECK(outcomes("\xEF\xBB\xBF{\"id\":\"a\",\"n\":2,\"tags\":[]}\r\n{\"id\":\"b\",\"n\":0,\"tags\":[]}\r\n", jsonl) ==
        V{"1 a act (2 (none))", "2 b none"});
}

TEST_CASE("ingest: a JSON array, with each record's starting line") {
  CHECK(outcomes("[\n  {\"id\":\"a\",\"n\":2,\"tags\":[\"]\"]},\n  {\"id\":\"b\",\n   \"n\":\"x\",\"tags\":[]}\n]\n", array) ==
        V{"2 a act (2 ])", "3 error [b]: field `n` is a string, expected number"});
  CHECK(outcomes("[{\"id\":\"a\",\"n\":2,\"tags\":[]}", array) ==
        V{"1 a act (2 (none))", "1 error: malformed JSON: the array of records is not closed with ']'"});
  CHECK(outcomes("{\"id\":\"a\"}", array) == V{"1 error: malformed JSON: expected '[' to start an array of records"});
  CHECK(outcomes("[]", array).empty());
}

TEST_CASE("ingest: CSV with quotes, lists and empty cells") {
  CHECK(outcomes("id,n,opt,tags,flag,ignored\r\n"
                 "a,2,,x|y,true,whatever\r\n"
                 "\"b,1\",3,1.5,,FALSE,\"say \"\"hi\"\"\"\n"
                 "c,abc,,,,\n"
                 "d,,,,,\n"
                 "e,1\n"
                 "f,2,,\"multi\nline\",,\n"
                 "g,2,,,maybe,\n",
                 csv) == V{
                             "2 a act (2 x, y)",
                             "3 b,1 act (3 (none))",
                             "4 error [c]: field `n` is \"abc\", expected number",
                             "5 error [d]: required field `n` is null or empty",
                             "6 error [e]: expected 6 cells as in the header, found 2",
                             "7 f act (2 multi\nline)",
                             "9 error [g]: field `flag` is \"maybe\", expected bool (true or false)",
                         });
}

TEST_CASE("ingest: CSV edge cases") {
  CHECK(outcomes("", csv).empty());
  CHECK(outcomes("id,n,tags\n", csv).empty());
  CHECK(outcomes("id,n,n\na,1,2\n", csv) == V{"fatal: line 1: column 'n' appears twice in the CSV header (columns 2 and 3)"});
  CHECK(outcomes("id,n,tags\na,2,\"open\n", csv) ==
        V{"2 error [a]: unterminated quote: a quoted cell is not closed before the end of the input"});
  CHECK(outcomes("id,n,tags\na,NaN,\nb,Infinity,\nc,-0,\n", csv) == V{"2 error [a]: required field `n` is \"NaN\", a missing-value marker",
                                                                      "3 error [b]: field `n` is \"Infinity\", expected number",
                                                                      "4 c none"});
}

TEST_CASE("ingest: formats by extension and by content") {
  CHECK(tenet::core::format_from_extension("a.jsonl") == jsonl);
  CHECK(tenet::core::format_from_extension("a.ndjson") == jsonl);
  CHECK(tenet::core::format_from_extension("a.json") == array);
  CHECK(tenet::core::format_from_extension("a.csv") == csv);
  CHECK_FALSE(tenet::core::format_from_extension("a.txt"));
  CHECK(tenet::core::sniff_format("  [") == array);
  CHECK(tenet::core::sniff_format("\xEF\xBB\xBF{") == jsonl);
  CHECK(tenet::core::sniff_format("id,n") == csv);
}

TEST_CASE("ingest: every record error has a kind, set where it is found") {
  auto policy = test::compile(kPolicy);
  const auto kinds = [&](const std::string& facts, tenet::core::FactsFormat format) {
    std::vector<std::string> out;
    std::string fatal;
    tenet::core::read_facts(
        facts, format, *policy,
        [&](std::size_t, tenet::core::Record*, tenet::core::RecordError* e) {
          if (e) out.push_back(tenet::core::kind_name(e->kind));
        },
        fatal);
    return out;
  };
  CHECK(kinds("{\"id\":\"a\",\"n\":1,\"tags\":[]\n"
              "{\"id\":\"a\",\"n\":NaN,\"tags\":[]}\n"
              "not json\n"
              "[1]\n"
              "{\"id\":\"a\",\"tags\":[]}\n"
              "{\"id\":\"a\",\"n\":1,\"n\":2,\"tags\":[]}\n"
              "{\"id\":\"a\",\"n\":1e400,\"tags\":[]}\n"
              "{\"id\":\"a\",\"n\":\"1\",\"tags\":[]}\n"
              "{\"id\":\"a\xff\",\"n\":1,\"tags\":[]}\n",
              jsonl) == V{"malformed", "malformed", "not_an_object", "not_an_object", "required_absent", "duplicate_field", "out_of_range",
                          "wrong_type", "invalid_utf8"});
  CHECK(kinds("id,n,tags\na,1\nb,x,\nc,1,\"t\n", csv) == V{"cell_count", "wrong_type", "unterminated_quote"});
  CHECK(kinds(std::string("id,n,tags\na\xff,1,\nb,1,a\0b\n", 24), csv) == V{"invalid_utf8", "nul_byte"});
}
