// Checks of the input against the schema that no single record shows: keys and columns that
// look like a declared field but are not one, optional fields no record gives, records that
// repeat a key, missing-value markers (n/a, NA, -) in CSV cells.
#pragma once

#include <cstdint>
#include <cstring>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dsl/ast.hpp"
#include "engine/ingest/record_error.hpp"
#include "engine/policy.hpp"

namespace tenet::core {

// What a run observed of its input that no single record shows, counted as records are read:
// the part of a batch's Summary (engine/batch/summary.hpp) that reading owns.
// A value that matches a constant of the policy only ignoring case, and the records giving it.
struct CaseVariant {
  std::string matches;  // the constant as the policy writes it
  std::uint64_t records = 0;
};

struct InputObservations {
  static constexpr std::size_t kDuplicateLinesShown = 5;
  std::uint64_t decided = 0;                                   // records read into a decision
  std::map<std::string, std::uint64_t> undeclared_fields;      // near-miss keys or columns -> records
  std::uint64_t duplicate_keys = 0;                            // records whose key an earlier record had
  bool keys_checked = true;                                    // false: --no-key-check, written as null
  std::vector<std::size_t> duplicate_lines;                    // the first few of them (for warnings; not written)
  std::map<std::string, std::uint64_t> optional_fields_given;  // optional field -> records that gave it
  std::size_t unterminated_row = 0;                            // the CSV input's last row, when it has no line end (not written)
  std::map<std::string, std::map<std::string, CaseVariant>> case_variants;  // field -> value -> (not written)

  // Adds what another part of the input observed (a later block, another shard); false when a
  // count would pass 2^64 (then some counts are added, some not). Repeated keys across parts are
  // found apart, in input order, by a KeyTracker.
  bool add(const InputObservations& part);
};

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

// Repeated keys, found once the run is over. Each key's 64-bit hash and line is appended, in
// input order, to one of 256 partitions by its top byte; finish() then removes duplicates
// partition by partition with a small table that stays in cache. Appending is sequential, so
// a key costs a few nanoseconds where probing one table of every key misses the cache on each
// (that cost 7% of a 2-thread batch). Memory: 16 bytes a record.
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

  // Keys must come in input order (lines ascending).
  void add(std::uint64_t hash, std::size_t line) { partitions_[hash >> 56].push_back({hash, line}); }
  // The key of a decided record, or of a record error whose id could be read: its hash.
  static std::optional<std::uint64_t> key_of(const Record* record, const RecordError* error) {
    if (record) return hash(record->id);
    if (error && error->id) return hash(*error->id);
    return std::nullopt;
  }
  // How many keys repeat an earlier one; `first_lines` gets the lowest lines of those, up to
  // `shown`, ascending. The tracker is empty afterwards.
  std::uint64_t finish(std::vector<std::size_t>& first_lines, std::size_t shown);

 private:
  struct Entry {
    std::uint64_t hash;
    std::size_t line;
  };
  std::vector<Entry> partitions_[256];
};

// The warnings a whole run earns, one line each (without "tenet: warning: "): near-miss
// columns (`csv`) or fields with their suggestion, optional fields no record gave, repeated
// keys, a CSV input whose last row has no line end.
std::vector<std::string> input_warnings(const InputObservations& summary, const Policy& policy, bool csv);

}  // namespace tenet::core
