// A value slot: unknown (with its reason) | bool | number | string | date | list.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "dsl/base/decimal.hpp"

namespace tenet::core {

struct Value {
  enum class Kind : std::uint8_t { unknown, boolean, number, string, list, date };

  Kind kind = Kind::unknown;
  bool boolean = false;
  Decimal number;            // a number's value; a date's days since 1970-01-01 (so dates order as numbers)
  std::string text;          // a string's value
  std::vector<Value> items;  // list and set elements (sets are kept sorted and unique)
  // Why the value is unknown. It points at text that lives as long as the policy (or is
  // static), so passing an unknown along never copies or allocates.
  const std::string* reason = nullptr;

  static Value unknown(const std::string& stable_reason) {
    Value v;
    v.reason = &stable_reason;
    return v;
  }
  std::string_view why() const { return reason ? std::string_view(*reason) : std::string_view("unknown"); }

  // In-place setters for the evaluator's hot loop: they keep the slot's string and list
  // capacity for the next record instead of freeing and reallocating it.
  void set_bool(bool b) {
    kind = Kind::boolean;
    boolean = b;
  }
  void set_number(const Decimal& d) {
    kind = Kind::number;
    number = d;
  }
  void set_unknown(const std::string* why_unknown) {
    kind = Kind::unknown;
    reason = why_unknown;
  }
  static Value of(bool b) {
    Value v;
    v.kind = Kind::boolean;
    v.boolean = b;
    return v;
  }
  static Value of(Decimal d) {
    Value v;
    v.kind = Kind::number;
    v.number = d;
    return v;
  }
  static Value of(std::string s) {
    Value v;
    v.kind = Kind::string;
    v.text = std::move(s);
    return v;
  }
  static Value date(std::int64_t days) {
    Value v;
    v.kind = Kind::date;
    v.number = Decimal::from_int(days);
    return v;
  }
  static Value list(std::vector<Value> items) {
    Value v;
    v.kind = Kind::list;
    v.items = std::move(items);
    return v;
  }

  bool is_unknown() const { return kind == Kind::unknown; }
  bool is_true() const { return kind == Kind::boolean && boolean; }
  bool is_false() const { return kind == Kind::boolean && !boolean; }
};

// Stable texts for the reasons a value can be unknown.
namespace reasons {
const std::string& division_by_zero();
const std::string& no_portfolio();
const std::string& overflow();
const std::string& bad_round_places();
const std::string& not_a_value();
}  // namespace reasons

// Equality of two known values of the same type (numbers numerically).
bool equal(const Value& a, const Value& b);
// Strict weak order for sorting set elements.
bool less(const Value& a, const Value& b);
// Sorts and removes duplicates: the canonical form of a set.
void make_set(Value& v);
bool contains(const Value& list, const Value& item);

// Readable text for explanations: 120000, vip, a, b; lists joined with ", "; "(none)" when empty.
void append_readable(std::string& out, const Value& v);

}  // namespace tenet::core
