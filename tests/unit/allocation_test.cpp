// No allocation per record: the evaluator, the decision and the writers reuse their storage,
// so after a warm-up a record costs no call to operator new, on the batch path (reasons only
// and --explain) and on the eval path (JSON lines). Counted by replacing the global operator
// new of this test binary; counting is on only inside count_allocations(). Not in sanitizer
// builds: AddressSanitizer owns operator new there, and a replacement that frees with free()
// what its operator new allocated is a mismatch it rightly reports.
#include <catch2/catch.hpp>

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TENET_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define TENET_ASAN 1
#endif

#ifndef TENET_ASAN

#include <atomic>
#include <cstdlib>
#include <new>

#include <simdjson.h>

#include "engine/ingest/jsonl_reader.hpp"
#include "engine/output/batch_writer.hpp"
#include "engine/output/json_writer.hpp"
#include "helpers.hpp"

namespace {
std::atomic<bool> counting{false};
std::atomic<std::uint64_t> allocations{0};
}  // namespace

void* operator new(std::size_t size) {
  if (counting.load(std::memory_order_relaxed)) allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size ? size : 1)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t size) { return operator new(size); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }

namespace {

template <typename F>
std::uint64_t count_allocations(F&& f) {
  allocations = 0;
  counting = true;
  f();
  counting = false;
  return allocations.load();
}

// The archetype portfolio's records that decide (not the one with a missing field), as
// lines of one padded buffer: 51 shapes of record, from all-known to mostly-missing.
struct Lines {
  std::string text;
  std::vector<std::pair<std::size_t, std::size_t>> spans;  // begin, length
};
Lines archetypes() {
  Lines out;
  const std::string all = test::read_file(std::string(TENET_SOURCE_DIR) + "/examples/portfolio.jsonl");
  for (std::size_t start = 0; start < all.size();) {
    std::size_t end = all.find('\n', start);
    if (end == std::string::npos) end = all.size();
    const std::string line = all.substr(start, end - start);
    if (!line.empty()) {
      out.spans.emplace_back(out.text.size(), line.size());
      out.text += line + "\n";
    }
    start = end + 1;
  }
  out.text.append(simdjson::SIMDJSON_PADDING, '\0');
  return out;
}

}  // namespace

TEST_CASE("allocation: batch lines, reasons only and --explain, allocate nothing per record after warm-up") {
  auto policy = test::compile(test::read_file(std::string(TENET_SOURCE_DIR) + "/rules/customer_focus.tenet"));
  const Lines lines = archetypes();
  REQUIRE(lines.spans.size() == 106);
  for (const bool explain : {false, true}) {
    INFO("explain " << explain);
    tenet::core::Evaluator evaluator(*policy);
    evaluator.set_explain(explain);
    tenet::core::RecordBuilder builder(*policy);
    builder.write_into(evaluator.field_slots());
    tenet::core::JsonRecordParser parser(builder);
    tenet::core::Record record;
    tenet::core::Decision d;
    std::string out;
    tenet::core::RecordFault error;
    std::size_t decided = 0;
    const auto pass = [&](std::size_t records) {
      for (std::size_t i = 0; i < records; ++i) {
        const auto [begin, length] = lines.spans[i % lines.spans.size()];
        if (!parser.parse(lines.text.data() + begin, length, lines.text.size() - begin, record, error)) continue;
        evaluator.evaluate_in_place(record, d);
        tenet::core::write_batch_decision(out, tenet::core::BatchFormat::jsonl, *policy, d, i + 1, {explain, nullptr, false, nullptr});
        ++decided;
        if (out.size() > (1u << 20)) out.clear();  // as the batch writer hands buffers on
      }
    };
    pass(2 * lines.spans.size());  // warm-up: every shape of record once, capacities grown
    out.reserve(2u << 20);
    CHECK(count_allocations([&] { pass(10000); }) == 0);
    CHECK(decided == 2 * lines.spans.size() + 10000);  // every archetype is decided: none lacks a needed field
  }
}

TEST_CASE("allocation: eval's JSON lines allocate nothing per record after warm-up") {
  auto policy = test::compile(test::read_file(std::string(TENET_SOURCE_DIR) + "/rules/customer_focus.tenet"));
  const Lines lines = archetypes();
  tenet::core::Evaluator evaluator(*policy);
  tenet::core::RecordBuilder builder(*policy);
  tenet::core::JsonRecordParser parser(builder);
  tenet::core::Record record;
  tenet::core::Decision d;
  std::string out;
  tenet::core::RecordFault error;
  const auto pass = [&](std::size_t records) {
    for (std::size_t i = 0; i < records; ++i) {
      const auto [begin, length] = lines.spans[i % lines.spans.size()];
      if (!parser.parse(lines.text.data() + begin, length, lines.text.size() - begin, record, error)) continue;
      evaluator.evaluate(record, d);
      tenet::core::write_decision_json(out, *policy, d, nullptr);
      if (out.size() > (1u << 20)) out.clear();
    }
  };
  // Warm-up: the record's values and the evaluator's slots are swapped each record (see
  // Evaluator::evaluate), so each side needs to have held every shape once.
  pass(4 * lines.spans.size());
  out.reserve(2u << 20);
  CHECK(count_allocations([&] { pass(10000); }) == 0);
}

#endif  // TENET_ASAN
