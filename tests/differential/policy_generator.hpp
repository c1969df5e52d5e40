// Generates a type-correct policy and a few records from a byte string, for the
// differential test: every choice comes from ByteSource, so a fuzzer explores policies.
//
// The schema is fixed (fields of every type, all but `id` and `n1` optional); params, lets,
// rules (with fired()/flagged() on earlier rules), `because` holes and the hit policy vary.
#pragma once

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "tests/differential/byte_source.hpp"

namespace tenet::core::testing {

// Types the generator tracks: scalars and collections of strings or numbers.
enum class GenType { number, string, boolean, list_string, set_string, list_number, set_number, date };

// A field value as the generator wrote it into a record, for the reference interpreter.
struct GenValue {
  enum class Kind { null, number, string, boolean, array } kind = Kind::null;
  std::string text;  // a number's JSON text, a string's content, "true"/"false"
  std::vector<GenValue> items;
};
using GenRecord = std::vector<std::pair<std::string, GenValue>>;  // absent fields are left out

struct GeneratedCase {
  std::string policy;             // policy text
  std::string records;            // JSON lines
  std::vector<GenRecord> values;  // the same records, field by field
};

class PolicyGenerator {
 public:
  explicit PolicyGenerator(ByteSource& in) : in_(in) {}

  GeneratedCase generate() {
    GeneratedCase out;
    out.policy =
        "policy gen \"Generated\" version \"1\"\n"
        "schema s {\n  id: string key\n  n1: number\n  n2: number optional\n  n3: number optional\n"
        "  s1: string optional\n  b1: bool optional\n  ls: list<string> optional\n"
        "  ss: set<string> optional\n  ln: list<number> optional\n  sn: set<number> optional\n"
        "  d1: date optional\n  d2: date optional\n}\n";
    names_ = {{"n1", GenType::number},     {"n2", GenType::number},      {"n3", GenType::number},     {"s1", GenType::string},
              {"b1", GenType::boolean},    {"ls", GenType::list_string}, {"ss", GenType::set_string}, {"ln", GenType::list_number},
              {"sn", GenType::set_number}, {"d1", GenType::date},        {"d2", GenType::date}};
    const std::uint32_t params = in_.below(3);
    for (std::uint32_t i = 0; i < params; ++i) {
      const GenType t = in_.below(3) == 0 ? GenType::date : in_.coin() ? GenType::number : GenType::set_string;
      const std::string name = "p" + std::to_string(i);
      out.policy += "param " + name + ": " + type_text(t) + " = " + literal(t) + "\n";
      names_.push_back({name, t});
    }
    const std::uint32_t lets = in_.below(5);
    for (std::uint32_t i = 0; i < lets; ++i) {
      const GenType t = any_type();
      const std::string name = "l" + std::to_string(i);
      out.policy += "let " + name + " = " + expr(t, 0) + "\n";
      names_.push_back({name, t});  // later lets may use it
    }
    const std::uint32_t rules = 1 + in_.below(6);
    for (std::uint32_t i = 0; i < rules; ++i) {
      const std::string name = "r" + std::to_string(i);
      // The action first: a flag that an earlier rule already tested with flagged() is
      // closed (setting it now would make a cycle), so this rule gets a flag of its own.
      own_flag_.clear();
      const bool flags = in_.below(4) == 0;
      if (flags) {
        own_flag_ = "f" + std::to_string(in_.below(3));
        if (closed_.count(own_flag_)) own_flag_ = "g" + std::to_string(i);
      }
      out.policy += "rule " + name + " {\n  when " + expr(GenType::boolean, 0) + "\n";
      if (flags) {
        out.policy += "  then flag " + own_flag_ + "\n";
      } else {
        out.policy += "  then recommend a" + std::to_string(in_.below(4));
        const int priority = static_cast<int>(in_.below(7)) - 3;
        if (in_.coin()) out.policy += " priority " + std::to_string(priority);
        out.policy += "\n";
      }
      if (in_.coin()) {
        out.policy += "  because \"rule " + name + ":";
        const std::uint32_t holes = in_.below(4);
        for (std::uint32_t h = 0; h < holes; ++h) out.policy += " {" + expr(any_type(), 1) + "} \\{x\\}";
        out.policy += "\"\n";
      }
      out.policy += "}\n";
      rules_.push_back(name);
      if (flags && std::find(flags_.begin(), flags_.end(), own_flag_) == flags_.end()) flags_.push_back(own_flag_);
    }
    static const char* const kHits[] = {"priority", "first", "collect"};
    out.policy += std::string("decision d {\n  hit ") + kHits[in_.below(3)] + "\n  default keep\n}\n";

    const std::uint32_t records = 1 + in_.below(4);
    for (std::uint32_t i = 0; i < records; ++i) {
      out.values.push_back(record(i));
      out.records += json_line(out.values.back());
    }
    return out;
  }

