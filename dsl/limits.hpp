// Named limits of the language: every one is documented in docs/language.md and tested at its boundary.
#pragma once

#include <cstddef>

namespace tenet::limits {

inline constexpr std::size_t kMaxPolicyBytes = 4u << 20;      // a policy file larger than 4 MiB is refused
inline constexpr int kMaxNesting = 64;                        // ( [ { not - f( nested inside each other
inline constexpr int kMaxExpressionDepth = 256;               // depth of one expression tree (a + b + ... chains too)

}  // namespace tenet::limits
