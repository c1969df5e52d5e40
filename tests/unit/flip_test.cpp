// tenet flip against brute force, on the differential test's generated policies and records:
// the change it reports changes the decision, and no smaller change of one number field does
// (tried at the precision of the reported value, over a grid and around every number literal);
// a change of a string or bool field counts 100%, and when the reported change is larger (or
// there is none), no other value of a string (every string literal of the policy, "", another)
// or bool field flips the decision.
#include <catch2/catch.hpp>

#include <cmath>
#include <random>
#include <regex>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "engine/analysis/flip.hpp"
#include "helpers.hpp"
#include "tests/differential/policy_generator.hpp"

namespace {

std::vector<std::string> decision_of(const tenet::core::Policy& policy, tenet::core::Record record) {
  tenet::core::Evaluator evaluator(policy);
  tenet::core::Decision d;
  evaluator.evaluate(record, d);
  std::vector<std::string> out;
  for (auto a : d.actions) out.push_back(policy.action_name(a));
  return out;
}

long double number(const tenet::core::Decimal& d) { return std::stold(d.to_string()); }

// The records of JSON lines that read without an error.
std::vector<tenet::core::Record> records_of(const tenet::core::Policy& policy, const std::string& lines) {
  std::vector<tenet::core::Record> records;
  std::string error;
  tenet::core::read_facts(
      lines, tenet::core::FactsFormat::jsonl, policy,
      [&](std::size_t, tenet::core::Record* r, tenet::core::RecordError*) {
        if (r) records.push_back(*r);
      },
      error);
  return records;
}

}  // namespace