 private:
  struct Named {
    std::string name;
    GenType type;
  };

  static std::string type_text(GenType t) {
    switch (t) {
      case GenType::number: return "number";
      case GenType::string: return "string";
      case GenType::boolean: return "bool";
      case GenType::list_string: return "list<string>";
      case GenType::set_string: return "set<string>";
      case GenType::list_number: return "list<number>";
      case GenType::set_number: return "set<number>";
      case GenType::date: return "date";
    }
    return "number";
  }
  static bool is_collection(GenType t) {
    return t != GenType::number && t != GenType::string && t != GenType::boolean && t != GenType::date;
  }
  static bool of_numbers(GenType t) { return t == GenType::list_number || t == GenType::set_number; }
  static bool is_set(GenType t) { return t == GenType::set_string || t == GenType::set_number; }
  static GenType collection(bool numbers, bool set) {
    return numbers ? (set ? GenType::set_number : GenType::list_number) : (set ? GenType::set_string : GenType::list_string);
  }

  GenType any_type() { return static_cast<GenType>(in_.below(8)); }

  std::string pick(const std::vector<std::string>& pool) { return pool[in_.below(static_cast<std::uint32_t>(pool.size()))]; }

  // Numbers that meet the edges: ties, long fractions, the exponent range, 18 digits.
  std::string number_text() {
    return pick({"0",
                 "1",
                 "-1",
                 "2.2",
                 "1.5",
                 "0.7",
                 "0.1",
                 "3",
                 "100",
                 "-0",
                 "2.20",
                 "1e300",
                 "-1e-300",
                 "999999999999999999",
                 "0.333333333333333333",
                 "12.5",
                 "1e-7",
                 "1e21",
                 "-2.5",
                 "7"});
  }
  // Days that meet the edges: the epoch and the day before, leap days, the first and last year.
  std::string date_text() {
    return pick({"1970-01-01", "1969-12-31", "2024-02-29", "2000-02-29", "1900-03-01", "2026-11-28", "0001-01-01", "9999-12-31"});
  }
  std::string string_text() { return pick({"\"a\"", "\"B\"", "\"vip\"", "\"\"", "\"a b\"", "\"Ab\"", "\" a \"", "\"é\""}); }

  std::string literal(GenType t) {
    switch (t) {
      case GenType::number: return number_text();
      case GenType::string: return string_text();
      case GenType::boolean: return in_.coin() ? "true" : "false";
      case GenType::date: return "date(\"" + date_text() + "\")";
      default: {
        std::string text = is_set(t) ? "{" : "[";
        const std::uint32_t n = in_.below(4);
        for (std::uint32_t i = 0; i < n; ++i) text += (i ? ", " : "") + (of_numbers(t) ? number_text() : string_text());
        // An empty literal has no element type; give it one it can take (checked as `empty`).
        return text + (is_set(t) ? "}" : "]");
      }
    }
  }

  // A field, param or let of type t, if there is one.
  std::string name_of(GenType t) {
    std::vector<std::string> matches;
    for (const auto& n : names_)
      if (n.type == t) matches.push_back(n.name);
    return matches.empty() ? literal(t) : pick(matches);
  }

