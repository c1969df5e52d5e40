// A plain tree-walking interpreter over the checked AST, written from docs/language.md for
// tests only: the oracle the compiled program is compared with (tests/differential).
//
// It shares nothing with engine/ but the Decimal type: names are looked up by their text,
// lets and rule conditions are computed on demand and memoised (so the compiled program's
// dependency order is checked too), sets are sorted vectors, and decisions are made from
// the statuses with the hit policy as the language reference words it.
#pragma once

#include <algorithm>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "dsl/ast.hpp"
#include "dsl/base/decimal.hpp"
#include "tests/differential/policy_generator.hpp"

namespace tenet::core::testing {

// Dates, counted the slow way (a year, then a month at a time), not with the engine's
// closed-form conversions: days since 1970-01-01, and back to YYYY-MM-DD.
inline bool ref_leap(long y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }
inline long ref_month_days(long y, long m) {
  static const long kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && ref_leap(y) ? 29 : kDays[m - 1];
}
inline long ref_days(const std::string& iso) {  // the generator writes only valid dates
  const long y = std::stol(iso.substr(0, 4)), m = std::stol(iso.substr(5, 2)), d = std::stol(iso.substr(8, 2));
  long days = 0;
  for (long year = 1970; year < y; ++year) days += ref_leap(year) ? 366 : 365;
  for (long year = y; year < 1970; ++year) days -= ref_leap(year) ? 366 : 365;
  for (long month = 1; month < m; ++month) days += ref_month_days(y, month);
  return days + d - 1;
}
inline std::string ref_date_text(long days) {
  long y = 1970;
  while (days < 0) days += ref_leap(--y) ? 366 : 365;
  while (days >= (ref_leap(y) ? 366 : 365)) days -= ref_leap(y++) ? 366 : 365;
  long m = 1;
  while (days >= ref_month_days(y, m)) days -= ref_month_days(y, m++);
  char out[64];
  std::snprintf(out, sizeof out, "%04ld-%02ld-%02ld", y, m, days + 1);
  return out;
}

struct RefValue {
  enum class Kind { unknown, boolean, number, string, list, date } kind = Kind::unknown;
  bool boolean = false;
  Decimal number;
  std::string text;
  std::vector<RefValue> items;
  std::string reason;  // why it is unknown

