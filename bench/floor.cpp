// The floor: the fastest honest program a C++ expert would write for bench/policy.tenet alone,
// writing the same lines as `tenet batch` (id, decision, chosen, fired, flags, and the unknown
// rules with their missing fields and `provisional`, three-valued as in Tenet), on one thread.
//
// Why nothing simple beats it (bench/RESULTS.md says the same with figures):
// - Input: 16 MiB reads into one padded buffer, cut at the last newline, parsed by simdjson's
//   on-demand `iterate_many` (one stage-1 pass finds every structural character of the block
//   with SIMD; no DOM is built), compiled for AVX2, with no look-ahead thread.
// - Fields are matched in document order: the key that followed the previous field last time
//   is tried first with one raw comparison (no unescaping); only a miss looks the key up.
// - Fields the rules do not use are never converted; simdjson skips them.
// - The 13 rules are C++ conditions over doubles with a presence mask (Kleene logic for
//   absent optional fields), ranked by a fixed priority table; no interpreter, no allocation.
// - Output: pre-quoted fragments memcpy'd into a 1 MiB buffer, one write per buffer.
// It knows nothing but this policy and its data: no traces, no explanations, no errors worth
// the name (a record it cannot parse is counted and skipped), no summary.
//
//   bench_floor PORTFOLIO.jsonl OUT.jsonl POLICY_JSON
//     POLICY_JSON: the `"policy":{...}` member tenet writes on the first line (bench/run copies it).
//     Prints {"decisions":{...}} on standard output.
// The CMake package asks for simdjson's look-ahead thread; the floor runs on one core.
#undef SIMDJSON_THREADS_ENABLED
#include <simdjson.h>
#if !SIMDJSON_CAN_ALWAYS_RUN_HASWELL
#error "build with -march=haswell: on-demand is compiled into the caller, for the instruction set it is built for"
#endif

#include <array>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace od = simdjson::ondemand;

