// The built-in functions: one table that the checker (names, arity), the compiler (opcodes),
// the trace and the printer all read, so a function is added in one place.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace tenet::core {

enum class Builtin : std::uint8_t {
  count,
  any,
  min,
  max,
  abs,
  round,
  floor,
  ceil,
  mod,
  coalesce,
  lower,
  upper,
  trim,
  length,
  contains,
  starts_with,
  ends_with,
  date,
  days_between,
  percentile,
  fired,
  flagged,
};

struct BuiltinInfo {
  Builtin id;
  std::string_view name;
  std::uint8_t arity;     // arguments; for a variadic function, the fewest
  bool variadic = false;  // min and max take any number from `arity` on
};

// In the order of the enum: builtin_info() indexes it.
inline constexpr BuiltinInfo kBuiltins[] = {
    {Builtin::count, "count", 1},
    {Builtin::any, "any", 1},
    {Builtin::min, "min", 2, true},
    {Builtin::max, "max", 2, true},
    {Builtin::abs, "abs", 1},
    {Builtin::round, "round", 2},
    {Builtin::floor, "floor", 1},
    {Builtin::ceil, "ceil", 1},
    {Builtin::mod, "mod", 2},
    {Builtin::coalesce, "coalesce", 2},
    {Builtin::lower, "lower", 1},
    {Builtin::upper, "upper", 1},
    {Builtin::trim, "trim", 1},
    {Builtin::length, "length", 1},
    {Builtin::contains, "contains", 2},
    {Builtin::starts_with, "starts_with", 2},
    {Builtin::ends_with, "ends_with", 2},
    {Builtin::date, "date", 1},
    {Builtin::days_between, "days_between", 2},
    {Builtin::percentile, "percentile", 1, true},
    {Builtin::fired, "fired", 1},
    {Builtin::flagged, "flagged", 1},
};
static_assert(
    [] {
      for (std::size_t i = 0; i < std::size(kBuiltins); ++i)
        if (static_cast<std::size_t>(kBuiltins[i].id) != i) return false;
      return true;
    }(),
    "kBuiltins must list the builtins in the order of the enum");

inline std::optional<Builtin> find_builtin(std::string_view name) {
  for (const auto& b : kBuiltins)
    if (b.name == name) return b.id;
  return std::nullopt;
}

inline const BuiltinInfo& builtin_info(Builtin id) { return kBuiltins[static_cast<std::size_t>(id)]; }

// fired(RULE) and flagged(FLAG) take a name in the rule graph, not a value.
inline bool is_graph_reference(Builtin id) { return id == Builtin::fired || id == Builtin::flagged; }

}  // namespace tenet::core