TEST_CASE("flip: the change reported flips the decision, and no smaller change of one field does") {
  std::mt19937 random(11);
  int flips = 0, nulls = 0, checked_fields = 0, categorical = 0, checked_categories = 0;
  for (int round = 0; round < 300; ++round) {
    std::vector<std::uint8_t> bytes(64 + random() % 400);
    for (auto& b : bytes) b = static_cast<std::uint8_t>(random());
    tenet::core::testing::ByteSource source(bytes.data(), bytes.size());
    const auto gen = tenet::core::testing::PolicyGenerator(source).generate();
    auto policy = test::compile(gen.policy);
    // The number literals of the policy: where a decision can turn.
    std::vector<std::string> literals;
    const std::regex literal(R"((^|[^\w.])(-?\d+(\.\d+)?(e-?\d+)?)(?![\w.]))");
    for (auto it = std::sregex_iterator(gen.policy.begin(), gen.policy.end(), literal); it != std::sregex_iterator(); ++it)
      literals.push_back((*it)[2]);
    std::vector<std::string> strings{"", "some other value"};  // the policy's string literals, and two more
    const std::regex string_literal(R"re("([^"\\]*)")re");
    for (auto it = std::sregex_iterator(gen.policy.begin(), gen.policy.end(), string_literal); it != std::sregex_iterator(); ++it)
      strings.push_back((*it)[1]);
    const auto records = records_of(*policy, gen.records);
    tenet::core::Flipper flipper(*policy, {});
    const auto& fields = policy->checked().schema().fields;
    for (const auto& record : records) {
      INFO(gen.policy << gen.records);
      const auto before = flipper.counts();
      const auto line = flipper.flip(record);
      REQUIRE(line);
      INFO(*line);
      const auto j = nlohmann::json::parse(*line);
      const auto now = decision_of(*policy, record);
      long double limit = INFINITY;  // the reported change, relative
      int precision = 6;
      if (!j["flip"].is_null()) {
        ++flips;
        const std::string name = j["flip"]["changes"].begin().key();
        const auto f = static_cast<std::size_t>(
            std::find_if(fields.begin(), fields.end(), [&](const auto& x) { return x.name.text == name; }) - fields.begin());
        tenet::core::Record changed = record;
        const auto& to_json = j["flip"]["changes"].begin().value();
        if (!to_json.is_number()) {  // a category: a string, a bool, or a collection of strings
          ++categorical;
          if (to_json.is_string()) changed.fields[f] = tenet::core::Value::of(to_json.get<std::string>());
          else if (to_json.is_boolean()) changed.fields[f] = tenet::core::Value::of(to_json.get<bool>());
          else {
            std::vector<tenet::core::Value> items;
            for (const auto& item : to_json) items.push_back(tenet::core::Value::of(item.get<std::string>()));
            changed.fields[f] = tenet::core::Value::list(items);
            if (fields[f].type.kind == tenet::core::TypeKind::set) tenet::core::make_set(changed.fields[f]);
          }
          CHECK(decision_of(*policy, changed) != now);  // it flips
          CHECK_FALSE(j["flip"].contains("boundary"));
          limit = 1;
          if (!j["flip"]["exact"].get<bool>()) continue;
        } else {
          // As JSON parses it the value is a double: the exact decimal is read from the line's text.
          std::smatch raw;
          REQUIRE(std::regex_search(*line, raw, std::regex(R"("changes":\{"[^"]+":([^}]+)\})")));
          const auto to = tenet::core::Decimal::parse(raw[1].str());
          REQUIRE(to);
          changed.fields[f] = tenet::core::Value::of(*to);
          CHECK(decision_of(*policy, changed) != now);  // it flips
          const long double old = number(record.fields[f].number);
          limit = std::fabs(number(*to) - old) / (old != 0 ? std::fabs(old) : 1);
          precision = to->exponent() < 0 ? -to->exponent() : 0;
          if (!j["flip"]["exact"].get<bool>()) continue;  // an opaque value reads the field: no claim of least
        }
      } else {
        ++nulls;
      }
      if (flipper.counts().undecided > before.undecided) continue;  // the solver did not answer everything
      // A change of a category (100%) larger than the reported one, or none: no other value of
      // a string or bool field flips the decision.
      for (std::size_t f = 0; f < fields.size() && limit > 1; ++f) {
        const auto kind = fields[f].type.kind;
        if ((kind != tenet::core::TypeKind::string && kind != tenet::core::TypeKind::boolean) || fields[f].is_key ||
            record.fields[f].is_unknown() || !flipper.exact(static_cast<std::uint32_t>(f)))
          continue;
        std::vector<tenet::core::Value> others;
        if (kind == tenet::core::TypeKind::boolean) others.push_back(tenet::core::Value::of(!record.fields[f].boolean));
        else
          for (const auto& text : strings) others.push_back(tenet::core::Value::of(text));
        for (const auto& other : others) {
          if (tenet::core::equal(other, record.fields[f])) continue;
          tenet::core::Record changed = record;
          changed.fields[f] = other;
          INFO("field " << fields[f].name.text << " = " << (other.kind == tenet::core::Value::Kind::string ? other.text : "a bool"));
          CHECK(decision_of(*policy, changed) == now);
        }
        ++checked_categories;
      }
      // No smaller change of a number field that nothing opaque reads flips it.
      for (std::size_t f = 0; f < fields.size(); ++f) {
        if (fields[f].type.kind != tenet::core::TypeKind::number || record.fields[f].kind != tenet::core::Value::Kind::number) continue;
        if (!flipper.exact(static_cast<std::uint32_t>(f))) continue;  // flips of it make no claim of least
        const long double old = number(record.fields[f].number);
        std::vector<long double> tries;
        for (int k = 1; k < 20; ++k) {
          const long double step = (std::isinf(limit) ? 10 : limit) * k / 20 * (old != 0 ? std::fabs(old) : 1);
          tries.push_back(old + step);
          tries.push_back(old - step);
        }
        for (const auto& l : literals) {
          const long double x = std::stold(l);
          for (const long double t : {x, x + std::pow(10.0L, -precision), x - std::pow(10.0L, -precision)}) tries.push_back(t);
        }
        for (const long double t : tries) {
          const long double relative = std::fabs(t - old) / (old != 0 ? std::fabs(old) : 1);
          if (!(relative < limit) || !std::isfinite(t) || std::fabs(t) > 1e300L) continue;
          char text[64];
          std::snprintf(text, sizeof text, "%.*Lf", precision, t);
          const auto value = tenet::core::Decimal::parse(text);
          if (!value) continue;
          const long double rounded = std::fabs(number(*value) - old) / (old != 0 ? std::fabs(old) : 1);
          if (!(rounded < limit)) continue;
          tenet::core::Record changed = record;
          changed.fields[f] = tenet::core::Value::of(*value);
          INFO("field " << fields[f].name.text << " = " << text);
          CHECK(decision_of(*policy, changed) == now);
        }
        ++checked_fields;
      }
    }
  }
  INFO(flips << " flips (" << categorical << " of a category), " << nulls << " records with none, " << checked_fields
             << " number fields and " << checked_categories << " categories tried by brute force");
  CHECK(flips > 20);
  CHECK(nulls > 20);
  CHECK(checked_fields > 200);
  CHECK(categorical > 5);
  CHECK(checked_categories > 50);
  WARN(flips << " flips (" << categorical << " of a category), " << nulls << " records with none, " << checked_fields
             << " number fields and " << checked_categories << " categories tried by brute force");
}

TEST_CASE(
    "flip --fields 2: the two changes reported flip the decision, no smaller change of two fields on a grid does, "
    "and it is never larger than the change of one") {
  // Policies where two fields must move together: conjunctions of thresholds on three number
  // fields, at random, over random records (the differential generator seldom makes them).
  std::mt19937 random(17);
  int pairs = 0, checked = 0;
  for (int round = 0; round < 150; ++round) {
    const auto constant = [&] { return static_cast<int>(random() % 200); };
    const char* ops[] = {">", ">=", "<", "<="};
    const char* names[] = {"x", "y", "z"};
    std::string text =
        "policy p \"P\" version \"1\"\nschema s {\n  id: string key\n  x: number optional\n  y: number optional\n  z: number optional\n}\n";
    for (int r = 0; r < 3; ++r) {
      const int a1 = static_cast<int>(random() % 3), a2 = (a1 + 1 + static_cast<int>(random() % 2)) % 3;
      text += fmt::format("rule r{} {{\n  when {} {} {} and {} {} {}\n  then recommend a{} priority {}\n}}\n", r, names[a1],
                          ops[random() % 4], constant(), names[a2], ops[random() % 4], constant(), r, random() % 3);
    }
    text += "decision d {\n  hit priority\n  default keep\n}\n";
    std::string records_text;
    for (int i = 0; i < 6; ++i)
      records_text += fmt::format("{{\"id\":\"r{}\",\"x\":{},\"y\":{},\"z\":{}}}\n", i, 1 + constant(), 1 + constant(), 1 + constant());
    struct {
      std::string policy, records;
    } gen{text, records_text};
    auto policy = test::compile(gen.policy);
    const auto records = records_of(*policy, gen.records);
    tenet::core::FlipOptions two;
    two.fields = 2;
    tenet::core::Flipper one_field(*policy, {}), two_fields(*policy, two);
    const auto& fields = policy->checked().schema().fields;
    for (const auto& record : records) {
      INFO(gen.policy << gen.records);
      const auto before = two_fields.counts();
      const auto line = two_fields.flip(record);
      const auto single = one_field.flip(record);
      REQUIRE(line);
      REQUIRE(single);
      INFO(*line << "\n" << *single);
      const auto j = nlohmann::json::parse(*line);
      const auto k = nlohmann::json::parse(*single);
      const auto now = decision_of(*policy, record);
      if (j["flip"].is_null()) {
        CHECK(k["flip"].is_null());  // one field flips it: so do two
        continue;
      }
      const auto& changes = j["flip"]["changes"];
      if (changes.size() < 2) continue;  // one field: the test above
      ++pairs;
      // Read the exact decimals from the line's text, in order.
      std::smatch raw;
      REQUIRE(std::regex_search(*line, raw, std::regex(R"re("changes":\{"([^"]+)":([^,]+),"([^"]+)":([^}]+)\})re")));
      const auto field_index = [&](const std::string& name) {
        return static_cast<std::size_t>(std::find_if(fields.begin(), fields.end(), [&](const auto& x) { return x.name.text == name; }) -
                                        fields.begin());
      };
      const std::size_t f = field_index(raw[1]), g = field_index(raw[3]);
      const auto x = tenet::core::Decimal::parse(raw[2].str()), y = tenet::core::Decimal::parse(raw[4].str());
      REQUIRE(x);
      REQUIRE(y);
      tenet::core::Record changed = record;
      changed.fields[f] = tenet::core::Value::of(*x);
      changed.fields[g] = tenet::core::Value::of(*y);
      CHECK(decision_of(*policy, changed) != now);  // it flips
      const long double of = number(record.fields[f].number), og = number(record.fields[g].number);
      const auto rel = [](long double to, long double from) { return std::fabs(to - from) / (from != 0 ? std::fabs(from) : 1); };
      const long double limit = rel(number(*x), of) + rel(number(*y), og);
      if (!k["flip"].is_null()) {  // never larger than the least change of one field
        const std::string name = k["flip"]["changes"].begin().key();
        const auto& v = k["flip"]["changes"].begin().value();
        if (v.is_number()) {
          const auto i = field_index(name);
          CHECK(limit < rel(v.get<long double>(), number(record.fields[i].number)) + 1e-9L);
        }
      }
      if (!j["flip"]["exact"].get<bool>() || two_fields.counts().undecided > before.undecided) continue;
      // No pair on a grid of smaller total change flips it.
      const int px = x->exponent() < 0 ? -x->exponent() : 0, py = y->exponent() < 0 ? -y->exponent() : 0;
      for (int a = -6; a <= 6; ++a) {
        for (int b = -6; b <= 6; ++b) {
          const long double tx = of + (number(*x) - of) * a / 6, ty = og + (number(*y) - og) * b / 6;
          char tx_text[64], ty_text[64];
          std::snprintf(tx_text, sizeof tx_text, "%.*Lf", px, tx);
          std::snprintf(ty_text, sizeof ty_text, "%.*Lf", py, ty);
          const auto vx = tenet::core::Decimal::parse(tx_text), vy = tenet::core::Decimal::parse(ty_text);
          if (!vx || !vy || !(rel(number(*vx), of) + rel(number(*vy), og) < limit - 1e-12L)) continue;
          tenet::core::Record trial = record;
          trial.fields[f] = tenet::core::Value::of(*vx);
          trial.fields[g] = tenet::core::Value::of(*vy);
          INFO("trial " << tx_text << ", " << ty_text);
          CHECK(decision_of(*policy, trial) == now);
        }
      }
      ++checked;
    }
  }
  WARN(pairs << " flips of two fields, " << checked << " brute-forced on a grid");
  CHECK(pairs > 5);
  CHECK(checked > 3);
}

TEST_CASE("flip: a chain of 10,000 lets is solved through (was a stack overflow); a spent budget asks nothing and says so") {
  std::string chain = "policy p \"P\" version \"1\"\nschema s {\n  id: string key\n  x: number\n}\nlet l0 = x\n";
  for (int i = 1; i <= 10000; ++i) chain += "let l" + std::to_string(i) + " = l" + std::to_string(i - 1) + " + 1\n";
  chain += "rule r {\n  when l10000 > 5\n  then recommend go\n}\ndecision d {\n  hit priority\n  default keep\n}\n";
  auto policy = test::compile(chain);
  const auto records = records_of(*policy, "{\"id\":\"a\",\"x\":1}\n");
  tenet::core::Flipper flipper(*policy, {});
  CHECK(*flipper.flip(records[0]) ==
        R"({"id":"a","decision":"go","flip":{"changes":{"x":-9995},"decision":"keep","boundary":-9995,"exact":true}})");
  CHECK(flipper.counts().skipped == 0);
  tenet::core::FlipOptions spent;
  spent.budget_ms = 0;
  tenet::core::Flipper none(*policy, spent);
  CHECK(*none.flip(records[0]) == R"({"id":"a","decision":"go","flip":null})");
  CHECK(none.counts().questions == 0);
  CHECK(none.counts().skipped > 0);
}
