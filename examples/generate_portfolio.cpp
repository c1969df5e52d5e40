// Seeded synthetic portfolios for the customer_focus schema (rules/customer_focus.tenet), in
// JSONL or CSV, of any size: for demos and benchmarks. The same seed gives the same bytes on
// every machine: values come from integer arithmetic on a splitmix64 stream, never from floats
// or the standard library's distributions (whose output differs between implementations).
//
//   generate_portfolio --records 1000000 --seed 42 --format jsonl -o portfolio.jsonl
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

namespace {

class Random {
 public:
  explicit Random(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  // A whole number in [low, high].
  std::int64_t between(std::int64_t low, std::int64_t high) {
    return low + static_cast<std::int64_t>(next() % static_cast<std::uint64_t>(high - low + 1));
  }
  bool chance(int percent) { return between(1, 100) <= percent; }
  template <typename T>
  const T& pick(const std::vector<T>& items) {
    return items[static_cast<std::size_t>(between(0, static_cast<std::int64_t>(items.size()) - 1))];
  }

 private:
  std::uint64_t state_;
};

// `value` hundredths (places = 2) or tenths (places = 1) as exact decimal text.
std::string fixed(std::int64_t value, int places) {
  const std::int64_t scale = places == 1 ? 10 : 100;
  const std::string sign = value < 0 ? "-" : "";
  const std::int64_t v = value < 0 ? -value : value;
  std::string fraction = fmt::format("{:0{}}", v % scale, places);
  while (!fraction.empty() && fraction.back() == '0') fraction.pop_back();
  return sign + std::to_string(v / scale) + (fraction.empty() ? "" : "." + fraction);
}

const std::vector<std::string> kSegments = {"smb", "smb", "smb", "mid", "mid", "enterprise"};
const std::vector<std::string> kRegions = {"north", "south", "east", "west"};
const std::vector<std::string> kCapabilities = {"analytics", "onboarding",    "support",         "training",     "analytics",
                                                "support",   "on_site_staff", "custom_hardware", "24x7_hotline", "white_labeling"};
const std::vector<std::string> kAcquiredFor = {"growth", "margin", "investment", "fit", "fit", "referral"};
const std::vector<std::string> kChurnSignals = {"usage_drop", "competitor_eval", "complaint_escalation", "contract_not_renewed",
                                                "champion_left"};
const std::vector<std::string> kMaturity = {"new", "growing", "growing", "mature", "declining"};

// One customer: field name, then its JSON text (empty when absent); lists are kept apart for CSV.
struct Field {
  const char* name;
  std::string json;                // as a JSON value, "" when absent
  std::vector<std::string> items;  // for list fields
  bool is_list = false;
  bool is_string = false;
};

Field number(const char* name, std::string json) { return {name, std::move(json), {}, false, false}; }

std::vector<std::string> sample(Random& r, const std::vector<std::string>& from, int max_items) {
  std::vector<std::string> out;
  const auto n = r.between(0, max_items);
  for (std::int64_t i = 0; i < n; ++i) {
    const std::string& item = r.pick(from);
    if (std::find(out.begin(), out.end(), item) == out.end()) out.push_back(item);
  }
  return out;
}

std::vector<Field> customer(Random& r, std::uint64_t index) {
  const std::string segment = r.pick(kSegments);
  const std::int64_t revenue = segment == "smb"   ? r.between(5, 80) * 1000
                               : segment == "mid" ? r.between(50, 500) * 1000
                                                  : r.between(300, 5000) * 1000;
  const std::int64_t cost = revenue * (r.chance(85) ? r.between(40, 95) : r.between(95, 140)) / 100;
  const std::int64_t expected = r.between(50, 100);
  std::vector<Field> f;
  const auto text = [](const std::string& s) { return "\"" + s + "\""; };
  const auto maybe = [&](int absent_percent, std::string value) { return r.chance(absent_percent) ? std::string() : value; };
  const auto list = [&](const char* name, std::vector<std::string> items) {
    std::string json = "[";
    for (std::size_t i = 0; i < items.size(); ++i) json += (i ? "," : "") + text(items[i]);
    f.push_back({name, json + "]", std::move(items), true, false});
  };
  f.push_back({"id", text(fmt::format("C{:08d}", index)), {}, false, true});
  f.push_back({"segment", text(segment), {}, false, true});
  f.push_back(number("annual_revenue", std::to_string(revenue)));
  f.push_back(number("cost_to_serve", std::to_string(cost)));
  f.push_back(number("satisfaction", fixed(r.between(30, 100), 1)));
  f.push_back(number("repeat_rate", fixed(r.between(0, 100), 2)));
  f.push_back(number("tenure_years", fixed(r.between(0, 150), 1)));
  f.push_back(number("custom_processes", std::to_string(r.chance(70) ? r.between(0, 3) : r.between(4, 8))));
  list("expectations", sample(r, kCapabilities, 3));
  f.push_back({"region", maybe(10, text(r.pick(kRegions))), {}, false, true});
  f.push_back({"acquired_for", maybe(20, text(r.pick(kAcquiredFor))), {}, false, true});
  f.push_back(number("share_of_wallet", maybe(15, fixed(r.between(5, 95), 2))));
  f.push_back(number("referrals", maybe(10, std::to_string(r.chance(80) ? r.between(0, 1) : r.between(2, 5)))));
  f.push_back(number("offerings_used", maybe(5, std::to_string(r.between(1, 6)))));
  f.push_back(number("expected_score", maybe(20, fixed(expected, 1))));
  f.push_back(number("experienced_score", maybe(20, fixed(std::max<std::int64_t>(0, expected - r.between(-10, 30)), 1))));
  f.push_back(number("frontline_engagement", maybe(10, fixed(r.chance(85) ? r.between(60, 100) : r.between(20, 60), 1))));
  f.push_back(number("account_team_turnover", maybe(10, fixed(r.chance(90) ? r.between(0, 29) : r.between(30, 60), 2))));
  f.push_back(number("price_sensitivity", maybe(10, fixed(r.between(0, 100), 2))));
  f.push_back(number("discount_rate", maybe(10, fixed(r.between(0, 40), 2))));
  list("churn_signals", r.chance(75) ? std::vector<std::string>{} : sample(r, kChurnSignals, 3));
  f.push_back(number("revenue_growth", maybe(10, fixed(r.between(-30, 50), 2))));
  f.push_back(number("goal_attainment", maybe(15, fixed(r.between(10, 100), 2))));
  f.push_back(number("integration_depth", maybe(10, std::to_string(r.between(0, 6)))));
  f.push_back(number("ideas_adopted", maybe(10, std::to_string(r.chance(85) ? r.between(0, 1) : r.between(2, 4)))));
  f.push_back({"product_maturity", maybe(10, text(r.pick(kMaturity))), {}, false, true});
  return f;
}

std::string csv_cell(const Field& field) {
  if (field.is_list) {
    std::string out;
    for (std::size_t i = 0; i < field.items.size(); ++i) out += (i ? "|" : "") + field.items[i];
    return out;
  }
  if (field.is_string && field.json.size() >= 2) return field.json.substr(1, field.json.size() - 2);
  return field.json;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Seeded synthetic customer portfolios for rules/customer_focus.tenet"};
  std::uint64_t records = 1000, seed = 1;
  std::string format = "jsonl", output = "-";
  app.add_option("-n,--records", records, "how many customers")->capture_default_str();
  app.add_option("--seed", seed, "the same seed gives the same portfolio")->capture_default_str();
  app.add_option("--format", format, "jsonl or csv")->check(CLI::IsMember({"jsonl", "csv"}))->capture_default_str();
  app.add_option("-o,--output", output, "file to write (- for standard output)")->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  std::FILE* out = output == "-" ? stdout : std::fopen(output.c_str(), "wb");
  if (!out) {
    std::fprintf(stderr, "generate_portfolio: cannot write %s\n", output.c_str());
    return 2;
  }
  Random random(seed);
  std::string buffer;
  for (std::uint64_t i = 1; i <= records; ++i) {
    const auto fields = customer(random, i);
    if (format == "csv") {
      if (i == 1) {
        for (std::size_t k = 0; k < fields.size(); ++k) {
          if (k) buffer += ',';
          buffer += fields[k].name;
        }
        buffer += "\n";
      }
      for (std::size_t k = 0; k < fields.size(); ++k) {
        if (k) buffer += ',';
        buffer += csv_cell(fields[k]);
      }
    } else {
      buffer += "{";
      bool first = true;
      for (const auto& field : fields) {
        if (field.json.empty()) continue;
        buffer += fmt::format("{}\"{}\":{}", first ? "" : ",", field.name, field.json);
        first = false;
      }
      buffer += "}";
    }
    buffer += "\n";
    if (buffer.size() > (1u << 20)) {
      std::fwrite(buffer.data(), 1, buffer.size(), out);
      buffer.clear();
    }
  }
  std::fwrite(buffer.data(), 1, buffer.size(), out);
  const bool ok = std::fflush(out) == 0 && !std::ferror(out);
  if (out != stdout) std::fclose(out);
  if (!ok) {
    std::fprintf(stderr, "generate_portfolio: write failed\n");
    return 2;
  }
  return 0;
}
