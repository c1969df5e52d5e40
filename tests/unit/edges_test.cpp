// Input and numeric edges (docs/language.md, "Edges"): each has one defined behaviour, a
// decision or an error line naming the line and what was expected; none is a crash.
#include "helpers.hpp"

using namespace std::string_literals;

namespace {

const std::string kPolicy = R"(policy edges "Edges" version "1"
schema s {
  id: string key
  n: number
  name: string optional
  tags: list<string> optional
}
rule r { when n > 0 then recommend act because "n={n} half={n / 2} tiny={n / 1e290} name={name}" }
decision d { hit priority default none }
)";

std::vector<std::string> lines_of(const std::string& facts, tenet::core::FactsFormat format = tenet::core::FactsFormat::jsonl) {
  auto policy = test::compile(kPolicy);
  std::vector<std::string> out;
  for (auto line : test::run(*policy, facts, format)) {
    // Keep each decision's id, decision and because; errors whole.
    const auto because = line.find("\"because\":\"");
    if (line.starts_with("{\"id\"") && because != std::string::npos) {
      line = line.substr(0, line.find(",\"recommendations\"")) + " " + line.substr(because + 11, line.find("\"}", because) - because - 11);
    } else if (line.starts_with("{\"id\"")) {
      line = line.substr(0, line.find(",\"recommendations\""));
    }
    out.push_back(line);
  }
  return out;
}

using V = std::vector<std::string>;
constexpr auto csv = tenet::core::FactsFormat::csv;

}  // namespace

TEST_CASE("edges: numbers in records are exact far beyond 2^53; -0 is 0") {
  CHECK(lines_of("{\"id\":\"a\",\"n\":9007199254740993}\n{\"id\":\"b\",\"n\":-0}\n{\"id\":\"c\",\"n\":123456789012345678901234567890}\n") ==
        V{
            "{\"id\":\"a\",\"decision\":\"act\" n=9007199254740993 half=4503599627370496.5 tiny=9.007199254740993e-275 name=unknown",
            "{\"id\":\"b\",\"decision\":\"none\"",
            "{\"id\":\"c\",\"decision\":\"act\" n=1.23456789012345679e+29 half=6.17283945061728395e+28 tiny=1.23456789012345679e-261 "
            "name=unknown",
        });
}

TEST_CASE("edges: very large and very small values in because texts; a result out of range is unknown") {
  CHECK(lines_of("{\"id\":\"big\",\"n\":9e300}\n{\"id\":\"small\",\"n\":1e-290}\n{\"id\":\"over\",\"n\":1e301}\n") ==
        V{
            "{\"id\":\"big\",\"decision\":\"act\" n=9e+300 half=4.5e+300 tiny=90000000000 name=unknown",
            "{\"id\":\"small\",\"decision\":\"act\" n=1e-290 half=5e-291 tiny=unknown name=unknown",
            "{\"line\":3,\"id\":\"over\",\"error\":\"field `n` is 1e301, out of the number range (exponents from -300 to "
            "300)\",\"kind\":\"out_of_range\"}",
        });
}

TEST_CASE("edges: NaN and Infinity are not numbers, in JSON or CSV") {
  CHECK(lines_of("{\"id\":\"a\",\"n\":NaN}\n{\"id\":\"b\",\"n\":-Infinity}\n{\"id\":\"c\",\"n\":1,\"tags\":[NaN]}\n") ==
        V{
            "{\"line\":1,\"id\":\"a\",\"error\":\"field `n` is NaN, which is not a JSON value; expected number\",\"kind\":\"malformed\"}",
            "{\"line\":2,\"id\":\"b\",\"error\":\"field `n` is -Infinity, which is not a JSON value; expected "
            "number\",\"kind\":\"malformed\"}",
            "{\"line\":3,\"id\":\"c\",\"error\":\"field `tags` has an element that is NaN, which is not a JSON value; expected "
            "string\",\"kind\":\"malformed\"}",
        });
  CHECK(
      lines_of("id,n\na,NaN\nb,-Infinity\nc,inf\n", csv) ==
      V{
          "{\"line\":2,\"id\":\"a\",\"error\":\"required field `n` is \\\"NaN\\\", a missing-value marker\",\"kind\":\"required_absent\"}",
          "{\"line\":3,\"id\":\"b\",\"error\":\"field `n` is \\\"-Infinity\\\", expected number\",\"kind\":\"wrong_type\"}",
          "{\"line\":4,\"id\":\"c\",\"error\":\"field `n` is \\\"inf\\\", expected number\",\"kind\":\"wrong_type\"}",
      });
}

