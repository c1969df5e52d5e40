// libFuzzer: a fixed policy evaluating fuzzed records as JSON lines and as CSV. Every record
// in yields exactly one output line (a decision or an error), and every JSON line is read the
// same by the flat fast path and by simdjson alone. Run: tests/fuzz/run records SECONDS
#include <cstddef>
#include <cstdint>
#include <string>

#include <simdjson.h>

#include "engine/ingest/facts_reader.hpp"
#include "engine/ingest/jsonl_reader.hpp"
#include "engine/output/json_writer.hpp"
#include "engine/policy.hpp"

namespace {

const char* kPolicy = R"(policy fuzz "Fuzz" version "1"
schema s { id: string key  n: number  m: number optional  t: list<string>  b: bool optional  tags: set<string> optional }
let ratio = n / coalesce(m, 0)
rule r1 { when n > 1 and ratio < 3 or b then recommend a priority 2 because "{n} {t} {ratio}" }
rule r2 { when "x" in t or count(tags) > 1 then flag f because "{tags}" }
rule r3 { when flagged(f) and not fired(r1) then recommend c priority 1 }
decision d { hit collect default none }
)";

const tenet::core::Policy& policy() {
  static const auto compiled = tenet::core::Policy::compile(tenet::core::SourceFile("fuzz.tenet", kPolicy));
  return *compiled.policy;
}

// Records the readers report, checked against an independent count of the input's records.
void check(const std::string& text, tenet::core::FactsFormat format) {
  const tenet::core::Policy& p = policy();
  tenet::core::Evaluator evaluator(p);
  std::size_t lines = 0;
  std::string out, error;
  tenet::core::read_facts(
      text, format, p,
      [&](std::size_t, tenet::core::Record* r, tenet::core::RecordError* e) {
        ++lines;
        out.clear();
        if (r) tenet::core::write_decision_json(out, p, evaluator.evaluate(*r), &evaluator.frame());
        else tenet::core::write_error_json(out, *e);
        if (out.empty() || out.back() != '\n' || out.find('\n') != out.size() - 1) __builtin_trap();
      },
      error);
  if (format == tenet::core::FactsFormat::jsonl) {
    // One output line per non-blank input line.
    std::size_t expected = 0, start = text.compare(0, 3, "\xEF\xBB\xBF") == 0 ? 3 : 0;
    while (start < text.size()) {
      std::size_t end = text.find('\n', start);
      if (end == std::string::npos) end = text.size();
      if (text.find_first_not_of(" \t\r", start) < end) ++expected;
      start = end + 1;
    }
    if (lines != expected) __builtin_trap();
  }
}

// A record's fields exactly (numbers by coefficient and exponent), or its error.
void describe(std::string& out, const tenet::core::Value& v) {
  out += static_cast<char>('0' + static_cast<int>(v.kind));
  if (v.kind == tenet::core::Value::Kind::number) out += std::to_string(v.number.coefficient()) + "e" + std::to_string(v.number.exponent());
  if (v.kind == tenet::core::Value::Kind::boolean) out += v.boolean ? "t" : "f";
  if (v.kind == tenet::core::Value::Kind::string) out += std::to_string(v.text.size()) + ":" + v.text;
  if (v.kind == tenet::core::Value::Kind::unknown) out += v.why();
  if (v.kind == tenet::core::Value::Kind::list) {
    out += std::to_string(v.items.size()) + "[";
    for (const auto& item : v.items) describe(out, item);
  }
  out += ';';
}
std::string read_line(std::string_view line, bool fast) {
  tenet::core::RecordBuilder builder(policy());
  tenet::core::JsonRecordParser parser(builder);
  parser.set_fast_path(fast);
  std::string padded(line);
  padded.append(simdjson::SIMDJSON_PADDING, '\0');
  tenet::core::Record record;
  tenet::core::RecordFault error;
  std::string out;
  if (!parser.parse(padded.data(), line.size(), padded.size(), record, error))
    return "error " + std::string(tenet::core::kind_name(error.kind)) + " " + error.message;
  out = "id " + record.id + " ";
  for (const auto& f : record.fields) describe(out, f);
  return out;
}

// The fast path (flat_json.hpp) reads each line exactly as simdjson does, or leaves it to it.
void check_fast_path(const std::string& text) {
  for (std::size_t start = 0; start < text.size();) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    const std::string_view line(text.data() + start, end - start);
    if (read_line(line, true) != read_line(line, false)) __builtin_trap();
    start = end + 1;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  check(text, tenet::core::FactsFormat::jsonl);
  check(text, tenet::core::FactsFormat::csv);
  check_fast_path(text);
  return 0;
}
