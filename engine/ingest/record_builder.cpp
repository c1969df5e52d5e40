#include "engine/ingest/record_builder.hpp"

#include <algorithm>
#include <cctype>
#include <cstring>

#include "engine/ingest/limits.hpp"

#include <fmt/format.h>

namespace tenet::core {

static_assert(
    [] {
      for (std::size_t i = 0; i < std::size(kErrorKinds); ++i)
        if (static_cast<std::size_t>(kErrorKinds[i].kind) != i) return false;
      return std::size(kErrorKinds) == static_cast<std::size_t>(ErrorKind::undeclared_field) + 1;
    }(),
    "kErrorKinds lists every kind once, in the enum's order");

const char* kind_name(ErrorKind kind) {
  // The table lists the kinds in their enum order (checked above).
  return kErrorKinds[static_cast<std::size_t>(kind)].name;
}

std::string oversized_record_message() {
  return fmt::format("record longer than {} bytes ({} MiB, the limit); not read", limits::kMaxRecordBytes, limits::kMaxRecordBytes >> 20);
}

RecordBuilder::RecordBuilder(const Policy& policy, InputOptions options)
    : schema_(&policy.checked().schema()),
      key_field_(policy.checked().key_field),
      missing_reasons_(&policy.program().missing_reasons),
      options_(options),
      na_reasons_(&policy.program().not_available_reasons),
      compared_strings_(&policy.program().compared_strings) {
  absent_.assign(schema_->fields.size(), 0);
  const auto& schema = *schema_;
  for (std::size_t i = 0; i < schema.fields.size(); ++i) index_.emplace(schema.fields[i].name.text, static_cast<int>(i));
  values_.resize(schema.fields.size());
  target_ = values_.data();
  state_.resize(schema.fields.size());
  for (std::size_t i = 0; i < schema.fields.size(); ++i) {
    set_or_key_.push_back(schema.fields[i].type.kind == TypeKind::set || i == key_field_);
    reads_.push_back(policy.program().field_read[i] || i == key_field_);
    if (!policy.program().compared_strings[i].empty()) compared_fields_.push_back(static_cast<std::uint32_t>(i));
  }
}

namespace {
bool equal_ignoring_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}
}  // namespace

// A value the policy compares with constants that matches none as written but one ignoring case
// ("Growth" for "growth"): the rules never see it as that constant, so the run says so.
void RecordBuilder::note_case_variant(std::uint32_t field, std::string_view value) {
  const auto& strings = (*compared_strings_)[field];
  if (std::binary_search(strings.begin(), strings.end(), value)) return;
  for (const std::string& s : strings) {
    if (!equal_ignoring_case(s, value)) continue;
    auto& seen = case_variants_[schema_->fields[field].name.text];
    auto it = seen.find(std::string(value));  // only on a variant: allocates nothing otherwise
    if (it != seen.end()) ++it->second.records;
    else if (seen.size() < kMaxCaseVariants) seen.emplace(std::string(value), CaseVariant{s, 1});
    return;
  }
}

void RecordBuilder::count_undeclared() {
  for (int slot : undeclared_in_record_) ++undeclared_counts_[static_cast<std::size_t>(slot)];
  undeclared_in_record_.clear();
}

void RecordBuilder::again() {
  undeclared_in_record_.clear();
  std::fill(state_.begin(), state_.end(), 0);
  id_.reset();
  key_position_ = 0;
}

void RecordBuilder::begin() {
  if (!undeclared_in_record_.empty()) count_undeclared();
  std::fill(state_.begin(), state_.end(), 0);
  id_.reset();
  key_position_ = 0;
}

