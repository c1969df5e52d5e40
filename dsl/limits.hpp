// Named limits of the language: every one is documented in docs/language.md (Limits) and tested
// at its boundary (tests/unit/limits_test.cpp). The record readers' limit is in
// engine/ingest/limits.hpp.
#pragma once

#include <cstddef>

namespace tenet::core::limits {

inline constexpr std::size_t kMaxPolicyBytes = 4u << 20;   // a policy file larger than 4 MiB is refused
inline constexpr int kMaxNesting = 64;                     // ( [ { not - f( nested inside each other
inline constexpr int kMaxExpressionDepth = 256;            // depth of one expression tree (a + b + ... chains too)
inline constexpr std::size_t kMaxStringBytes = 64u << 10;  // a string literal or `because` template, between its quotes
inline constexpr std::size_t kMaxImportedFiles = 64;       // files a policy imports, directly or not

}  // namespace tenet::core::limits
