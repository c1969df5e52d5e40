// Google Benchmark: evaluating one record against the benchmark policy, and parsing it,
// so that a regression in the hot path shows as a number. Run: build/bench_evaluate
#include <benchmark/benchmark.h>

#include <cstring>
#include <fstream>
#include <sstream>

#include "engine/ingest/facts_reader.hpp"
#include "engine/output/batch_writer.hpp"
#include "engine/policy.hpp"

namespace {

const char* kRecord =
    R"({"id":"C00000002","segment":"mid","annual_revenue":254000,"cost_to_serve":170180,"satisfaction":7.6,"repeat_rate":0.1,"tenure_years":14.2,"custom_processes":6,"expectations":["training","on_site_staff","custom_hardware"],"region":"east","acquired_for":"growth","share_of_wallet":0.65,"referrals":1,"offerings_used":6,"expected_score":6.2,"experienced_score":6.3,"frontline_engagement":8.7,"account_team_turnover":0.18,"price_sensitivity":0.27,"discount_rate":0.01,"churn_signals":["competitor_eval","champion_left"],"goal_attainment":0.76,"ideas_adopted":1,"product_maturity":"new"})";

std::shared_ptr<const tenet::core::Policy> load() {
  std::ifstream in(std::string(TENET_SOURCE_DIR) + "/bench/policy.tenet");
  std::stringstream text;
  text << in.rdbuf();
  return tenet::core::Policy::compile(tenet::core::SourceFile("bench/policy.tenet", text.str())).policy;
}

void BM_ParseEvaluateWrite(benchmark::State& state) {
  auto policy = load();
  tenet::core::Evaluator evaluator(*policy);
  tenet::core::RecordBuilder builder(*policy);
  builder.write_into(evaluator.field_slots());
  tenet::core::JsonRecordParser parser(builder);
  std::string padded = std::string(kRecord) + std::string(64, '\0');
  const std::size_t length = std::strlen(kRecord);
  tenet::core::Record record;
  tenet::core::Decision decision;
  std::string out;
  tenet::core::RecordFault error;
  for (auto _ : state) {
    out.clear();
    parser.parse(padded.data(), length, padded.size(), record, error);
    evaluator.evaluate_in_place(record, decision);
    tenet::core::write_batch_decision(out, tenet::core::BatchFormat::jsonl, *policy, decision, 1, {});
    benchmark::DoNotOptimize(out.data());
  }
}
BENCHMARK(BM_ParseEvaluateWrite);

void BM_EvaluateOnly(benchmark::State& state) {
  auto policy = load();
  tenet::core::Evaluator evaluator(*policy);
  tenet::core::RecordBuilder builder(*policy);
  tenet::core::JsonRecordParser parser(builder);
  std::string padded = std::string(kRecord) + std::string(64, '\0');
  tenet::core::Record record;
  tenet::core::Decision decision;
  tenet::core::RecordFault error;
  parser.parse(padded.data(), std::strlen(kRecord), padded.size(), record, error);
  const tenet::core::Record original = record;
  for (auto _ : state) {
    record = original;
    evaluator.evaluate(record, decision);
    benchmark::DoNotOptimize(decision.actions.data());
  }
}
BENCHMARK(BM_EvaluateOnly);

}  // namespace

BENCHMARK_MAIN();
