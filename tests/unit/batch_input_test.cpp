// tenet batch reads a regular file by mapping it and anything else (a pipe, standard input)
// as a stream; both cut the input into blocks. The output must not depend on either choice.
#include "helpers.hpp"

namespace {

const char* kPolicy = R"(policy p "P" version "1"
schema s { id: string key  x: number  note: string optional }
rule big { when x > 10 then recommend grow because "x is {x}" }
decision d { hit priority default keep }
)";

// Records of many lengths, an error, a blank line, CRLF and a BOM; no line end at the end.
std::string jsonl_portfolio() {
  std::string text = "\xEF\xBB\xBF";
  for (int i = 0; i < 300; ++i) {
    text += "{\"id\":\"c" + std::to_string(i) + "\",\"x\":" + std::to_string(i % 23) + ",\"note\":\"" +
            std::string(static_cast<std::size_t>(i * 7 % 90), 'n') + "\"}" + (i % 5 == 0 ? "\r\n" : "\n");
    if (i == 100) text += "not json\n";
    if (i == 200) text += "\n";
  }
  return text + "{\"id\":\"last\",\"x\":11}";
}

// The same in CSV, with quoted cells holding commas, quotes and line ends.
std::string csv_portfolio() {
  std::string text = "id,x,note\n";
  for (int i = 0; i < 300; ++i) {
    text += "c" + std::to_string(i) + "," + std::to_string(i % 23) + ",";
    text += i % 3 == 0 ? "\"a, \"\"quoted\"\"\nnote " + std::string(static_cast<std::size_t>(i % 40), 'q') + "\"" : "plain";
    text += "\n";
    if (i == 100) text += "c100b,notanumber,\n";
  }
  return text + "last,11,";
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

void check_same_output_however_read(const std::string& text, tenet::core::FactsFormat format, std::size_t records) {
  const auto policy = test::compile(kPolicy);
  tenet::core::BatchOptions options;
  options.input = format;
  options.threads = 1;
  const auto reference = test::batch(*policy, text, test::BatchInput::file, options);
  REQUIRE(reference.result.failure == "");
  REQUIRE(reference.result.summary.records == records);
  REQUIRE(lines_of(reference.output).size() == records);

  const auto input = GENERATE(test::BatchInput::file, test::BatchInput::pipe);
  const auto block_bytes = GENERATE(std::size_t{7}, std::size_t{64}, std::size_t{1000}, std::size_t{1} << 20);
  const auto threads = GENERATE(1u, 2u);
  options.block_bytes = block_bytes;
  options.threads = threads;
  INFO((input == test::BatchInput::file ? "file" : "pipe") << ", blocks of " << block_bytes << " bytes, " << threads << " threads");
  const auto run = test::batch(*policy, text, input, options);
  CHECK(run.result.failure == "");
  CHECK(run.output == reference.output);
  CHECK(run.result.summary.records == records);
}

}  // namespace

TEST_CASE("batch input: JSON lines give the same output from a file or a pipe, in blocks of any size") {
  const std::string text = jsonl_portfolio();
  check_same_output_however_read(text, tenet::core::FactsFormat::jsonl, 302);
  const auto policy = test::compile(kPolicy);
  const auto run = test::batch(*policy, text, test::BatchInput::file);
  const auto lines = lines_of(run.output);
  CHECK(lines[0].starts_with(R"({"id":"c0","decision":"keep","chosen":null,"fired":[],"flags":[],"policy":)"));
  CHECK(lines[101] ==
        R"({"line":102,"error":"the record starts with `not`, which is not a JSON value; expected an object","kind":"not_an_object"})");
  CHECK(lines.back() == R"({"id":"last","decision":"grow","chosen":"big","fired":["big"],"flags":[]})");
}

TEST_CASE("batch input: CSV gives the same output from a file or a pipe, in blocks of any size") {
  const std::string text = csv_portfolio();
  check_same_output_however_read(text, tenet::core::FactsFormat::csv, 302);
  const auto policy = test::compile(kPolicy);
  tenet::core::BatchOptions options;
  options.input = tenet::core::FactsFormat::csv;
  const auto run = test::batch(*policy, text, test::BatchInput::pipe, options);
  const auto lines = lines_of(run.output);
  CHECK(lines[1] == R"({"id":"c1","decision":"keep","chosen":null,"fired":[],"flags":[]})");
  CHECK(lines[101] == R"({"line":137,"id":"c100b","error":"field `x` is \"notanumber\", expected number","kind":"wrong_type"})");
  CHECK(lines.back() == R"({"id":"last","decision":"grow","chosen":"big","fired":["big"],"flags":[]})");
}
