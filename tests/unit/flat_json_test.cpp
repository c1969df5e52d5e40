// The flat fast path of the JSON reader (engine/ingest/flat_json.hpp) against simdjson's:
// what it reads, it reads exactly alike; what it declines, simdjson reads or words as before.
#include <catch2/catch.hpp>

#include <simdjson.h>

#include "engine/ingest/flat_json.hpp"
#include "engine/ingest/jsonl_reader.hpp"
#include "helpers.hpp"

namespace {

const std::string kSchema = R"(policy flat "Flat records" version "1"
schema s {
  id: string key
  n: number
  opt: number optional
  name: string optional
  tags: list<string>
  scores: set<number> optional
  flag: bool optional
}
decision d { hit priority default none }
)";
// The policy reads every field, so that both readers' values of each can be compared.
const std::string kPolicy =
    kSchema + R"(rule r { when n > 1 and opt > 0 and name == "x" and "a" in tags and 1 in scores and flag then recommend act })";
// The same schema, of which the policy reads only `n` (and the key).
const std::string kPolicyReadingN = kSchema + "rule r { when n > 1 then recommend act }\n";

// Every field of a record, exactly: numbers by coefficient and exponent.
std::string describe(const tenet::core::Value& v) {
  switch (v.kind) {
    case tenet::core::Value::Kind::unknown: return "unknown(" + std::string(v.why()) + ")";
    case tenet::core::Value::Kind::boolean: return v.boolean ? "true" : "false";
    case tenet::core::Value::Kind::number: return std::to_string(v.number.coefficient()) + "e" + std::to_string(v.number.exponent());
    case tenet::core::Value::Kind::string: return "'" + v.text + "'";
    case tenet::core::Value::Kind::date: return "day" + std::to_string(*v.number.to_integer());
    case tenet::core::Value::Kind::list: {
      std::string out = "[";
      for (const auto& item : v.items) out += describe(item) + ";";
      return out + "]";
    }
  }
  return "?";
}

// The record (or the error) one JSON line makes, read with or without the fast path.
std::string read(const tenet::core::Policy& policy, const std::string& line, bool fast) {
  tenet::core::RecordBuilder builder(policy);
  tenet::core::JsonRecordParser parser(builder);
  parser.set_fast_path(fast);
  std::string padded = line + std::string(simdjson::SIMDJSON_PADDING, '\0');
  tenet::core::Record record;
  tenet::core::RecordFault error;
  if (!parser.parse(padded.data(), line.size(), padded.size(), record, error)) return "error: " + error.message;
  std::string out = "id " + record.id + ":";
  for (const auto& f : record.fields) out += " " + describe(f);
  return out;
}

bool flat_reads(const tenet::core::Policy& policy, const std::string& line) {
  tenet::core::RecordBuilder builder(policy);
  builder.begin();
  std::string padded = line + std::string(simdjson::SIMDJSON_PADDING, '\0');
  tenet::core::Record record;
  return tenet::core::read_flat_record(padded.data(), line.size(), builder, record);
}

}  // namespace

