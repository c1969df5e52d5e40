// Shared by every input format: maps a record's named values onto the schema's slots,
// checks types and required fields, and produces a Record or the reason it is an error.
#pragma once

#include <cstdint>
#include <cstring>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/ingest/input_checks.hpp"
#include "engine/ingest/record_error.hpp"
#include "engine/policy.hpp"

namespace tenet::core {

// The error of a record longer than limits::kMaxRecordBytes, the same from every reader.
std::string oversized_record_message();

class RecordBuilder {
 public:
  explicit RecordBuilder(const Policy& policy, InputOptions options = {});
  const InputOptions& options() const { return options_; }

  // Starts a record (counting what the previous one gave); again() starts the same record
  // over, as when the fast JSON path declines it and simdjson reads it.
  void begin();
  void again();
  // The schema index of a field name, or -1 for a field the schema does not declare (ignored).
  int field_index(std::string_view name);
  // The schema index of a declared name, or -1; nothing is counted (for a CSV header).
  int declared_index(std::string_view name) const {
    auto it = index_.find(name);
    return it == index_.end() ? -1 : it->second;
  }
  // The same for a JSON key given by its raw text in padded input (simdjson's
  // raw_json_string: the key's bytes up to its closing quote), matched against the keys seen at
  // this place in earlier records a word at a time, without unescaping or hashing it. kNotSeen
  // when it is not one of them: then call field_index() with the unescaped key. On a match,
  // `length` (if given) is set to the key's length: its closing quote is at raw + length.
  static constexpr int kNotSeen = -2;
  int field_index_raw(const char* raw, std::size_t* length = nullptr) {
    // Inline for the usual case, the key that came next last time; the rest out of line.
    if (key_position_ < key_order_.size() && key_order_[key_position_].matches(raw)) {
      const SeenKey& key = key_order_[key_position_++];
      if (length) *length = key.name.size();
      if (key.index < 0) note_undeclared(key.undeclared);
      return key.index;
    }
    return field_index_raw_ahead(raw, length);
  }
  // Whether the policy reads a field's value (Program::field_read, the key, also_read()): the
  // fast readers only check the syntax of a scalar no one reads, and leave its slot as it was.
  bool reads(int index) const { return reads_[static_cast<std::size_t>(index)] != 0; }
  void also_read(std::uint32_t index) { reads_[index] = 1; }  // --sum fields
  // The slot a field's value is read into, reusing its capacity; call mark_set() after.
  Value& slot(int index) { return target_[index]; }
  // The element `index` of a list being read (the next one when index == size): elements a
  // shorter list left over wait in a spare pool with their strings' capacity, so reading lists
  // of varying length allocates nothing once every length has been seen.
  Value& list_item(Value& list, std::size_t index) {
    if (index < list.items.size()) return list.items[index];
    if (spare_items_.empty()) return list.items.emplace_back();
    list.items.push_back(std::move(spare_items_.back()));
    spare_items_.pop_back();
    return list.items.back();
  }
  // Ends a list read with `count` elements; the rest go to the spare pool.
  void end_list(Value& list, std::size_t count) {
    while (list.items.size() > count) {
      if (spare_items_.size() < kMaxSpareItems) spare_items_.push_back(std::move(list.items.back()));
      list.items.pop_back();
    }
  }
  // Read field values straight into `fields` (an evaluator's field slots, see
  // Evaluator::field_slots()) instead of into the Record: finish() then leaves
  // Record::fields alone. Saves a copy of every value on the batch path.
  void write_into(Value* fields) { target_ = fields; }
  bool mark_set(int index, RecordFault& error) {
    // Inline for the usual field, given once and neither a set nor the key.
    const auto i = static_cast<std::size_t>(index);
    if (state_[i] != 0 || set_or_key_[i]) return mark_set_slowly(index, error);
    state_[i] = 1;
    return true;
  }
  const ast::SchemaDecl& schema() const { return *schema_; }
  std::uint32_t key_field() const { return key_field_; }
  const ast::FieldDecl& field(int index) const { return schema_->fields[static_cast<std::size_t>(index)]; }
  // Sets a field; false with `error` set when it was already given in this record.
  bool set(int index, Value value, RecordFault& error);
  // Marks a field as given but empty (JSON null, empty CSV cell).
  bool set_absent(int index, RecordFault& error);
  // Marks an optional field as given a missing-value marker (`n/a` in a CSV cell): unknown,
  // with that reason. A required field so given is a record error.
  bool set_not_available(int index, std::string_view marker, RecordFault& error);
  // A key or column the schema does not declare but that looks like a field (near_miss()):
  // its slot among the names counted for the summary, or -1 for any other undeclared name.
  int undeclared_slot(std::string_view name);
  void note_undeclared(int slot) {
    if (slot >= 0) undeclared_in_record_.push_back(slot);
  }
  // A near-miss CSV column given by `records` rows at once (every row has every column).
  void note_undeclared_column(std::string_view name, std::uint64_t records) {
    const int slot = undeclared_slot(name);
    if (slot >= 0) undeclared_counts_[static_cast<std::size_t>(slot)] += records;
  }
  // Adds what this builder saw since the last call (near-miss names, optional fields given)
  // to those counts, and starts again from zero.
  void report(InputObservations& summary);
  // The input's last row (at `line`) has no line end.
  void note_unterminated_row(std::size_t line) { unterminated_row_ = line; }
  // Completes the record: required fields present, absent optional ones unknown.
  bool finish(Record& out, RecordFault& error);
  // The id, once the key field has been read (for error lines).
  const std::optional<std::string>& id() const { return id_; }

