// libFuzzer: a fixed policy evaluating fuzzed records as JSON lines and as CSV. Every record
// in yields exactly one output line (a decision or an error). Run: tests/fuzz/run records SECONDS
#include <cstddef>
#include <cstdint>
#include <string>

#include "engine/ingest/facts_reader.hpp"
#include "engine/output/json_writer.hpp"
#include "engine/tenet.hpp"

namespace {

const char* kPolicy = R"(policy fuzz "Fuzz" version "1"
schema s { id: string key  n: number  m: number optional  t: list<string>  b: bool optional  tags: set<string> optional }
let ratio = n / coalesce(m, 0)
rule r1 { when n > 1 and ratio < 3 or b then recommend a priority 2 because "{n} {t} {ratio}" }
rule r2 { when "x" in t or count(tags) > 1 then flag f because "{tags}" }
rule r3 { when flagged(f) and not fired(r1) then recommend c priority 1 }
decision d { hit collect default none }
)";

const tenet::Policy& policy() {
  static const auto compiled = tenet::Policy::compile(tenet::SourceFile("fuzz.tenet", kPolicy));
  return *compiled.policy;
}

// Records the readers report, checked against an independent count of the input's records.
void check(const std::string& text, tenet::FactsFormat format) {
  const tenet::Policy& p = policy();
  tenet::Evaluator evaluator(p);
  std::size_t lines = 0;
  std::string out, error;
  tenet::read_facts(text, format, p, [&](std::size_t, tenet::Record* r, tenet::RecordError* e) {
    ++lines;
    out.clear();
    if (r) tenet::write_decision_json(out, p, evaluator.evaluate(*r), &evaluator.frame());
    else tenet::write_error_json(out, *e);
    if (out.empty() || out.back() != '\n' || out.find('\n') != out.size() - 1) __builtin_trap();
  }, error);
  if (format == tenet::FactsFormat::jsonl) {
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

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  check(text, tenet::FactsFormat::jsonl);
  check(text, tenet::FactsFormat::csv);
  return 0;
}