  static RefValue unknown(std::string why) {
    RefValue v;
    v.reason = std::move(why);
    return v;
  }
  static RefValue of(bool b) {
    RefValue v;
    v.kind = Kind::boolean;
    v.boolean = b;
    return v;
  }
  static RefValue of(Decimal d) {
    RefValue v;
    v.kind = Kind::number;
    v.number = d;
    return v;
  }
  static RefValue of(std::string s) {
    RefValue v;
    v.kind = Kind::string;
    v.text = std::move(s);
    return v;
  }
  static RefValue date(long days) {
    RefValue v;
    v.kind = Kind::date;
    v.number = Decimal::from_int(days);
    return v;
  }
  bool is_unknown() const { return kind == Kind::unknown; }
  bool is_true() const { return kind == Kind::boolean && boolean; }
  bool is_false() const { return kind == Kind::boolean && !boolean; }
};

inline bool ref_equal(const RefValue& a, const RefValue& b) {
  if (a.kind != b.kind) return false;
  switch (a.kind) {
    case RefValue::Kind::unknown: return true;
    case RefValue::Kind::boolean: return a.boolean == b.boolean;
    case RefValue::Kind::number:
    case RefValue::Kind::date: return a.number.compare(b.number) == 0;
    case RefValue::Kind::string: return a.text == b.text;
    case RefValue::Kind::list:
      return a.items.size() == b.items.size() && std::equal(a.items.begin(), a.items.end(), b.items.begin(), ref_equal);
  }
  return false;
}

inline bool ref_less(const RefValue& a, const RefValue& b) {
  if (a.kind == RefValue::Kind::number && b.kind == RefValue::Kind::number) return a.number.compare(b.number) < 0;
  return a.text < b.text;
}

inline bool ref_member(const RefValue& collection, const RefValue& x) {
  return std::any_of(collection.items.begin(), collection.items.end(), [&](const RefValue& y) { return ref_equal(x, y); });
}

// A set: sorted, each element once.
inline RefValue as_set(RefValue v) {
  std::sort(v.items.begin(), v.items.end(), ref_less);
  v.items.erase(std::unique(v.items.begin(), v.items.end(), ref_equal), v.items.end());
  return v;
}

// How a value reads in a `because` text.
inline void ref_readable(std::string& out, const RefValue& v) {
  switch (v.kind) {
    case RefValue::Kind::unknown: out += "unknown"; return;
    case RefValue::Kind::boolean: out += v.boolean ? "true" : "false"; return;
    case RefValue::Kind::number: out += v.number.to_string(); return;
    case RefValue::Kind::string: out += v.text; return;
    case RefValue::Kind::date: out += ref_date_text(static_cast<long>(*v.number.to_integer())); return;
    case RefValue::Kind::list:
      if (v.items.empty()) out += "(none)";
      for (std::size_t i = 0; i < v.items.size(); ++i) {
        if (i) out += ", ";
        ref_readable(out, v.items[i]);
      }
  }
}

// What the reference decides for one record.
struct RefDecision {
  std::vector<std::string> actions;
  struct Rec {
    std::size_t rule;
    std::string action;
    bool chosen;
    long overridden_by;  // -1 when chosen
    std::string because;
  };
  std::vector<Rec> recommendations;
  std::vector<std::string> flags;
  std::vector<std::string> statuses;  // fired / not_fired / unknown
  bool provisional = false;
};

class ReferenceInterpreter {
 public:
  ReferenceInterpreter(const ast::Module& module, const GenRecord& record) : m_(module) {
    for (const auto& f : m_.schemas.front().fields) {
      auto it = std::find_if(record.begin(), record.end(), [&](const auto& kv) { return kv.first == f.name.text; });
      RefValue v = RefValue::unknown(f.name.text + " is missing");
      if (it != record.end() && it->second.kind != GenValue::Kind::null) v = from_record(it->second, f.type);
      names_[f.name.text] = v;
    }
    for (const auto& p : m_.params) names_[p.name.text] = eval(*p.value);
    for (const auto& l : m_.lets) lets_[l.name.text] = &l;
  }

  RefValue eval(const ast::Expr& e) {
    auto memo = memo_.find(&e);
    if (memo != memo_.end()) return memo->second;
    RefValue v = compute(e);
    memo_[&e] = v;
    return v;
  }

  RefValue condition(std::size_t rule) { return eval(*m_.rules[rule].when); }

