// Eight bytes at a time: the tests behind the readers' scans for the bytes that end a CSV cell
// or interrupt a JSON string. Each marks the high bit of the bytes it finds; the lowest mark
// is exact, while a borrow may also mark bytes above it, so only first() of a mask is meaningful.
#pragma once

#include <cstdint>
#include <cstring>

namespace tenet::core::byte_scan {

constexpr std::uint64_t kOnes = 0x0101010101010101ULL, kHighs = 0x8080808080808080ULL;

inline std::uint64_t load(const char* p) {
  std::uint64_t word;
  std::memcpy(&word, p, 8);
  return word;
}
// Bytes equal to `c`.
inline std::uint64_t equal_to(std::uint64_t word, char c) {
  const std::uint64_t x = word ^ (kOnes * static_cast<unsigned char>(c));
  return (x - kOnes) & ~x & kHighs;
}
// Bytes below `limit` (at most 0x80) or from 0x80: not printable ASCII when `limit` is 0x20.
inline std::uint64_t below_or_high(std::uint64_t word, unsigned char limit) { return ((word - kOnes * limit) | word) & kHighs; }
// The offset of the first marked byte; `marks` must not be 0.
inline unsigned first(std::uint64_t marks) { return static_cast<unsigned>(__builtin_ctzll(marks)) >> 3; }

}  // namespace tenet::core::byte_scan
