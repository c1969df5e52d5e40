#include "engine/value.hpp"

#include <algorithm>

#include "dsl/base/civil_date.hpp"

namespace tenet::core {

namespace reasons {
const std::string& division_by_zero() {
  static const std::string text = "division by zero";
  return text;
}
const std::string& no_portfolio() {
  static const std::string text = "percentile needs the run's portfolio (a first pass over it)";
  return text;
}
const std::string& overflow() {
  static const std::string text = "overflow";
  return text;
}
const std::string& bad_round_places() {
  static const std::string text = "round() needs a whole number of places from -300 to 300";
  return text;
}
const std::string& not_a_value() {
  static const std::string text = "not a value";
  return text;
}
}  // namespace reasons

bool equal(const Value& a, const Value& b) {
  if (a.kind != b.kind) return false;
  switch (a.kind) {
    case Value::Kind::unknown: return false;
    case Value::Kind::boolean: return a.boolean == b.boolean;
    case Value::Kind::number:
    case Value::Kind::date: return a.number.compare(b.number) == 0;
    case Value::Kind::string: return a.text == b.text;
    case Value::Kind::list:
      return a.items.size() == b.items.size() &&
             std::equal(a.items.begin(), a.items.end(), b.items.begin(), [](const Value& x, const Value& y) { return equal(x, y); });
  }
  return false;
}

bool less(const Value& a, const Value& b) {
  if (a.kind != b.kind) return a.kind < b.kind;
  if (a.kind == Value::Kind::number || a.kind == Value::Kind::date) return a.number.compare(b.number) < 0;
  return a.text < b.text;
}

void make_set(Value& v) {
  std::sort(v.items.begin(), v.items.end(), less);
  v.items.erase(std::unique(v.items.begin(), v.items.end(), [](const Value& x, const Value& y) { return equal(x, y); }), v.items.end());
}

bool contains(const Value& list, const Value& item) {
  return std::any_of(list.items.begin(), list.items.end(), [&](const Value& x) { return equal(x, item); });
}

void append_readable(std::string& out, const Value& v) {
  switch (v.kind) {
    case Value::Kind::unknown: out += "unknown"; return;
    case Value::Kind::boolean: out += v.boolean ? "true" : "false"; return;
    case Value::Kind::number: v.number.append_to(out); return;
    case Value::Kind::date: out += format_iso_date(*v.number.to_integer()); return;
    case Value::Kind::string: out += v.text; return;
    case Value::Kind::list:
      if (v.items.empty()) {
        out += "(none)";
        return;
      }
      for (std::size_t i = 0; i < v.items.size(); ++i) {
        if (i) out += ", ";
        append_readable(out, v.items[i]);
      }
      return;
  }
}

}  // namespace tenet::core