  RefDecision decide(ast::HitPolicy hit) {
    RefDecision d;
    for (std::size_t i = 0; i < m_.rules.size(); ++i) {
      const RefValue c = condition(i);
      d.statuses.push_back(c.is_true() ? "fired" : c.is_unknown() ? "unknown" : "not_fired");
      const auto& rule = m_.rules[i];
      if (!c.is_true()) continue;
      if (rule.then->kind == ast::ActionClause::Kind::flag) {
        if (std::find(d.flags.begin(), d.flags.end(), rule.then->name.text) == d.flags.end()) d.flags.push_back(rule.then->name.text);
      } else {
        d.recommendations.push_back({i, rule.then->name.text, false, -1, because(i)});
      }
    }
    // Flags are listed in the order their first `then flag` is declared.
    std::vector<std::string> declared;
    for (const auto& r : m_.rules)
      if (r.then->kind == ast::ActionClause::Kind::flag && std::find(declared.begin(), declared.end(), r.then->name.text) == declared.end())
        declared.push_back(r.then->name.text);
    std::vector<std::string> flags;
    for (const auto& f : declared)
      if (std::find(d.flags.begin(), d.flags.end(), f) != d.flags.end()) flags.push_back(f);
    d.flags = flags;

    auto& recs = d.recommendations;
    if (hit != ast::HitPolicy::first) {
      std::stable_sort(recs.begin(), recs.end(),
                       [&](const auto& a, const auto& b) { return m_.rules[a.rule].then->priority > m_.rules[b.rule].then->priority; });
    }
    if (recs.empty()) {
      d.actions.push_back(m_.decisions.front().default_action->text);
    } else if (hit == ast::HitPolicy::collect) {
      for (auto& r : recs) {
        r.chosen = true;
        d.actions.push_back(r.action);
      }
    } else {
      recs.front().chosen = true;
      d.actions.push_back(recs.front().action);
      for (std::size_t i = 1; i < recs.size(); ++i) recs[i].overridden_by = static_cast<long>(recs.front().rule);
    }
    // Provisional, as the language reference words it: an unknown recommending rule that
    // could have been chosen instead.
    for (std::size_t u = 0; u < m_.rules.size(); ++u) {
      if (d.statuses[u] != "unknown" || m_.rules[u].then->kind != ast::ActionClause::Kind::recommend) continue;
      if (hit == ast::HitPolicy::collect || recs.empty()) d.provisional = true;
      else if (hit == ast::HitPolicy::first) d.provisional = d.provisional || u < recs.front().rule;
      else {
        const auto pu = m_.rules[u].then->priority, pc = m_.rules[recs.front().rule].then->priority;
        d.provisional = d.provisional || pu > pc || (pu == pc && u < recs.front().rule);
      }
    }
    return d;
  }

  std::string because(std::size_t rule) {
    std::string out;
    if (!m_.rules[rule].because) return out;
    for (const auto& part : m_.rules[rule].because->parts) {
      if (part.expr) ref_readable(out, eval(*part.expr));
      else out += part.text;
    }
    return out;
  }

 private:
  static RefValue from_record(const GenValue& g, Type type) {
    switch (g.kind) {
      case GenValue::Kind::number: return RefValue::of(*Decimal::parse(g.text));
      case GenValue::Kind::string: return type.kind == TypeKind::date ? RefValue::date(ref_days(g.text)) : RefValue::of(g.text);
      case GenValue::Kind::boolean: return RefValue::of(g.text == "true");
      case GenValue::Kind::array: {
        RefValue v;
        v.kind = RefValue::Kind::list;
        for (const auto& item : g.items) v.items.push_back(from_record(item, Type::of(type.element)));
        return type.kind == TypeKind::set ? as_set(v) : v;
      }
      default: return RefValue::unknown("null");
    }
  }

  static RefValue arithmetic(const Decimal::Result& r) {
    if (r.status == DecimalStatus::division_by_zero) return RefValue::unknown("division by zero");
    if (r.status == DecimalStatus::overflow) return RefValue::unknown("overflow");
    return RefValue::of(r.value);
  }

  // Whether an expression's value is a set: set literals and fields, and set operations
  // whose left side is a set (`|` only when both are).
  bool is_set(const ast::Expr& e) {
    using ast::ExprKind;
    switch (e.kind) {
      case ExprKind::collection: return e.is_set;
      case ExprKind::name: {
        for (const auto& f : m_.schemas.front().fields)
          if (f.name.text == e.name) return f.type.kind == TypeKind::set;
        for (const auto& p : m_.params)
          if (p.name.text == e.name) return p.type.kind == TypeKind::set;
        return is_set(*lets_.at(e.name)->value);
      }
      case ExprKind::binary:
        if (e.op == ast::Op::unite) return is_set(*e.operands[0]) && is_set(*e.operands[1]);
        return is_set(*e.operands[0]);
      case ExprKind::call: return e.name == "coalesce" && is_set(*e.operands[0]);
      default: return false;
    }
  }