namespace {

// Every key of the benchmark records; those before `kUsed` feed a rule.
enum Field : int {
  annual_revenue,
  cost_to_serve,
  satisfaction,
  repeat_rate,
  tenure_years,
  custom_processes,
  offerings_used,
  expected_score,
  experienced_score,
  frontline_engagement,
  price_sensitivity,
  revenue_growth,
  goal_attainment,
  ideas_adopted,  // numbers
  expectations,
  churn_signals,
  acquired_for,
  product_maturity,
  id,
  kUsed,
};
constexpr std::array<std::string_view, kUsed> kNames = {"annual_revenue",
                                                        "cost_to_serve",
                                                        "satisfaction",
                                                        "repeat_rate",
                                                        "tenure_years",
                                                        "custom_processes",
                                                        "offerings_used",
                                                        "expected_score",
                                                        "experienced_score",
                                                        "frontline_engagement",
                                                        "price_sensitivity",
                                                        "revenue_growth",
                                                        "goal_attainment",
                                                        "ideas_adopted",
                                                        "expectations",
                                                        "churn_signals",
                                                        "acquired_for",
                                                        "product_maturity",
                                                        "id"};
constexpr int kNumbers = expectations;

struct Customer {
  std::uint32_t present = 0;
  double n[kNumbers];
  bool on_site_staff = false, competitor_eval = false, growth = false, mature = false;
  std::string_view id;  // the raw JSON token, quotes included: written back as read
  bool has(Field f) const { return present >> f & 1; }
};

// Three-valued, as in Tenet: an absent optional field makes its comparison unknown.
enum Tri : std::uint8_t { no, yes, unknown };
struct Term {
  Tri value;
  std::string_view field;  // the field an unknown term is missing
  int schema_rank;         // Tenet lists a rule's missing fields in schema order
};
Tri cmp(const Customer& c, Field f, bool (*op)(double, double), double x) { return !c.has(f) ? unknown : op(c.n[f], x) ? yes : no; }
Tri is(bool b) { return b ? yes : no; }
bool lt(double a, double b) { return a < b; }
bool le(double a, double b) { return a <= b; }
bool gt(double a, double b) { return a > b; }
bool ge(double a, double b) { return a >= b; }

struct Rule {
  std::string_view name;
  std::string_view action;
  int priority;
  int (*when)(const Customer&, Term*);  // fills the terms of the conjunction, returns how many
};

#define TERMS(...)                             \
  [](const Customer& c, Term* t) {             \
    const Term terms[] = {__VA_ARGS__};        \
    std::memcpy(t, terms, sizeof terms);       \
    return static_cast<int>(std::size(terms)); \
  }
constexpr Rule kRules[] = {
    {"release_unprofitable", "release", 90,
     TERMS(Term{is(c.n[cost_to_serve] > c.n[annual_revenue]), {}, 0}, Term{cmp(c, tenure_years, ge, 1), {}, 0})},
    {"frontline_first", "engage_frontline", 80, TERMS(Term{cmp(c, frontline_engagement, lt, 6), "frontline_engagement", 13})},
    {"unsustainable_processes", "renegotiate", 70, TERMS(Term{cmp(c, custom_processes, gt, 3), {}, 0}, Term{is(c.on_site_staff), {}, 0})},
    {"leaving", "retention_review", 68,
     TERMS(Term{is(c.competitor_eval), {}, 0}, Term{is(c.n[annual_revenue] > c.n[cost_to_serve]), {}, 0})},
    {"satisfied_not_loyal", "elevate_experience", 60,
     TERMS(Term{cmp(c, satisfaction, ge, 7), {}, 0}, Term{cmp(c, repeat_rate, lt, 0.3), {}, 0})},
    {"not_succeeding", "success_plan", 58, TERMS(Term{cmp(c, goal_attainment, lt, 0.5), "goal_attainment", 16})},
    {"close_gap", "close_gap", 55,
     TERMS(Term{cmp(c, expected_score, ge, 8), "expected_score", 11}, Term{cmp(c, experienced_score, lt, 5), "experienced_score", 12})},
    {"wrong_customer", "reassess_fit", 50,
     TERMS(Term{c.has(acquired_for) ? is(c.growth) : unknown, "acquired_for", 9}, Term{cmp(c, custom_processes, gt, 3), {}, 0})},
    {"commodity_drift", "differentiate", 40,
     TERMS(Term{c.has(product_maturity) ? is(c.mature) : unknown, "product_maturity", 18},
           Term{cmp(c, price_sensitivity, ge, 0.6), "price_sensitivity", 14})},
    {"give_to_get", "delight", 35,
     TERMS(Term{cmp(c, tenure_years, ge, 5), {}, 0}, Term{cmp(c, repeat_rate, ge, 0.7), {}, 0}, Term{cmp(c, satisfaction, lt, 9), {}, 0})},
    {"grow_with_success", "expand_account", 28,
     TERMS(Term{cmp(c, goal_attainment, ge, 0.8), "goal_attainment", 16}, Term{cmp(c, revenue_growth, le, 0), "revenue_growth", 15})},
    {"deepen_relationship", "cross_sell", 25,
     TERMS(Term{cmp(c, offerings_used, le, 1), "offerings_used", 10}, Term{cmp(c, satisfaction, ge, 7), {}, 0})},
    {"idea_source", "co_innovate", 20, TERMS(Term{cmp(c, ideas_adopted, ge, 2), "ideas_adopted", 17})},
};
#undef TERMS
constexpr int kRuleCount = static_cast<int>(std::size(kRules));

// The output buffer: appends without bounds checks; flushed when past 1 MiB (a line is < 4 KiB).
struct Out {
  std::FILE* file;
  std::vector<char> buffer = std::vector<char>((1 << 20) + (1 << 16));
  char* at = buffer.data();
  void put(std::string_view s) {
    std::memcpy(at, s.data(), s.size());
    at += s.size();
  }
  template <std::size_t N>
  void put(const char (&s)[N]) {  // a literal: its length is known when compiled
    put(std::string_view(s, N - 1));
  }
  void maybe_flush() {
    if (at - buffer.data() < (1 << 20)) return;
    flush();
  }
  void flush() {
    std::fwrite(buffer.data(), 1, static_cast<std::size_t>(at - buffer.data()), file);
    at = buffer.data();
  }
};

bool list_contains(od::value v, std::string_view wanted) {
  bool found = false;
  for (auto item : v.get_array()) {
    od::raw_json_string s;
    if (!item.get_raw_json_string().get(s) && s.unsafe_is_equal(wanted)) found = true;
  }
  return found;
}

// A key name padded to 32 bytes, compared with the raw key in 8-byte words (simdjson's padding
// makes reading past a short key safe), the closing quote included: no call, no unescaping.
// A name too long for it never matches (and takes the slow path).
struct KeyName {
  std::uint64_t words[4] = {};
  std::uint64_t last_mask = ~0ull;
  int word_count = 0;
  explicit KeyName(std::string_view name) {
    if (name.size() > 30) return;
    char padded[32] = {};
    std::memcpy(padded, name.data(), name.size());
    padded[name.size()] = '"';
    std::memcpy(words, padded, sizeof padded);
    word_count = static_cast<int>(name.size() + 8) / 8;
    if (const std::size_t used = (name.size() + 1) % 8) last_mask = (1ull << (used * 8)) - 1;
  }
  bool equals(const char* raw) const {
    for (int i = 0; i < word_count; ++i) {
      std::uint64_t w;
      std::memcpy(&w, raw + i * 8, 8);
      if (i == word_count - 1) w &= last_mask;
      if (w != words[i]) return false;
    }
    return word_count > 0;
  }
};

// Finds a key's field, trying first the key that followed the previous key last time, then the
// one after that (the expected key may be an absent optional field): records of one export share
// a key order, so this is one or two word comparisons a key. Unused keys get indices past kUsed
// so that they predict their successors too.
struct KeyMatcher {
  std::vector<std::string> names{kNames.begin(), kNames.end()};
  std::vector<KeyName> padded;
  std::vector<int> next_guess = std::vector<int>(kUsed + 1, -1);  // by previous key + 1 (0: record start)