  std::string expr(GenType t, int depth) {
    if (depth >= 4) return in_.coin() ? name_of(t) : literal(t);
    const int d = depth + 1;
    switch (t) {
      case GenType::number:
        switch (in_.below(16)) {
          case 0: return literal(t);
          case 1:
          case 2: return name_of(t);
          case 3: return "(" + expr(t, d) + " + " + expr(t, d) + ")";
          case 4: return "(" + expr(t, d) + " - " + expr(t, d) + ")";
          case 5: return "(" + expr(t, d) + " * " + expr(t, d) + ")";
          case 6: return "(" + expr(t, d) + " / " + expr(t, d) + ")";
          case 7: return "-" + expr(t, d);
          case 8:
            return std::string(in_.coin() ? "min(" : "max(") + expr(t, d) + ", " + expr(t, d) +
                   (in_.coin() ? ", " + expr(t, d) : std::string()) + ")";
          case 9: return "abs(" + expr(t, d) + ")";
          case 10: return "round(" + expr(t, d) + ", " + (in_.coin() ? pick({"0", "1", "2", "-1", "0.5", "301"}) : expr(t, d)) + ")";
          case 11: return "coalesce(" + expr(t, d) + ", " + expr(t, d) + ")";
          case 12: return std::string(in_.coin() ? "floor(" : "ceil(") + expr(t, d) + ")";
          case 13: return "length(" + expr(GenType::string, d) + ")";
          case 14:
            return in_.coin() ? "days_between(" + expr(GenType::date, d) + ", " + expr(GenType::date, d) + ")"
                              : "mod(" + expr(t, d) + ", " + expr(t, d) + ")";
          default: return "count(" + expr(collection(in_.coin(), in_.coin()), d) + ")";
        }
      case GenType::string:
        switch (in_.below(6)) {
          case 0: return literal(t);
          case 1: return name_of(t);
          case 2: return "lower(" + expr(t, d) + ")";
          case 3: return "upper(" + expr(t, d) + ")";
          case 4: return "trim(" + expr(t, d) + ")";
          default: return "coalesce(" + expr(t, d) + ", " + expr(t, d) + ")";
        }
      case GenType::date:
        switch (in_.below(4)) {
          case 0: return literal(t);
          case 1:
          case 2: return name_of(t);
          default: return "coalesce(" + expr(t, d) + ", " + expr(t, d) + ")";
        }
      case GenType::boolean:
        switch (in_.below(19)) {
          case 0: return literal(t);
          case 1: return name_of(t);
          case 2: return "(" + expr(t, d) + " and " + expr(t, d) + ")";
          case 3: return "(" + expr(t, d) + " or " + expr(t, d) + ")";
          case 4: return "(not " + expr(t, d) + ")";
          case 5:
          case 6:
            return "(" + expr(GenType::number, d) + pick({" < ", " <= ", " > ", " >= ", " == ", " != "}) + expr(GenType::number, d) + ")";
          case 7: {
            const GenType u = any_type();
            return "(" + expr(u, d) + (in_.coin() ? " == " : " != ") + expr(u, d) + ")";
          }
          case 8: return "(" + expr(GenType::number, d) + " between " + expr(GenType::number, d) + " and " + expr(GenType::number, d) + ")";
          case 9: return "(" + expr(any_type(), d) + (in_.coin() ? " is missing" : " is present") + ")";
          case 10: {
            const bool numbers = in_.coin();
            return "(" + expr(numbers ? GenType::number : GenType::string, d) + (in_.coin() ? " in " : " not in ") +
                   expr(collection(numbers, in_.coin()), d) + ")";
          }
          case 11: return "any(" + expr(collection(in_.coin(), in_.coin()), d) + ")";
          case 12: {
            if (in_.coin()) return "contains(" + expr(GenType::string, d) + ", " + expr(GenType::string, d) + ")";
            const bool numbers = in_.coin();
            return "contains(" + expr(collection(numbers, in_.coin()), d) + ", " + expr(numbers ? GenType::number : GenType::string, d) +
                   ")";
          }
          case 13: return rules_.empty() ? literal(t) : "fired(" + pick(rules_) + ")";
          case 14: {
            std::vector<std::string> usable;  // set by earlier rules, and not by this one
            for (const auto& f : flags_)
              if (f != own_flag_) usable.push_back(f);
            if (usable.empty()) return literal(t);
            const std::string flag = pick(usable);
            closed_.insert(flag);
            return "flagged(" + flag + ")";
          }
          case 15:
            return std::string(in_.coin() ? "starts_with(" : "ends_with(") + expr(GenType::string, d) + ", " + expr(GenType::string, d) +
                   ")";
          case 16:
            return "(" + expr(GenType::date, d) + pick({" < ", " <= ", " > ", " >= ", " == ", " != "}) + expr(GenType::date, d) + ")";
          case 17: return "(" + expr(GenType::date, d) + " between " + expr(GenType::date, d) + " and " + expr(GenType::date, d) + ")";
          default: return "coalesce(" + expr(t, d) + ", " + expr(t, d) + ")";
        }
      default: {
        const bool numbers = of_numbers(t), set = is_set(t);
        switch (in_.below(6)) {
          case 0: return literal(t);
          case 1:
          case 2: return name_of(t);
          // A - B and A & B keep A's kind whatever B's; A | B is a set only when both are.
          case 3: return "(" + expr(t, d) + " - " + expr(collection(numbers, in_.coin()), d) + ")";
          case 4: return "(" + expr(t, d) + " & " + expr(collection(numbers, in_.coin()), d) + ")";
          default: {
            if (set) return "(" + expr(t, d) + " | " + expr(t, d) + ")";
            return in_.coin() ? "(" + expr(t, d) + " | " + expr(collection(numbers, in_.coin()), d) + ")"
                              : "(" + expr(collection(numbers, true), d) + " | " + expr(t, d) + ")";
          }
        }
      }
    }
  }