TEST_CASE("edges: invalid UTF-8 and NUL bytes in records are error lines naming the line") {
  CHECK(lines_of(
            "{\"id\":\"a\xff\",\"n\":1}\n{\"id\":\"b\",\"n\":1,\"name\":\"x\x00y\"}\n{\"id\":\"c\",\"n\":1,\"name\":\"x\\u0000y\"}\n"s) ==
        V{
            "{\"line\":1,\"error\":\"malformed JSON: The input is not valid UTF-8\",\"kind\":\"invalid_utf8\"}",
            "{\"line\":2,\"error\":\"malformed JSON: Within strings, some characters must be escaped, we found unescaped "
            "characters\",\"kind\":\"malformed\"}",
            "{\"id\":\"c\",\"decision\":\"act\" n=1 half=0.5 tiny=1e-290 name=x\\u0000y",  // an escaped NUL is text
        });
  CHECK(lines_of("id,n,name\na\xff,1,\nb,1,x\xc3\nc,1,x\x00y\nd,1,ok\n"s, csv) ==
        V{
            "{\"line\":2,\"error\":\"cell 1 is not valid UTF-8 (field `id`)\",\"kind\":\"invalid_utf8\"}",
            "{\"line\":3,\"id\":\"b\",\"error\":\"cell 3 is not valid UTF-8 (field `name`)\",\"kind\":\"invalid_utf8\"}",
            "{\"line\":4,\"id\":\"c\",\"error\":\"cell 3 contains a NUL byte (field `name`)\",\"kind\":\"nul_byte\"}",
            "{\"id\":\"d\",\"decision\":\"act\" n=1 half=0.5 tiny=1e-290 name=ok",
        });
}

TEST_CASE("edges: a record nested 100 000 deep") {
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  CHECK(lines_of("{\"id\":\"ignored\",\"n\":1,\"extra\":" + deep +
                 "}\n"
                 "{\"id\":\"field\",\"n\":1,\"tags\":" +
                 deep +
                 "}\n"
                 "{\"id\":\"open\",\"n\":1,\"extra\":" +
                 std::string(100000, '[') + "}\n") ==
        V{
            // A field outside the schema is skipped without descending into it.
            "{\"id\":\"ignored\",\"decision\":\"act\" n=1 half=0.5 tiny=1e-290 name=unknown",
            "{\"line\":2,\"id\":\"field\",\"error\":\"field `tags` has an element that is an array, expected "
            "string\",\"kind\":\"wrong_type\"}",
            "{\"line\":3,\"id\":\"open\",\"error\":\"malformed JSON: The JSON document has an improper structure: missing or superfluous "
            "commas, braces, missing keys, etc.\",\"kind\":\"malformed\"}",
        });
}

TEST_CASE("edges: a 100 MB line is one error line, and the records around it are read") {
  const std::string big = "{\"id\":\"big\",\"n\":1,\"pad\":\"" + std::string(100u << 20, 'x') + "\"}";
  CHECK(lines_of("{\"id\":\"a\",\"n\":0}\n" + big + "\n{\"id\":\"b\",\"n\":0}\n") ==
        V{
            "{\"id\":\"a\",\"decision\":\"none\"",
            "{\"line\":2,\"error\":\"record longer than 16777216 bytes (16 MiB, the limit); not read\",\"kind\":\"too_large\"}",
            "{\"id\":\"b\",\"decision\":\"none\"",
        });
}

TEST_CASE("edges: empty inputs have no records") {
  CHECK(lines_of("").empty());
  CHECK(lines_of("\n\n  \n").empty());
  CHECK(lines_of("", csv).empty());
  CHECK(lines_of("\xEF\xBB\xBF", csv).empty());
  CHECK(lines_of("id,n,name\r\n", csv).empty());  // a header alone
}

TEST_CASE("edges: CSV rows with more or fewer cells than the header") {
  CHECK(lines_of("id,n,name\na,1,x,extra\nb,1\nc,1,\n", csv) ==
        V{
            "{\"line\":2,\"id\":\"a\",\"error\":\"expected 3 cells as in the header, found 4\",\"kind\":\"cell_count\"}",
            "{\"line\":3,\"id\":\"b\",\"error\":\"expected 3 cells as in the header, found 2\",\"kind\":\"cell_count\"}",
            "{\"id\":\"c\",\"decision\":\"act\" n=1 half=0.5 tiny=1e-290 name=unknown",
        });
}