  RefValue compute(const ast::Expr& e) {
    using ast::ExprKind;
    using ast::Op;
    switch (e.kind) {
      case ExprKind::number: return RefValue::of(e.number);
      case ExprKind::string: return RefValue::of(e.string_value);
      case ExprKind::boolean: return RefValue::of(e.boolean);
      case ExprKind::collection: {
        RefValue v;
        v.kind = RefValue::Kind::list;
        for (const auto& item : e.operands) v.items.push_back(eval(*item));
        return e.is_set ? as_set(v) : v;
      }
      case ExprKind::name: {
        auto let = lets_.find(e.name);
        if (let != lets_.end()) return eval(*let->second->value);
        return names_.at(e.name);
      }
      case ExprKind::presence: {
        const bool missing = eval(*e.operands[0]).is_unknown();
        return RefValue::of(e.tests_missing ? missing : !missing);
      }
      case ExprKind::call:
        if (e.name == "fired") {
          const std::size_t rule = rule_index(e.operands[0]->name);
          const RefValue c = condition(rule);
          return c.is_unknown() ? RefValue::unknown("rule " + m_.rules[rule].name.text + " is unknown") : RefValue::of(c.is_true());
        }
        if (e.name == "flagged") {
          // Kleene `or` over the rules that flag it; unknown names the first unknown one.
          std::string first_unknown;
          for (std::size_t i : setters(e.operands[0]->name)) {
            const RefValue c = condition(i);
            if (c.is_true()) return RefValue::of(true);
            if (c.is_unknown() && first_unknown.empty()) first_unknown = "rule " + m_.rules[i].name.text + " is unknown";
          }
          return first_unknown.empty() ? RefValue::of(false) : RefValue::unknown(first_unknown);
        }
        if (e.name == "coalesce") {
          const RefValue x = eval(*e.operands[0]);
          return x.is_unknown() ? eval(*e.operands[1]) : x;
        }
        break;
      case ExprKind::binary:
        if (e.op == Op::logical_and || e.op == Op::logical_or) {
          const RefValue a = eval(*e.operands[0]), b = eval(*e.operands[1]);
          const bool decisive = e.op == Op::logical_and ? false : true;  // false decides `and`, true `or`
          if ((a.kind == RefValue::Kind::boolean && a.boolean == decisive) || (b.kind == RefValue::Kind::boolean && b.boolean == decisive))
            return RefValue::of(decisive);
          if (a.is_unknown()) return a;
          if (b.is_unknown()) return b;
          return RefValue::of(!decisive);
        }
        break;
      default: break;
    }
    // Everything else is strict: the first unknown operand makes the result unknown.
    std::vector<RefValue> args;
    for (const auto& operand : e.operands) {
      args.push_back(eval(*operand));
      if (args.back().is_unknown()) return args.back();
    }
    if (e.kind == ExprKind::unary) {
      return e.op == Op::negate ? RefValue::of(args[0].number.negate()) : RefValue::of(!args[0].boolean);
    }
    if (e.kind == ExprKind::between) {
      return RefValue::of(args[1].number.compare(args[0].number) <= 0 && args[0].number.compare(args[2].number) <= 0);
    }
    if (e.kind == ExprKind::call) return call(e.name, args);
    const RefValue& a = args[0];
    const RefValue& b = args[1];
    switch (e.op) {
      case Op::add: return arithmetic(a.number.add(b.number));
      case Op::mul: return arithmetic(a.number.mul(b.number));
      case Op::div: return arithmetic(a.number.div_wide(b.number));  // the 128-bit reference the engine's 64-bit div() must equal
      case Op::sub:
        if (a.kind == RefValue::Kind::number) return arithmetic(a.number.sub(b.number));
        [[fallthrough]];
      case Op::intersect: {
        RefValue v;
        v.kind = RefValue::Kind::list;
        for (const auto& x : a.items)
          if (ref_member(b, x) == (e.op == Op::intersect)) v.items.push_back(x);
        return v;
      }
      case Op::unite: {
        RefValue v = a;
        for (const auto& y : b.items)
          if (!ref_member(a, y)) v.items.push_back(y);
        return is_set(e) ? as_set(v) : v;
      }
      case Op::eq: return RefValue::of(ref_equal(a, b));
      case Op::ne: return RefValue::of(!ref_equal(a, b));
      case Op::lt: return RefValue::of(a.number.compare(b.number) < 0);
      case Op::le: return RefValue::of(a.number.compare(b.number) <= 0);
      case Op::gt: return RefValue::of(a.number.compare(b.number) > 0);
      case Op::ge: return RefValue::of(a.number.compare(b.number) >= 0);
      case Op::in: return RefValue::of(ref_member(b, a));
      case Op::not_in: return RefValue::of(!ref_member(b, a));
      default: return RefValue::unknown("unexpected operator");
    }
  }

