#include "engine/ingest/flat_json.hpp"

#include <simdjson.h>

#include "dsl/base/civil_date.hpp"
#include "engine/ingest/byte_scan.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tenet::core {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// A cursor over one record's bytes. Every read checks the end: the record is not
// null-terminated, and what follows it is the next record.
class FlatReader {
 public:
  FlatReader(const char* json, std::size_t length, RecordBuilder& builder) : p_(json), end_(json + length), builder_(builder) {}

  bool record(Record& out) {
    if (!next_is('{')) return false;
    if (!next_is('}')) {
      do {
        if (!member()) return false;
      } while (next_is(','));
      if (!next_is('}')) return false;
    }
    skip_space();
    return p_ == end_ && builder_.finish(out, error_);
  }

 private:
  void skip_space() {
    const char* p = p_;
    while (p < end_ && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')) ++p;
    p_ = p;
  }
  // Skips white space, then consumes `c` if it comes next.
  bool next_is(char c) {
    if (p_ < end_ && *p_ != c) skip_space();  // most records have no space between tokens
    if (p_ < end_ && *p_ == c) {
      ++p_;
      return true;
    }
    return false;
  }

  // "key": value
  bool member() {
    skip_space();
    if (p_ >= end_ || *p_ != '"') return false;
    // A key seen before matches its raw text, closing quote included: a valid string, not
    // scanned again. Any other key is scanned as a string and looked up by its text.
    std::size_t length = 0;
    int index = builder_.field_index_raw(p_ + 1, &length);
    if (index != RecordBuilder::kNotSeen) {
      if (length + 2 > static_cast<std::size_t>(end_ - p_)) return false;  // the match ran past the record
      p_ += length + 2;
    } else {
      std::string_view name;
      if (!string(name)) return false;
      index = builder_.field_index(name);
    }
    if (!next_is(':')) return false;
    skip_space();
    // Fields the schema does not declare are ignored; with --strict-fields the record is
    // declined here, so that the simdjson path words the error.
    if (index < 0 && builder_.options().strict_fields) return false;
    if (literal("null")) return index < 0 || builder_.set_absent(index, error_);
    if (index < 0) return skip_value();
    const ast::FieldDecl& field = builder_.field(index);
    if (!builder_.reads(index) && !field.type.is_collection()) {
      // No rule reads it: its syntax and type are checked as they would be read, nothing more.
      return scalar<false>(field.type.kind, nullptr) && builder_.mark_set(index, error_);
    }
    Value& value = builder_.slot(index);
    if (field.type.is_collection()) {
      if (!array(field.type.element, &value)) return false;
    } else if (!scalar(field.type.kind, &value)) {
      return false;
    }
    return builder_.mark_set(index, error_);
  }

  // [scalar, ...] into `list`'s items (reusing their capacity), or only checked when null.
  bool array(TypeKind element, Value* list) {
    if (!next_is('[')) return false;
    std::size_t count = 0;
    if (!next_is(']')) {
      do {
        skip_space();
        if (!list) {
          if (!skip_scalar()) return false;
          continue;
        }
        if (!scalar(element, &builder_.list_item(*list, count++))) return false;
      } while (next_is(','));
      if (!next_is(']')) return false;
    }
    if (list) {
      list->kind = Value::Kind::list;
      builder_.end_list(*list, count);
    }
    return true;
  }

  // A value of the wanted type into `out`; with kStore false, only checked, accepting exactly
  // the same (a field no rule reads). A template, not a null test: this runs for every value.
  template <bool kStore = true>
  bool scalar(TypeKind want, Value* out) {
    switch (want) {
      case TypeKind::number: {
        std::string_view token;
        std::optional<Decimal> d;
        if (!number(token, &d)) return false;
        if (!d) d = Decimal::parse_exact(token);  // an exponent, or more than 18 digits (else the slow path says why)
        if (!d) return false;
        if constexpr (kStore) out->set_number(*d);
        return true;
      }
      case TypeKind::string: {
        std::string_view text;
        if (!string(text)) return false;
        if constexpr (kStore) {
          out->kind = Value::Kind::string;
          out->text.assign(text);
        }
        return true;
      }
      case TypeKind::date: {  // an ISO string; anything else goes to the full reader, which names the fault
        std::string_view text;
        if (!string(text)) return false;
        const auto days = parse_iso_date(text);
        if (!days) return false;
        if constexpr (kStore) *out = Value::date(*days);
        return true;
      }
      case TypeKind::boolean: {
        const bool value = literal("true");
        if (!value && !literal("false")) return false;
        if constexpr (kStore) out->set_bool(value);
        return true;
      }
      default: return false;
    }
  }

  bool skip_value() { return p_ < end_ && *p_ == '[' ? array(TypeKind::any, nullptr) : skip_scalar(); }
  bool skip_scalar() {
    std::string_view ignored;
    if (p_ >= end_) return false;
    if (*p_ == '"') return string(ignored);
    if (*p_ == '-' || is_digit(*p_)) return number(ignored);
    return literal("true") || literal("false") || literal("null");
  }

  // A string with no escape and no control character; its bytes, valid UTF-8, between the quotes.
  bool string(std::string_view& text) {
    if (p_ >= end_ || *p_ != '"') return false;
    const char* const start = p_ + 1;
    const char* p = start;
    bool ascii = true;
    while (true) {
      p = string_stop(p, end_);
      if (p >= end_) return false;
      const auto c = static_cast<unsigned char>(*p);
      if (c == '"') break;
      if (c == '\\' || c < 0x20) return false;
      ascii = false;  // a byte of a multi-byte character: checked below
      ++p;
    }
    text = std::string_view(start, static_cast<std::size_t>(p - start));
    p_ = p + 1;
    return ascii || simdjson::validate_utf8(text.data(), text.size());
  }

  // The first byte from `p` on that ends or interrupts a plain ASCII string: a quote, a
  // backslash, a control character or a byte >= 0x80; `end` or past it when there is none
  // before. Eight bytes at a time: it may read up to 7 bytes past `end`.
  static const char* string_stop(const char* p, const char* end) {
    using namespace byte_scan;
    for (; p < end; p += 8) {
      const std::uint64_t word = load(p);
      const std::uint64_t stops = equal_to(word, '"') | equal_to(word, '\\') | below_or_high(word, 0x20);
      if (stops != 0) return p + first(stops);
    }
    return p;
  }

  // JSON's number grammar: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
  // With `value`, the number too when it has at most 18 digits and no exponent (as
  // Decimal::parse() reads it, in the same pass); else the caller parses the token.
  bool number(std::string_view& token, std::optional<Decimal>* value = nullptr) {
    const char* const start = p_;
    const char* p = p_;
    std::uint64_t m = 0;
    const auto digits = [&] {
      const char* first = p;
      for (; p < end_ && is_digit(*p); ++p) m = m * 10 + static_cast<std::uint64_t>(*p - '0');
      return p > first;
    };
    const bool negative = p < end_ && *p == '-';
    if (negative) ++p;
    if (p >= end_ || !is_digit(*p)) return false;
    const char* const first_digit = p;
    if (*p == '0') {
      ++p;
    } else {
      digits();
    }
    const char* point = nullptr;
    if (p < end_ && *p == '.') {
      point = p++;
      if (!digits()) return false;
    }
    const bool exponent = p < end_ && (*p == 'e' || *p == 'E');
    if (exponent) {
      ++p;
      if (p < end_ && (*p == '+' || *p == '-')) ++p;
      if (!digits()) return false;
    }
    token = std::string_view(start, static_cast<std::size_t>(p - start));
    p_ = p;
    const long digit_count = (p - first_digit) - (point ? 1 : 0);
    if (value && !exponent && digit_count <= Decimal::kMaxDigits) {
      *value = Decimal::from_digits(m, point ? static_cast<int>(p - point - 1) : 0, negative);
    }
    return true;
  }

  bool literal(std::string_view word) {
    if (static_cast<std::size_t>(end_ - p_) < word.size() || std::string_view(p_, word.size()) != word) return false;
    p_ += word.size();
    return true;
  }

  const char* p_;
  const char* const end_;
  RecordBuilder& builder_;
  RecordFault error_;  // the builder's words for a record error: unused, the simdjson path words it
};

}  // namespace

bool read_flat_record(const char* json, std::size_t length, RecordBuilder& builder, Record& out) {
  return FlatReader(json, length, builder).record(out);
}

}  // namespace tenet::core