TEST_CASE("flat JSON: a flat record is read by the fast path exactly as simdjson reads it") {
  auto policy = test::compile(kPolicy);
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"({"id":"a","n":2,"tags":[]})",
       "id a: 'a' 2e0 unknown(opt is missing) unknown(name is missing) [] "
       "unknown(scores is missing) unknown(flag is missing)"},
      {R"( { "id" : "b" , "n" : -0.50 , "opt" : 1E3 , "tags" : [ "x" , "y" ] , "flag" : true } )",
       "id b: 'b' -5e-1 1e3 unknown(name is missing) ['x';'y';] unknown(scores is missing) true"},
      {"{\t\"id\":\"c\",\r\"n\":0,\"opt\":-0,\"tags\":[\"\"],\"flag\":false}\r",
       "id c: 'c' 0e0 0e0 unknown(name is missing) ['';] unknown(scores is missing) false"},
      {R"({"id":"d","n":20000,"opt":123456789012345678,"tags":[],"scores":[3,1,3,2.0]})",
       "id d: 'd' 2e4 123456789012345678e0 unknown(name is missing) [] [1e0;2e0;3e0;] unknown(flag is missing)"},
      {R"({"id":"e","n":123456789012345678000e-2,"opt":1.5e-2,"tags":[],"name":"Müller ✓"})",
       "id e: 'e' 123456789012345678e1 15e-3 'Müller ✓' [] unknown(scores is missing) unknown(flag is missing)"},
      {R"({"id":"f","n":1,"opt":null,"name":null,"tags":[],"extra":{"x":1},"more":[1,[2]]})",
       "id f: 'f' 1e0 unknown(opt is missing) unknown(name is missing) [] unknown(scores is missing) "
       "unknown(flag is missing)"},
      {R"({"extra":"ignored","other":[true,false,null,1e5,"s"],"id":"g","n":3,"tags":["t"],"x":null,"y":-1})",
       "id g: 'g' 3e0 unknown(opt is missing) unknown(name is missing) ['t';] unknown(scores is missing) "
       "unknown(flag is missing)"},
      {R"({"id":"h","n":0.000000000000000001,"opt":99999999999999999.9,"tags":[]})",
       "id h: 'h' 1e-18 999999999999999999e-1 unknown(name is missing) [] unknown(scores is missing) "
       "unknown(flag is missing)"},
  };
  for (const auto& [line, expected] : cases) {
    INFO(line);
    CHECK(read(*policy, line, false) == expected);
    CHECK(read(*policy, line, true) == expected);
  }
  // All but the one with a nested object and a nested array are read by the fast path.
  CHECK(flat_reads(*policy, cases[0].first));
  CHECK(flat_reads(*policy, cases[1].first));
  CHECK(flat_reads(*policy, cases[2].first));
  CHECK(flat_reads(*policy, cases[3].first));
  CHECK(flat_reads(*policy, cases[4].first));
  CHECK_FALSE(flat_reads(*policy, cases[5].first));
  CHECK(flat_reads(*policy, cases[6].first));
  CHECK(flat_reads(*policy, cases[7].first));
  // 19 significant digits are not rounded into 18: the record is an error, by either path.
  for (const std::string line : {R"({"id":"i","n":1234567890123456789,"tags":[]})", R"({"id":"j","n":0.1234567890123456789,"tags":[]})"}) {
    INFO(line);
    const std::string digits = line.substr(line.find("\"n\":") + 4, line.find(",\"tags") - line.find("\"n\":") - 4);
    const std::string error = "error: field `n` is " + digits + ", more significant digits than the 18 a number holds exactly";
    CHECK(read(*policy, line, false) == error);
    CHECK(read(*policy, line, true) == error);
  }
}

TEST_CASE("flat JSON: what the fast path declines is read, or worded, by simdjson as before") {
  auto policy = test::compile(kPolicy);
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"({"id":"a\"b","n":1,"tags":[]})",
       "id a\"b: 'a\"b' 1e0 unknown(opt is missing) unknown(name is missing) [] "
       "unknown(scores is missing) unknown(flag is missing)"},
      {R"({"\u0069d":"e","n":1,"tags":["\u00e9"]})",
       "id e: 'e' 1e0 unknown(opt is missing) unknown(name is missing) "
       "['é';] unknown(scores is missing) unknown(flag is missing)"},
      {R"({"id":"x","n":01,"tags":[]})",
       "id x: 'x' 1e0 unknown(opt is missing) unknown(name is missing) [] "
       "unknown(scores is missing) unknown(flag is missing)"},
      {R"({"id":"x","n":1.,"tags":[]})",
       "id x: 'x' 1e0 unknown(opt is missing) unknown(name is missing) [] "
       "unknown(scores is missing) unknown(flag is missing)"},
      {R"({"id":"x","n":.5,"tags":[]})",
       "error: malformed JSON: The JSON document has an improper structure: missing or superfluous commas, braces, missing keys, etc."},
      {R"({"id":"x","n":-,"tags":[]})", "error: malformed JSON: bad number '-' in field `n`"},
      {R"({"id":"x","n":1e,"tags":[]})", "error: malformed JSON: bad number '1e' in field `n`"},
      {R"({"id":"x","n":NaN,"tags":[]})", "error: field `n` is NaN, which is not a JSON value; expected number"},
      {R"({"id":"x","n":1,"tags":[],"flag":tru})", "error: malformed JSON: The JSON element does not have the requested type."},
      {R"({"id":"x","n":1,"tags":[]} x)", "error: malformed JSON: JSON document ended early in the middle of an object or array."},
      {R"({"id":"x","n":1 "tags":[]})",
       "error: malformed JSON: The JSON document has an improper structure: missing or superfluous commas, braces, missing keys, etc."},
      {R"({"id":"x","n":1,"n":2,"tags":[]})", "error: field `n` is given more than once"},
      {R"({"id":"x","n":"1","tags":[]})", "error: field `n` is a string, expected number"},
      {R"({"id":"x","n":1,"tags":[1]})", "error: field `tags` has an element that is a number, expected string"},
      {R"({"id":"x","n":1,"tags":"a"})", "error: field `tags` is a string, expected list<string> (a JSON array)"},
      {R"({"id":"x","tags":[]})", "error: required field `n` is absent"},
      {R"({"id":"x","n":1e400,"tags":[]})", "error: field `n` is 1e400, out of the number range (exponents from -300 to 300)"},
      {"{\"id\":\"x\xff\",\"n\":1,\"tags\":[]}", "error: malformed JSON: The input is not valid UTF-8"},
      {"{\"id\":\"x\",\"n\":1,\"tags\":[],\"z\":\"\xc3\"}", "error: malformed JSON: The input is not valid UTF-8"},
      {R"([1,2])", "error: a record must be a JSON object, but this is an array"},
      {R"({"id":"x","n":1,"tags":[])", "error: malformed JSON: JSON document ended early in the middle of an object or array."},
  };
  for (const auto& [line, expected] : cases) {
    INFO(line);
    CHECK_FALSE(flat_reads(*policy, line));
    CHECK(read(*policy, line, false) == expected);
    CHECK(read(*policy, line, true) == expected);
  }
}