  KeyMatcher() {
    for (const auto& n : names) padded.emplace_back(n);
  }

  int match(od::field& f, int previous) {
    const char* raw = f.key().raw();
    const int guess = next_guess[static_cast<std::size_t>(previous + 1)];
    if (guess >= 0) {
      if (padded[static_cast<std::size_t>(guess)].equals(raw)) return guess;
      const int after = next_guess[static_cast<std::size_t>(guess + 1)];
      if (after >= 0 && padded[static_cast<std::size_t>(after)].equals(raw)) return after;
    }
    // The slow path: a new record shape.
    const std::string_view text(raw, static_cast<std::size_t>(std::strchr(raw, '"') - raw));
    int index = 0;
    while (index < static_cast<int>(names.size()) && names[static_cast<std::size_t>(index)] != text) ++index;
    if (index == static_cast<int>(names.size())) {
      names.emplace_back(text);
      padded.emplace_back(text);
      next_guess.push_back(-1);
    }
    next_guess[static_cast<std::size_t>(previous + 1)] = index;
    return index;
  }
};

bool read_customer(od::document_reference doc, Customer& c, KeyMatcher& keys) {
  c.present = 0;
  od::object object;
  if (doc.get_object().get(object)) return false;
  int previous = -1;
  for (auto field_result : object) {
    od::field field;
    if (std::move(field_result).get(field)) return false;
    const int f = previous = keys.match(field, previous);
    if (f >= kUsed) continue;  // a key no rule reads: simdjson skips its value
    od::value v = field.value();
    if (f < kNumbers) {
      if (v.get_double().get(c.n[f])) continue;  // null or not a number: absent
    } else if (f == expectations) {
      c.on_site_staff = list_contains(v, "on_site_staff");
    } else if (f == churn_signals) {
      c.competitor_eval = list_contains(v, "competitor_eval");
    } else if (f == acquired_for || f == product_maturity) {
      od::raw_json_string s;
      if (v.get_raw_json_string().get(s)) continue;
      (f == acquired_for ? c.growth : c.mature) = s.unsafe_is_equal(f == acquired_for ? "growth" : "mature");
    } else if (f == id) {
      c.id = v.raw_json_token();
      while (!c.id.empty() && c.id.back() != '"') c.id.remove_suffix(1);  // the token keeps trailing blanks
    }
    c.present |= 1u << f;
  }
  return c.has(id);
}

// GCC cannot see that a row is read only as far as its rule wrote it.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
void decide(const Customer& c, Out& out, std::uint64_t* tally, bool first_line, std::string_view policy_json) {
  Tri status[kRuleCount];
  Term terms[kRuleCount][3];  // only the first term_count[r] of a row are written and read
  int term_count[kRuleCount];
  int chosen = -1;
  // Each condition called through a constant: inlined, no indirect call.
  [&]<std::size_t... R>(std::index_sequence<R...>) { ((term_count[R] = kRules[R].when(c, terms[R])), ...); }
  (std::make_index_sequence<kRuleCount>{});
  for (int r = 0; r < kRuleCount; ++r) {
    const int n = term_count[r];
    Tri s = yes;
    for (int i = 0; i < n; ++i) {
      if (terms[r][i].value == no) s = no;
      else if (terms[r][i].value == unknown && s == yes) s = unknown;
    }
    status[r] = s;
    if (s == yes && (chosen < 0 || kRules[r].priority > kRules[chosen].priority)) chosen = r;
  }
  const std::string_view action = chosen < 0 ? "keep" : kRules[chosen].action;
  ++tally[chosen + 1];
  out.put("{\"id\":");
  out.put(c.id);
  out.put(",\"decision\":\"");
  out.put(action);
  out.put("\",\"chosen\":");
  if (chosen < 0) {
    out.put("null");
  } else {
    out.put("\"");
    out.put(kRules[chosen].name);
    out.put("\"");
  }
  out.put(",\"fired\":[");
  bool first = true;
  for (int r = 0; r < kRuleCount; ++r) {
    if (status[r] != yes) continue;
    if (!first) out.put(",");
    first = false;
    out.put("\"");
    out.put(kRules[r].name);
    out.put("\"");
  }
  out.put("],\"flags\":[]");
  bool provisional = false, any_unknown = false;
  for (int r = 0; r < kRuleCount; ++r) {
    if (status[r] != unknown) continue;
    out.put(any_unknown ? "," : ",\"unknown\":[");
    any_unknown = true;
    out.put("{\"rule\":\"");
    out.put(kRules[r].name);
    out.put("\",\"missing\":[");
    const Term* missing[3];
    int m = 0;
    for (int i = 0; i < term_count[r]; ++i)
      if (terms[r][i].value == unknown) missing[m++] = &terms[r][i];
    if (m == 2 && missing[0]->schema_rank > missing[1]->schema_rank) std::swap(missing[0], missing[1]);
    for (int i = 0; i < m; ++i) {
      out.put(i ? ",\"" : "\"");
      out.put(missing[i]->field);
      out.put("\"");
    }
    out.put("]}");
    // Priority hit policy: an unknown rule ranked above the chosen one could have won.
    if (chosen < 0 || kRules[r].priority > kRules[chosen].priority) provisional = true;
  }
  if (any_unknown) out.put("]");
  if (provisional) out.put(",\"provisional\":true");
  if (first_line) {
    out.put(",");
    out.put(policy_json);
  }
  out.put("}\n");
  out.maybe_flush();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: bench_floor PORTFOLIO.jsonl OUT.jsonl POLICY_JSON\n");
    return 2;
  }
  std::FILE* in = std::fopen(argv[1], "rb");
  Out out{std::fopen(argv[2], "wb")};
  if (!in || !out.file) {
    std::fprintf(stderr, "bench_floor: cannot open %s or %s\n", argv[1], argv[2]);
    return 2;
  }
  const std::string_view policy_json = argv[3];
  constexpr std::size_t kRead = 16 << 20;
  std::vector<char> block(kRead + simdjson::SIMDJSON_PADDING);
  std::size_t carried = 0;
  od::parser parser;
  KeyMatcher keys;
  Customer c;
  std::uint64_t tally[kRuleCount + 1] = {};
  std::uint64_t records = 0, skipped = 0;
  while (true) {
    const std::size_t n = std::fread(block.data() + carried, 1, kRead - carried, in);
    const std::size_t filled = carried + n;
    const bool eof = n == 0 || filled < kRead;
    std::size_t cut = filled;
    if (!eof) {
      while (cut > 0 && block[cut - 1] != '\n') --cut;
    }
    od::document_stream stream;
    if (parser.iterate_many(block.data(), cut, 1 << 20).get(stream)) return 1;
    for (auto doc : stream) {
      od::document_reference ref;
      if (std::move(doc).get(ref) || !read_customer(ref, c, keys)) {
        ++skipped;
        continue;
      }
      decide(c, out, tally, records == 0, policy_json);
      ++records;
    }
    carried = filled - cut;
    std::memmove(block.data(), block.data() + cut, carried);
    if (eof) break;
  }
  out.flush();
  std::fclose(in);
  std::fclose(out.file);
  std::map<std::string_view, std::uint64_t> decisions;
  for (int r = -1; r < kRuleCount; ++r)
    if (tally[r + 1]) decisions[r < 0 ? "keep" : kRules[r].action] += tally[r + 1];
  std::printf("{\"decisions\":{");
  const char* comma = "";  // NOLINT
  for (const auto& [k, v] : decisions) {
    std::printf("%s\"%.*s\":%llu", comma, static_cast<int>(k.size()), k.data(), static_cast<unsigned long long>(v));
    comma = ",";
  }
  std::printf("},\"records\":%llu,\"skipped\":%llu}\n", static_cast<unsigned long long>(records), static_cast<unsigned long long>(skipped));
  return 0;
}
