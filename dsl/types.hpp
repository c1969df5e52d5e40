// The value types of the language: number, string, bool, date, list<T>, set<T>.
#pragma once

#include <cstdint>
#include <string>

namespace tenet::core {

enum class TypeKind : std::uint8_t {
  error,  // the checker already reported a problem here; suppresses follow-on errors
  any,    // the element type of an empty literal {} or []
  number,
  string,
  boolean,
  date,  // a calendar day (dsl/base/civil_date.hpp)
  list,
  set,
};

struct Type {
  TypeKind kind = TypeKind::error;
  TypeKind element = TypeKind::error;  // for list and set

  static constexpr Type of(TypeKind k, TypeKind e = TypeKind::error) { return Type{k, e}; }
  bool is_collection() const { return kind == TypeKind::list || kind == TypeKind::set; }
  bool operator==(const Type& o) const { return kind == o.kind && (!is_collection() || element == o.element); }
};

// `number`, `list<string>`, ... as written in a policy.
std::string type_name(Type t);
// An article for messages: "a number", "a list<string>".
std::string type_phrase(Type t);

}  // namespace tenet::core