TEST_CASE("flat JSON: a scalar field no rule reads is checked as it would be read, not converted") {
  auto policy = test::compile(kPolicyReadingN);
  CHECK(policy->program().field_read == std::vector<bool>{false, true, false, false, false, false, false});
  // Read by the fast path: the unread scalars keep their slots' previous (here: empty) values;
  // lists are read whole. Absent optional fields are unknown as ever.
  const std::string good = R"({"id":"a","n":2,"opt":1.5,"name":"x","tags":["t"],"flag":true})";
  CHECK(flat_reads(*policy, good));
  CHECK(read(*policy, good, true) == "id a: 'a' 2e0 unknown(unknown) unknown(unknown) ['t';] unknown(scores is missing) unknown(unknown)");
  CHECK(read(*policy, good, false) == "id a: 'a' 2e0 15e-1 'x' ['t';] unknown(scores is missing) true");
  // What the fast path would not read, it still does not: the error is simdjson's, as before.
  const std::vector<std::pair<std::string, std::string>> declined = {
      {R"({"id":"x","n":1,"tags":[],"opt":"1"})", "error: field `opt` is a string, expected number"},
      {R"({"id":"x","n":1,"tags":[],"name":7})", "error: field `name` is a number, expected string"},
      {R"({"id":"x","n":1,"tags":[],"flag":1})", "error: field `flag` is a number, expected bool"},
      {R"({"id":"x","n":1,"tags":[],"opt":1e400})", "error: field `opt` is 1e400, out of the number range (exponents from -300 to 300)"},
      {R"({"id":"x","n":1,"tags":[],"opt":1,"opt":2})", "error: field `opt` is given more than once"},
  };
  for (const auto& [line, expected] : declined) {
    INFO(line);
    CHECK_FALSE(flat_reads(*policy, line));
    CHECK(read(*policy, line, true) == expected);
  }
}

TEST_CASE("flat JSON: a key seen before is matched within the record, never past its end") {
  auto policy = test::compile(kPolicy);
  tenet::core::RecordBuilder builder(*policy);
  const std::string whole = R"({"id":"a","n":1,"tags":[]})";
  // The record is cut inside the key `tags`, and what follows it in memory completes the key.
  const std::string memory = whole + std::string(simdjson::SIMDJSON_PADDING, '\0');
  const std::size_t cut = whole.find("tags") + 2;
  tenet::core::Record record;
  builder.begin();
  REQUIRE(tenet::core::read_flat_record(memory.data(), whole.size(), builder, record));
  builder.begin();
  CHECK_FALSE(tenet::core::read_flat_record(memory.data(), cut, builder, record));
}

TEST_CASE("flat JSON: a date is read alike by both paths, and a bad one is worded by simdjson's") {
  auto policy = test::compile(R"(policy dates "Dates" version "1"
schema s {
  id: string key
  since: date optional
}
rule r { when since < date("2000-01-01") then recommend act }
decision d { hit priority default none }
)");
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"({"id":"a","since":"1970-01-01"})", "id a: 'a' day0"},
      {R"({"id":"b","since":"2026-11-28"})", "id b: 'b' day20785"},
      {R"({"id":"c","since":"1969-12-31"})", "id c: 'c' day-1"},
      {R"({"id":"d","since":"2024-02-29"})", "id d: 'd' day19782"},
      {R"({"id":"e","since":null})", "id e: 'e' unknown(since is missing)"},
      {R"({"id":"f","since":"2026-02-29"})", "error: field `since` is \"2026-02-29\", expected date (YYYY-MM-DD)"},
      {R"({"id":"g","since":"2026-1-5"})", "error: field `since` is \"2026-1-5\", expected date (YYYY-MM-DD)"},
      {R"({"id":"h","since":"28/11/2026"})", "error: field `since` is \"28/11/2026\", expected date (YYYY-MM-DD)"},
      {R"({"id":"i","since":20261128})", "error: field `since` is a number, expected date"},
  };
  for (const auto& [line, expected] : cases) {
    INFO(line);
    CHECK(read(*policy, line, false) == expected);
    CHECK(read(*policy, line, true) == expected);
  }
  CHECK(flat_reads(*policy, cases[1].first));
  CHECK_FALSE(flat_reads(*policy, cases[5].first));
}