 private:
  bool mark(int index, RecordFault& error);

  const ast::SchemaDecl* schema_;
  std::uint32_t key_field_;
  const std::vector<std::string>* missing_reasons_;
  std::unordered_map<std::string_view, int> index_;
  // The keys in the order records list them, with what each resolved to, so a key usually
  // costs one comparison instead of a hash (field_index()).
  static constexpr std::size_t kKeyLookahead = 4;  // absent optional fields skipped per key
  struct SeenKey {
    std::string name;
    int index = -1;
    int undeclared = -1;  // undeclared_slot() of the key, when index is -1
    // The key's raw JSON text and its closing quote, zero-padded to words, with the mask of
    // its bytes; words == 0 when the raw text cannot be compared (escapes, or too long).
    std::size_t words = 0;
    std::uint64_t pattern[4] = {}, mask[4] = {};
    SeenKey(std::string_view key, int field, int undeclared_slot);
    bool matches(const char* raw) const {
      // Reads up to 7 bytes past the key's closing quote: inside the record or its padding.
      for (std::size_t w = 0; w < words; ++w) {
        std::uint64_t word;
        std::memcpy(&word, raw + 8 * w, 8);
        if ((word & mask[w]) != pattern[w]) return false;
      }
      return words > 0;
    }
  };
  int field_index_raw_ahead(const char* raw, std::size_t* length);
  mutable std::vector<SeenKey> key_order_;
  mutable std::size_t key_position_ = 0;
  std::vector<Value> values_;
  static constexpr std::size_t kMaxSpareItems = 4096;
  std::vector<Value> spare_items_;
  std::vector<char> reads_;          // per field: reads()
  Value* target_ = nullptr;          // values_.data(), or an evaluator's field slots
  std::vector<std::uint8_t> state_;  // 0 not given, 1 value, 2 absent, 3 a missing-value marker
  InputOptions options_;
  // Per field, records that did not give it (report()): counted where an absent field is
  // handled anyway, so a record that gives every field costs nothing more.
  std::vector<std::uint64_t> absent_;
  std::uint64_t finished_ = 0;                              // records completed (finish())
  static constexpr std::size_t kMaxUndeclaredNames = 4096;  // names remembered by undeclared_slot()
  std::unordered_map<std::string, int> undeclared_lookup_;
  std::vector<std::string> undeclared_names_;
  std::vector<std::uint64_t> undeclared_counts_;
  std::vector<int> undeclared_in_record_;
  std::size_t unterminated_row_ = 0;  // counted when the next record begins (begin(), report())
  void count_undeclared();
  const std::vector<std::string>* na_reasons_;
  std::vector<std::uint8_t> set_or_key_;  // per field: a set to sort, or the key to keep
  bool mark_set_slowly(int index, RecordFault& error);
  std::optional<std::string> id_;
  // Fields whose value a condition compares with constants (Program::compared_strings), and
  // the values seen that match one of those only ignoring case, until report().
  const std::vector<std::vector<std::string>>* compared_strings_;
  std::vector<std::uint32_t> compared_fields_;
  static constexpr std::size_t kMaxCaseVariants = 16;  // per field
  std::map<std::string, std::map<std::string, CaseVariant>> case_variants_;
  void note_case_variant(std::uint32_t field, std::string_view value);
};

}  // namespace tenet::core