  // a - b * floor(a / b), the remainder with b's sign, in 128-bit integers on the smaller
  // exponent when both fit there (the values the generator writes, but for 1e300 against
  // small ones); beyond, the engine's own Decimal::mod is taken as given.
  static RefValue ref_mod(const Decimal& a, const Decimal& b) {
    if (b.coefficient() == 0) return RefValue::unknown("division by zero");
    const int e = std::min(a.exponent(), b.exponent());
    if (a.exponent() - e > 18 || b.exponent() - e > 18) return arithmetic(a.mod(b));
    __int128 pa = a.coefficient(), pb = b.coefficient();
    for (int i = e; i < a.exponent(); ++i) pa *= 10;
    for (int i = e; i < b.exponent(); ++i) pb *= 10;
    __int128 q = pa / pb;
    if ((pa % pb != 0) && ((pa < 0) != (pb < 0))) --q;  // floor, not truncation
    const __int128 r = pa - pb * q;
    if ((r < 0 ? -r : r) >= static_cast<__int128>(1000000000000000000LL)) return RefValue::unknown("overflow");
    const auto digits = static_cast<std::int64_t>(r);
    // A remainder too small (or large) for a decimal's exponent range is unknown, as any
    // arithmetic result out of range is (mod(-2.2e-300, -1e-300) = -2e-301: below 1e-300).
    const int scientific = static_cast<int>(std::to_string(digits < 0 ? -digits : digits).size()) - 1 + e;
    if (digits != 0 && (scientific < Decimal::kMinExponent || scientific > Decimal::kMaxExponent)) return RefValue::unknown("overflow");
    return RefValue::of(*Decimal::parse(std::to_string(digits) + "e" + std::to_string(e)));
  }

  static RefValue call(const std::string& f, const std::vector<RefValue>& args) {
    if (f == "count") return RefValue::of(Decimal::from_int(static_cast<std::int64_t>(args[0].items.size())));
    if (f == "any") return RefValue::of(!args[0].items.empty());
    if (f == "min" || f == "max") {  // any number of arguments: the first of the least (greatest)
      std::size_t best = 0;
      for (std::size_t i = 1; i < args.size(); ++i) {
        const int c = args[i].number.compare(args[best].number);
        if (f == "min" ? c < 0 : c > 0) best = i;
      }
      return args[best];
    }
    if (f == "abs") return RefValue::of(args[0].number.abs());
    if (f == "date") return RefValue::date(ref_days(args[0].text));
    if (f == "days_between") return RefValue::of(args[1].number.sub(args[0].number).value);
    if (f == "mod") return ref_mod(args[0].number, args[1].number);
    if (f == "round") {
      const auto places = args[1].number.to_integer();
      if (!places || *places < -300 || *places > 300) return RefValue::unknown("round() needs a whole number of places from -300 to 300");
      return arithmetic(args[0].number.round(static_cast<int>(*places)));
    }
    if (f == "lower") {
      std::string s = args[0].text;
      for (char& c : s)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      return RefValue::of(s);
    }
    if (f == "floor" || f == "ceil") {
      // Independently of Decimal::to_whole: step from the value rounded half-even to 0 places.
      const Decimal x = args[0].number;
      const auto r = x.round(0);
      if (r.status != DecimalStatus::ok) return arithmetic(r);
      Decimal whole = r.value;
      const int c = whole.compare(x);
      if (f == "floor" && c > 0) whole = whole.sub(Decimal::from_int(1)).value;
      if (f == "ceil" && c < 0) whole = whole.add(Decimal::from_int(1)).value;
      return RefValue::of(whole);
    }
    if (f == "upper") {
      std::string s = args[0].text;
      for (char& c : s)
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
      return RefValue::of(s);
    }
    if (f == "trim") {
      const std::string& s = args[0].text;
      const auto first = s.find_first_not_of(" \t\r\n");
      if (first == std::string::npos) return RefValue::of(std::string());
      return RefValue::of(s.substr(first, s.find_last_not_of(" \t\r\n") - first + 1));
    }
    if (f == "length") {
      std::int64_t n = 0;
      for (std::size_t i = 0; i < args[0].text.size();) {  // one UTF-8 character at a time
        const auto lead = static_cast<unsigned char>(args[0].text[i]);
        i += lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
        ++n;
      }
      return RefValue::of(Decimal::from_int(n));
    }
    if (f == "starts_with")
      return RefValue::of(args[0].text.compare(0, args[1].text.size(), args[1].text) == 0 && args[0].text.size() >= args[1].text.size());
    if (f == "ends_with") {
      const auto& s = args[0].text;
      const auto& t = args[1].text;
      return RefValue::of(s.size() >= t.size() && s.compare(s.size() - t.size(), t.size(), t) == 0);
    }
    if (f == "contains") {
      if (args[0].kind == RefValue::Kind::string) return RefValue::of(args[0].text.find(args[1].text) != std::string::npos);
      return RefValue::of(ref_member(args[0], args[1]));
    }
    return RefValue::unknown("unknown function " + f);
  }