RecordBuilder::SeenKey::SeenKey(std::string_view key, int field, int undeclared_slot)
    : name(key), index(field), undeclared(undeclared_slot) {
  // A key with a quote or a backslash is escaped in its raw text: compared only once unescaped.
  if (key.size() + 1 > sizeof pattern || key.find_first_of("\"\\") != std::string_view::npos) return;
  char bytes[sizeof pattern] = {}, ones[sizeof pattern] = {};
  std::memcpy(bytes, key.data(), key.size());
  bytes[key.size()] = '"';
  std::memset(ones, 0xFF, key.size() + 1);
  words = (key.size() + 1 + 7) / 8;
  std::memcpy(pattern, bytes, sizeof pattern);
  std::memcpy(mask, ones, sizeof mask);
}

int RecordBuilder::field_index_raw_ahead(const char* raw, std::size_t* length) {
  const std::size_t end = std::min(key_order_.size(), key_position_ + kKeyLookahead);
  for (std::size_t p = key_position_; p < end; ++p) {
    const SeenKey& key = key_order_[p];
    if (key.matches(raw)) {
      key_position_ = p + 1;
      if (length) *length = key.name.size();
      if (key.index < 0) note_undeclared(key.undeclared);
      return key.index;
    }
  }
  return kNotSeen;
}

int RecordBuilder::field_index(std::string_view name) {
  // Records of one export list their keys in one order, leaving out the absent optional
  // ones: look for the key a few places ahead in the order seen so far before hashing it.
  const std::size_t position = key_position_;
  const std::size_t end = std::min(key_order_.size(), position + kKeyLookahead);
  for (std::size_t p = position; p < end; ++p) {
    if (key_order_[p].name == name) {
      key_position_ = p + 1;
      if (key_order_[p].index < 0) note_undeclared(key_order_[p].undeclared);
      return key_order_[p].index;
    }
  }
  auto it = index_.find(name);
  const int index = it == index_.end() ? -1 : it->second;
  const int undeclared = index < 0 ? undeclared_slot(name) : -1;
  note_undeclared(undeclared);
  // Learn the key at this place: inserted while the order is small, so that the keys of
  // records with and without it both stay in it; overwritten once it is full.
  if (key_order_.size() < 4 * schema_->fields.size() + 16) {
    key_order_.insert(key_order_.begin() + static_cast<std::ptrdiff_t>(position), SeenKey(name, index, undeclared));
  } else if (position < key_order_.size()) {
    key_order_[position] = SeenKey(name, index, undeclared);
  }
  key_position_ = position + 1;
  return index;
}

bool RecordBuilder::mark(int index, RecordFault& error) {
  if (state_[static_cast<std::size_t>(index)] != 0) {
    error.set(ErrorKind::duplicate_field, fmt::format("field `{}` is given more than once", field(index).name.text));
    return false;
  }
  return true;
}

bool RecordBuilder::set(int index, Value value, RecordFault& error) {
  if (!mark(index, error)) return false;
  target_[index] = std::move(value);
  return mark_set(index, error);
}

bool RecordBuilder::mark_set_slowly(int index, RecordFault& error) {
  if (!mark(index, error)) return false;
  const auto i = static_cast<std::size_t>(index);
  Value& value = target_[index];
  if (field(index).type.kind == TypeKind::set) make_set(value);
  if (i == key_field_) {
    id_.emplace();
    append_readable(*id_, value);
  }
  state_[i] = 1;
  return true;
}

bool RecordBuilder::set_absent(int index, RecordFault& error) {
  if (!mark(index, error)) return false;
  state_[static_cast<std::size_t>(index)] = 2;
  return true;
}

bool RecordBuilder::set_not_available(int index, std::string_view marker, RecordFault& error) {
  if (!mark(index, error)) return false;
  if (!field(index).is_optional) {
    error.set(ErrorKind::required_absent,
              fmt::format("required field `{}` is \"{}\", a missing-value marker", field(index).name.text, marker));
    return false;
  }
  state_[static_cast<std::size_t>(index)] = 3;
  return true;
}

