// Checks of the input against the schema that no single record shows: keys and columns that
// look like a declared field but are not one, optional fields no record gives, records that
// repeat a key, missing-value markers (n/a, NA, -) in CSV cells.
#pragma once

#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dsl/ast.hpp"

namespace tenet {

struct Summary;
class Policy;

// How records are read, beyond their format.
struct InputOptions {
  bool strict_fields = false;  // a field the schema does not declare is a record error
  bool na_values = true;       // CSV cells n/a, NA, -, null, ... of optional numbers and bools are absent
};

// The declared field that an undeclared key most likely meant: the same ignoring case, `-`,
// `_` and spaces, or within edit distance 2 (and closer than half the shorter name).
std::optional<std::string> near_miss(std::string_view key, const ast::SchemaDecl& schema);

// Whether a CSV cell is a missing-value marker, as pandas reads them by default (n/a, NA,
// NULL, NaN, None, #N/A, ...) and `-`.
bool is_na_marker(std::string_view cell);

// The keys seen so far, as 64-bit hashes in one open-addressing table (8 bytes a slot, at most
// 3/4 full): whether a key was seen before costs one probe, memory grows 8-16 bytes a record.
// A table sized ahead (reserve()) and probed with prefetch (a batch of keys at a time) costs
// about 12 ns a key; growing it costs far more (each doubling rehashes every key), so batch
// sizes it from the input's size.
class KeyTracker {
 public:
  // Eight bytes at a time, each word mixed by a multiply; the final mix is MurmurHash3's.
  // Keys are short (customer ids), so this is a few instructions where a general string
  // hash costs a call and a loop.
  static std::uint64_t hash(std::string_view key) {
    std::uint64_t h = 0x9E3779B97F4A7C15ull ^ key.size();
    std::size_t i = 0;
    for (; i + 8 <= key.size(); i += 8) {
      std::uint64_t word;
      std::memcpy(&word, key.data() + i, 8);
      h = (h ^ word) * 0xFF51AFD7ED558CCDull;
      h ^= h >> 32;
    }
    std::uint64_t tail = 0;
    for (std::size_t k = 0; i + k < key.size(); ++k) tail |= std::uint64_t(static_cast<unsigned char>(key[i + k])) << (8 * k);
    h = (h ^ tail) * 0xC4CEB9FE1A85EC53ull;
    h ^= h >> 33;
    h *= 0xFF51AFD7ED558CCDull;
    h ^= h >> 33;
    return h == 0 ? 1 : h;
  }
  // Room for `keys` keys without growing.
  void reserve(std::size_t keys);
  // True when the key was seen before (a duplicate); records it otherwise.
  bool seen_before(std::uint64_t hash);
  void prefetch(std::uint64_t hash) const;

 private:
  void rehash(std::size_t slots);
  std::vector<std::uint64_t> slots_;  // 0 is empty (a hash of 0 is stored as 1)
  std::size_t used_ = 0;
};

// The warnings a whole run earns, one line each (without "tenet: warning: "): near-miss
// columns (`csv`) or fields with their suggestion, optional fields no record gave, repeated
// keys, a CSV input whose last row has no line end.
std::vector<std::string> input_warnings(const Summary& summary, const Policy& policy, bool csv);

}  // namespace tenet