  std::vector<std::size_t> setters(const std::string& flag) const {
    std::vector<std::size_t> out;
    for (std::size_t i = 0; i < m_.rules.size(); ++i) {
      const auto& then = *m_.rules[i].then;
      if (then.kind == ast::ActionClause::Kind::flag && then.name.text == flag) out.push_back(i);
    }
    return out;
  }

  // The absent fields behind an unknown expression: every unknown operand is followed, through
  // lets, fired() and flagged(), down to the fields.
  void collect_missing(const ast::Expr& e, std::vector<std::string>& out) {
    using ast::ExprKind;
    if (!eval(e).is_unknown()) return;
    if (e.kind == ExprKind::name) {
      auto let = lets_.find(e.name);
      if (let != lets_.end()) return collect_missing(*let->second->value, out);
      for (const auto& f : m_.schemas.front().fields)
        if (f.name.text == e.name && std::find(out.begin(), out.end(), e.name) == out.end()) out.push_back(e.name);
      return;
    }
    if (e.kind == ExprKind::call && e.name == "fired") return collect_missing(*m_.rules[rule_index(e.operands[0]->name)].when, out);
    if (e.kind == ExprKind::call && e.name == "flagged") {
      for (std::size_t i : setters(e.operands[0]->name)) collect_missing(*m_.rules[i].when, out);
      return;
    }
    if (e.kind == ExprKind::collection) return;
    for (const auto& operand : e.operands) collect_missing(*operand, out);
  }

 public:
  // The rule's missing fields in schema order.
  std::vector<std::string> missing(std::size_t rule) {
    std::vector<std::string> found, ordered;
    collect_missing(*m_.rules[rule].when, found);
    for (const auto& f : m_.schemas.front().fields)
      if (std::find(found.begin(), found.end(), f.name.text) != found.end()) ordered.push_back(f.name.text);
    return ordered;
  }

 private:
  std::size_t rule_index(const std::string& name) const {
    for (std::size_t i = 0; i < m_.rules.size(); ++i)
      if (m_.rules[i].name.text == name) return i;
    return 0;
  }

  const ast::Module& m_;
  std::map<std::string, RefValue> names_;  // fields and params
  std::map<std::string, const ast::LetDecl*> lets_;
  std::map<const ast::Expr*, RefValue> memo_;
};

}  // namespace tenet::core::testing
