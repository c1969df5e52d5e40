// Named limits of the record readers: documented in docs/language.md (Limits) and tested at
// their boundary in tests/unit/limits_test.cpp.
#pragma once

#include <cstddef>

namespace tenet::core::limits {

// The longest record (a JSON line, a CSV row, an element of a JSON array) that is read. A
// longer one is an error line, skipped without being held in memory by `tenet batch`, so
// one broken export (a lost line end) cannot exhaust memory; real customer records are a
// few kilobytes.
inline constexpr std::size_t kMaxRecordBytes = 16u << 20;

}  // namespace tenet::core::limits