int RecordBuilder::undeclared_slot(std::string_view name) {
  // Asked again whenever a key falls out of the order seen (field_index()): decided once per name.
  auto known = undeclared_lookup_.find(std::string(name));
  if (known != undeclared_lookup_.end()) return known->second;
  if (!near_miss(name, *schema_)) {
    if (undeclared_lookup_.size() < kMaxUndeclaredNames) undeclared_lookup_.emplace(name, -1);
    return -1;
  }
  auto it = std::find(undeclared_names_.begin(), undeclared_names_.end(), name);
  if (it != undeclared_names_.end()) return static_cast<int>(it - undeclared_names_.begin());
  undeclared_names_.emplace_back(name);
  undeclared_counts_.push_back(0);
  const int slot = static_cast<int>(undeclared_names_.size() - 1);
  if (undeclared_lookup_.size() < kMaxUndeclaredNames) undeclared_lookup_.emplace(name, slot);
  return slot;
}

void RecordBuilder::report(InputObservations& summary) {
  count_undeclared();
  summary.unterminated_row = std::max(summary.unterminated_row, unterminated_row_);
  unterminated_row_ = 0;
  for (std::size_t i = 0; i < undeclared_names_.size(); ++i) {
    if (undeclared_counts_[i]) summary.undeclared_fields[undeclared_names_[i]] += undeclared_counts_[i];
    undeclared_counts_[i] = 0;
  }
  for (std::size_t i = 0; i < absent_.size(); ++i) {
    if (schema_->fields[i].is_optional) summary.optional_fields_given[schema_->fields[i].name.text] += finished_ - absent_[i];
    absent_[i] = 0;
  }
  finished_ = 0;
  for (auto& [field, seen] : case_variants_)
    for (auto& [value, variant] : seen) {
      auto& total = summary.case_variants[field][value];
      total.matches = variant.matches;
      total.records += variant.records;
    }
  case_variants_.clear();
}

bool RecordBuilder::finish(Record& out, RecordFault& error) {
  const bool into_record = target_ == values_.data();
  if (into_record) out.fields.resize(values_.size());
  for (std::size_t i = 0; i < values_.size(); ++i) {
    const auto& f = schema_->fields[i];
    Value& field = into_record ? out.fields[i] : target_[i];
    if (state_[i] == 1) {
      // Swap, not move: the values' string and list capacity comes back for the next record.
      if (into_record) std::swap(field, values_[i]);
      continue;
    }
    if (!f.is_optional) {
      std::string text = state_[i] == 2 ? fmt::format("required field `{}` is null or empty", f.name.text)
                                        : fmt::format("required field `{}` is absent", f.name.text);
      // The record may give it under a near-miss name (`Revenue`): say so where it matters.
      for (const int slot : undeclared_in_record_) {
        const std::string& given = undeclared_names_[static_cast<std::size_t>(slot)];
        if (state_[i] == 0 && near_miss(given, *schema_) == f.name.text) {
          text += fmt::format(" (the record has `{}`; names are matched exactly)", given);
          break;
        }
      }
      error.set(ErrorKind::required_absent, std::move(text));
      // Only decided records count for optional_fields_given: take back this one's absences.
      for (std::size_t j = 0; j < i; ++j) absent_[j] -= state_[j] != 1;
      return false;
    }
    field.set_unknown(state_[i] == 3 ? &(*na_reasons_)[i] : &(*missing_reasons_)[i]);
    ++absent_[i];
  }
  for (const std::uint32_t i : compared_fields_) {
    if (state_[i] != 1) continue;
    const Value& field = into_record ? out.fields[i] : target_[i];
    if (field.kind == Value::Kind::string) note_case_variant(i, field.text);
    for (const Value& item : field.items)
      if (item.kind == Value::Kind::string) note_case_variant(i, item.text);
  }
  ++finished_;
  if (id_) {
    out.id = *id_;  // a copy that keeps out.id's capacity
  } else {
    out.id.clear();
  }
  return true;
}

}  // namespace tenet::core
