// A value slot: unknown (with its reason) | bool | number | string | list.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/decimal.hpp"

namespace tenet {

struct Value {
  enum class Kind : std::uint8_t { unknown, boolean, number, string, list };

  Kind kind = Kind::unknown;
  bool boolean = false;
  Decimal number;
  std::string text;           // a string's value, or why the value is unknown
  std::vector<Value> items;   // list and set elements (sets are kept sorted and unique)

  static Value unknown(std::string reason) {
    Value v;
    v.text = std::move(reason);
    return v;
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

// Equality of two known values of the same type (numbers numerically).
bool equal(const Value& a, const Value& b);
// Strict weak order for sorting set elements.
bool less(const Value& a, const Value& b);
// Sorts and removes duplicates: the canonical form of a set.
void make_set(Value& v);
bool contains(const Value& list, const Value& item);

// Readable text for explanations: 120000, vip, a, b; lists joined with ", "; "(none)" when empty.
void append_readable(std::string& out, const Value& v);

}  // namespace tenet
