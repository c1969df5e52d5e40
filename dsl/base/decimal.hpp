// Exact decimal numbers: an int64 coefficient and a base-10 exponent.
//
// Why not double: auditors redo decisions by hand, so `2.2 - 1.5 == 0.7` must hold.
// Why not a big-number library: typical facts (money, scores, rates) have few digits,
// so an int64 coefficient makes + - * and comparisons a few integer instructions;
// __int128 intermediates give a checked slow path that rounds half-even to 18 digits.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tenet::core {

enum class DecimalStatus { ok, overflow, division_by_zero };

namespace detail {
inline constexpr std::uint64_t kPow10[20] = {1ull,
                                             10ull,
                                             100ull,
                                             1000ull,
                                             10000ull,
                                             100000ull,
                                             1000000ull,
                                             10000000ull,
                                             100000000ull,
                                             1000000000ull,
                                             10000000000ull,
                                             100000000000ull,
                                             1000000000000ull,
                                             10000000000000ull,
                                             100000000000000ull,
                                             1000000000000000ull,
                                             10000000000000000ull,
                                             100000000000000000ull,
                                             1000000000000000000ull,
                                             10000000000000000000ull};
}  // namespace detail
struct DecimalResult;

class Decimal {
 public:
  static constexpr int kMaxDigits = 18;     // significant digits kept
  static constexpr int kMaxExponent = 300;  // scientific exponent range: 1e-300 .. 9.99e300
  static constexpr int kMinExponent = -300;

  using Status = DecimalStatus;
  using Result = DecimalResult;

  constexpr Decimal() = default;
  static Decimal from_int(std::int64_t v);

  // Reads `-12.5`, `1_000`, `1e6`, `3.0E-2` exactly (rounding beyond 18 digits);
  // empty when the text is not a number or is out of range.
  enum class ParseError { none, syntax, out_of_range, inexact };
  static std::optional<Decimal> parse(std::string_view text, ParseError* error = nullptr);
  // As parse(), but a number that 18 significant digits cannot hold exactly
  // (`12345678901234567891`, `0.1234567890123456789`) is refused (ParseError::inexact), never
  // rounded: what facts and policies are read with, so that no value or key changes unseen.
  static std::optional<Decimal> parse_exact(std::string_view text, ParseError* error = nullptr);
  // A plain number, -?[0-9]+(.[0-9]+)? with at most 18 digits, in one pass: parse()'s fast
  // path, for readers that check a number's grammar themselves. Empty for any other text.
  static std::optional<Decimal> parse_plain(std::string_view text) {
    const char* p = text.data();
    const char* const end = p + text.size();
    const bool negative = p < end && *p == '-';
    p += negative;
    std::uint64_t m = 0;
    const char* const first = p;
    for (; p < end && *p >= '0' && *p <= '9'; ++p) m = m * 10 + static_cast<std::uint64_t>(*p - '0');
    int digits = static_cast<int>(p - first), fraction = 0;
    if (digits == 0) return std::nullopt;
    if (p < end && *p == '.') {
      const char* const point = ++p;
      for (; p < end && *p >= '0' && *p <= '9'; ++p) m = m * 10 + static_cast<std::uint64_t>(*p - '0');
      fraction = static_cast<int>(p - point);
      if (fraction == 0) return std::nullopt;
      digits += fraction;
    }
    if (p != end || digits > kMaxDigits) return std::nullopt;
    return from_digits(m, fraction, negative);
  }
  // The number of at most 18 digits `m` with `fraction` of them after the point. They fit, and
  // the exponent is in range, so only trailing zeros need stripping (what make() would do,
  // without its 128-bit loop).
  static Decimal from_digits(std::uint64_t m, int fraction, bool negative) {
    if (m == 0) return Decimal();
    std::int32_t e = -fraction;
    while (m % 10 == 0) {  // no trailing zeros: one form per value
      m /= 10;
      ++e;
    }
    const auto c = static_cast<std::int64_t>(m);
    return Decimal(negative ? -c : c, e);
  }

  Result add(const Decimal& o) const;
  Result sub(const Decimal& o) const;
  Result mul(const Decimal& o) const;
  Result div(const Decimal& o) const;
  // The same quotient digit by digit in 128-bit arithmetic: the reference div() is tested
  // against (tests/unit/decimal_test.cpp).
  Result div_wide(const Decimal& o) const;
  // Rounds half-even to `places` digits after the decimal point (negative: to tens, hundreds...).
  Result round(int places) const;
  // To a whole number, toward minus infinity (floor) or plus infinity (`up`: ceil).
  Result to_whole(bool up) const;
  // The remainder of dividing by `o`, with the sign of `o` (floored, as in spreadsheets and
  // Python): mod(-7, 3) is 2. Exact; division by zero as for div().
  Result mod(const Decimal& o) const;
  Decimal negate() const { return Decimal(-coefficient_, exponent_); }
  Decimal abs() const { return coefficient_ < 0 ? negate() : *this; }

  // Numeric comparison: -1, 0, 1 (2.20 == 2.2). Inline for typical facts, whose coefficients
  // align in 64 bits: rules compare numbers more than they do anything else.
  int compare(const Decimal& o) const {
    if (exponent_ == o.exponent_) return (coefficient_ > o.coefficient_) - (coefficient_ < o.coefficient_);
    const std::int64_t diff = static_cast<std::int64_t>(exponent_) - o.exponent_;
    std::int64_t scaled;
    if (diff > 0 && diff <= 18 && !__builtin_mul_overflow(coefficient_, static_cast<std::int64_t>(detail::kPow10[diff]), &scaled)) {
      return (scaled > o.coefficient_) - (scaled < o.coefficient_);
    }
    if (diff < 0 && diff >= -18 && !__builtin_mul_overflow(o.coefficient_, static_cast<std::int64_t>(detail::kPow10[-diff]), &scaled)) {
      return (coefficient_ > scaled) - (coefficient_ < scaled);
    }
    return compare_unaligned(o);
  }
  bool operator==(const Decimal& o) const { return coefficient_ == o.coefficient_ && exponent_ == o.exponent_; }
  bool operator<(const Decimal& o) const { return compare(o) < 0; }

  // The value as an integer, when it is a whole number of at most 18 digits.
  std::optional<std::int64_t> to_integer() const;
  bool is_zero() const { return coefficient_ == 0; }
  bool is_negative() const { return coefficient_ < 0; }
  std::int64_t coefficient() const { return coefficient_; }
  std::int32_t exponent() const { return exponent_; }

  // Shortest exact text: 120000, 0.2, -20, 1.6, 1.5e+300 for very large or small values.
  std::string to_string() const;
  void append_to(std::string& out) const;

 private:
  constexpr Decimal(std::int64_t c, std::int32_t e) : coefficient_(c), exponent_(e) {}
  static std::optional<Decimal> parse_number(std::string_view text, ParseError* error, bool exact);
  // Rounds (half-even, with `sticky` meaning nonzero digits were already dropped)
  // to 18 digits, strips trailing zeros and checks the exponent range.
  static Result make(__int128 coefficient, std::int64_t exponent, bool sticky = false);
  static Result make64(std::uint64_t magnitude, bool negative, std::int64_t exponent, bool sticky);
  int compare_unaligned(const Decimal& o) const;

  std::int64_t coefficient_ = 0;  // |c| < 10^18, no trailing zeros (0 has exponent 0)
  std::int32_t exponent_ = 0;
};

// A result that may have failed (overflow, division by zero).
struct DecimalResult {
  DecimalStatus status = DecimalStatus::ok;
  Decimal value;
};

}  // namespace tenet::core
