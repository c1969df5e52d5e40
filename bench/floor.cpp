// The floor: what a hand-written program does with the benchmark policy (bench/policy.tenet)
// hard-coded. simdjson on-demand parse of each line, the 13 rules as C++ conditions, the
// same output line as `tenet batch` (id, decision, chosen rule, fired rules), one thread.
// It knows nothing but this policy: no traces, no explanations, no errors worth the name.
//
//   bench_floor PORTFOLIO.jsonl OUT.jsonl   -> prints {"decisions":{...}} on standard output
#include <simdjson.h>

#include <cstdio>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace od = simdjson::ondemand;

namespace {

struct Customer {
  std::string_view id, acquired_for, product_maturity;
  double annual_revenue = 0, cost_to_serve = 0, satisfaction = 0, repeat_rate = 0, tenure_years = 0, custom_processes = 0;
  std::optional<double> offerings_used, expected_score, experienced_score, frontline_engagement, price_sensitivity,
      revenue_growth, goal_attainment, ideas_adopted;
  bool on_site_staff = false, competitor_eval = false, has_acquired_for = false, has_maturity = false;
};

struct Rule {
  const char* name;
  const char* action;
  int priority;
  bool (*when)(const Customer&);
};

// Absent optional values never satisfy a comparison, as unknown never fires a rule in Tenet.
bool lt(const std::optional<double>& v, double x) { return v && *v < x; }
bool le(const std::optional<double>& v, double x) { return v && *v <= x; }
bool ge(const std::optional<double>& v, double x) { return v && *v >= x; }

const Rule kRules[] = {
    {"release_unprofitable", "release", 90, [](const Customer& c) { return c.cost_to_serve > c.annual_revenue && c.tenure_years >= 1; }},
    {"frontline_first", "engage_frontline", 80, [](const Customer& c) { return lt(c.frontline_engagement, 6); }},
    {"unsustainable_processes", "renegotiate", 70, [](const Customer& c) { return c.custom_processes > 3 && c.on_site_staff; }},
    {"leaving", "retention_review", 68, [](const Customer& c) { return c.competitor_eval && c.annual_revenue > c.cost_to_serve; }},
    {"satisfied_not_loyal", "elevate_experience", 60, [](const Customer& c) { return c.satisfaction >= 7 && c.repeat_rate < 0.3; }},
    {"not_succeeding", "success_plan", 58, [](const Customer& c) { return lt(c.goal_attainment, 0.5); }},
    {"close_gap", "close_gap", 55, [](const Customer& c) { return ge(c.expected_score, 8) && lt(c.experienced_score, 5); }},
    {"wrong_customer", "reassess_fit", 50, [](const Customer& c) { return c.has_acquired_for && c.acquired_for == "growth" && c.custom_processes > 3; }},
    {"commodity_drift", "differentiate", 40, [](const Customer& c) { return c.has_maturity && c.product_maturity == "mature" && ge(c.price_sensitivity, 0.6); }},
    {"give_to_get", "delight", 35, [](const Customer& c) { return c.tenure_years >= 5 && c.repeat_rate >= 0.7 && c.satisfaction < 9; }},
    {"grow_with_success", "expand_account", 28, [](const Customer& c) { return ge(c.goal_attainment, 0.8) && le(c.revenue_growth, 0); }},
    {"deepen_relationship", "cross_sell", 25, [](const Customer& c) { return le(c.offerings_used, 1) && c.satisfaction >= 7; }},
    {"idea_source", "co_innovate", 20, [](const Customer& c) { return ge(c.ideas_adopted, 2); }},
};

bool contains(od::value v, std::string_view wanted) {
  for (auto item : v.get_array()) {
    std::string_view s;
    if (!item.get_string().get(s) && s == wanted) return true;
  }
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: bench_floor PORTFOLIO.jsonl OUT.jsonl\n");
    return 2;
  }
  std::FILE* in = std::fopen(argv[1], "rb");
  std::FILE* out = std::fopen(argv[2], "wb");
  if (!in || !out) {
    std::fprintf(stderr, "bench_floor: cannot open %s or %s\n", argv[1], argv[2]);
    return 2;
  }
  od::parser parser;
  std::map<std::string, std::uint64_t> decisions;
  std::string buffer, block, carry;
  std::vector<char> chunk(1 << 20);
  // Streams 1 MiB blocks of whole lines, as tenet batch does, padded for simdjson.
  while (true) {
    const std::size_t n = std::fread(chunk.data(), 1, chunk.size(), in);
    const bool eof = n < chunk.size();
    block = carry;
    block.append(chunk.data(), n);
    const std::size_t cut = eof ? block.size() : block.rfind('\n') + 1;
    carry = block.substr(cut);
    block.resize(cut);
    const std::size_t length = block.size();
    block.append(simdjson::SIMDJSON_PADDING, '\0');
    const std::string_view text(block.data(), length);
    std::size_t start = 0;
    while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = text.substr(start, end - start);
    const std::size_t capacity = block.size() - start;
    start = end + 1;
    if (line.empty()) continue;
    Customer c;
    od::document doc;
    if (parser.iterate(line.data(), line.size(), capacity).get(doc)) continue;
    for (auto field : doc.get_object()) {
      std::string_view key = field.unescaped_key();
      od::value v = field.value();
      double number = 0;
      const auto num = [&](double& into) { if (!v.get_double().get(number)) into = number; };
      const auto opt = [&](std::optional<double>& into) { if (!v.get_double().get(number)) into = number; };
      if (key == "id") c.id = v.get_string().value();
      else if (key == "annual_revenue") num(c.annual_revenue);
      else if (key == "cost_to_serve") num(c.cost_to_serve);
      else if (key == "satisfaction") num(c.satisfaction);
      else if (key == "repeat_rate") num(c.repeat_rate);
      else if (key == "tenure_years") num(c.tenure_years);
      else if (key == "custom_processes") num(c.custom_processes);
      else if (key == "expectations") c.on_site_staff = contains(v, "on_site_staff");
      else if (key == "churn_signals") c.competitor_eval = contains(v, "competitor_eval");
      else if (key == "acquired_for") c.has_acquired_for = !v.get_string().get(c.acquired_for);
      else if (key == "product_maturity") c.has_maturity = !v.get_string().get(c.product_maturity);
      else if (key == "offerings_used") opt(c.offerings_used);
      else if (key == "expected_score") opt(c.expected_score);
      else if (key == "experienced_score") opt(c.experienced_score);
      else if (key == "frontline_engagement") opt(c.frontline_engagement);
      else if (key == "price_sensitivity") opt(c.price_sensitivity);
      else if (key == "revenue_growth") opt(c.revenue_growth);
      else if (key == "goal_attainment") opt(c.goal_attainment);
      else if (key == "ideas_adopted") opt(c.ideas_adopted);
    }
    const Rule* chosen = nullptr;
    buffer += "{\"id\":\"";
    buffer += c.id;
    buffer += "\",\"decision\":\"";
    std::string fired = "[";
    for (const Rule& r : kRules) {
      if (!r.when(c)) continue;
      if (fired.size() > 1) fired += ",";
      fired += "\"";
      fired += r.name;
      fired += "\"";
      if (!chosen || r.priority > chosen->priority) chosen = &r;
    }
    const char* decision = chosen ? chosen->action : "keep";
    ++decisions[decision];
    buffer += decision;
    buffer += "\",\"chosen\":";
    buffer += chosen ? std::string("\"") + chosen->name + "\"" : "null";
    buffer += ",\"fired\":" + fired + "],\"flags\":[]}\n";
    if (buffer.size() > (1 << 20)) {
      std::fwrite(buffer.data(), 1, buffer.size(), out);
      buffer.clear();
    }
    }
    if (eof) break;
  }
  std::fclose(in);
  std::fwrite(buffer.data(), 1, buffer.size(), out);
  std::fclose(out);
  std::printf("{\"decisions\":{");
  bool first = true;
  for (const auto& [k, v] : decisions) {
    std::printf("%s\"%s\":%llu", first ? "" : ",", k.c_str(), static_cast<unsigned long long>(v));
    first = false;
  }
  std::printf("}}\n");
  return 0;
}