  GenValue value_of(GenType t) {
    GenValue v;
    switch (t) {
      case GenType::number:
        v.kind = GenValue::Kind::number;
        v.text = number_text();
        break;
      case GenType::string: {
        v.kind = GenValue::Kind::string;
        const std::string quoted = string_text();
        v.text = quoted.substr(1, quoted.size() - 2);  // the pool has no escapes
        break;
      }
      case GenType::boolean:
        v.kind = GenValue::Kind::boolean;
        v.text = in_.coin() ? "true" : "false";
        break;
      case GenType::date:
        v.kind = GenValue::Kind::string;
        v.text = date_text();
        break;
      default: {
        v.kind = GenValue::Kind::array;
        const std::uint32_t n = in_.below(4);
        for (std::uint32_t i = 0; i < n; ++i) v.items.push_back(value_of(of_numbers(t) ? GenType::number : GenType::string));
      }
    }
    return v;
  }

  // One record: `id` and `n1` always, other fields present, null or absent.
  GenRecord record(std::uint32_t index) {
    GenRecord r;
    GenValue id;
    id.kind = GenValue::Kind::string;
    id.text = "r" + std::to_string(index);
    r.emplace_back("id", id);
    r.emplace_back("n1", value_of(GenType::number));
    for (const auto& [name, type] : std::vector<Named>(names_.begin() + 1, names_.begin() + 11)) {
      const std::uint32_t how = in_.below(4);  // 0 absent, 1 null, 2-3 a value
      if (how == 0) continue;
      r.emplace_back(name, how == 1 ? GenValue{} : value_of(type));
    }
    return r;
  }

  static void append_json(std::string& out, const GenValue& v) {
    switch (v.kind) {
      case GenValue::Kind::null: out += "null"; break;
      case GenValue::Kind::string: out += '"' + v.text + '"'; break;
      case GenValue::Kind::array:
        out += '[';
        for (std::size_t i = 0; i < v.items.size(); ++i) {
          if (i) out += ',';
          append_json(out, v.items[i]);
        }
        out += ']';
        break;
      default: out += v.text;
    }
  }

  static std::string json_line(const GenRecord& r) {
    std::string line = "{";
    for (std::size_t i = 0; i < r.size(); ++i) {
      if (i) line += ',';
      line += '"' + r[i].first + "\":";
      append_json(line, r[i].second);
    }
    return line + "}\n";
  }

  ByteSource& in_;
  std::vector<Named> names_;
  std::vector<std::string> rules_;
  std::vector<std::string> flags_;  // set by the rules generated so far
  std::set<std::string> closed_;    // tested by flagged(): no later rule may set them
  std::string own_flag_;            // the flag the rule being generated sets, if any
};

}  // namespace tenet::core::testing
