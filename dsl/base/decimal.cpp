#include "dsl/base/decimal.hpp"

#include <algorithm>
#include <cstdlib>

namespace tenet::core {

namespace {

constexpr __int128 pow10_128(int n) {
  __int128 r = 1;
  for (int i = 0; i < n; ++i) r *= 10;
  return r;
}

constexpr __int128 kLimit = pow10_128(Decimal::kMaxDigits);  // coefficients stay below this

using detail::kPow10;

int digit_count64(std::uint64_t v) {
  int n = 1;
  while (n < 20 && v >= kPow10[n]) ++n;
  return n;
}

int digit_count(unsigned __int128 v) {
  if (v <= UINT64_MAX) return digit_count64(static_cast<std::uint64_t>(v));
  int n = 1;
  while (v >= 10) {
    v /= 10;
    ++n;
  }
  return n;
}

unsigned __int128 magnitude(__int128 v) { return v < 0 ? static_cast<unsigned __int128>(-v) : static_cast<unsigned __int128>(v); }

}  // namespace

Decimal Decimal::from_int(std::int64_t v) { return make(v, 0).value; }

Decimal::Result Decimal::make(__int128 c, std::int64_t e, bool sticky) {
  // Down to 64 bits first: the digits dropped here all stand below the rounding digit that
  // make64() takes next (what is left is still at least 10^18), so they only make it sticky.
  unsigned __int128 m = magnitude(c);
  while (m > UINT64_MAX) {
    sticky = sticky || m % 10 != 0;
    m /= 10;
    ++e;
  }
  return make64(static_cast<std::uint64_t>(m), c < 0, e, sticky);
}

// Rounds half-even to kMaxDigits digits, strips trailing zeros, checks the exponent range:
// in 64-bit arithmetic, so no 128-bit division by 10.
Decimal::Result Decimal::make64(std::uint64_t m, bool negative, std::int64_t e, bool sticky) {
  constexpr std::uint64_t limit = kPow10[kMaxDigits];
  int round_digit = 0;
  while (m >= limit) {
    sticky = sticky || round_digit != 0;
    round_digit = static_cast<int>(m % 10);
    m /= 10;
    ++e;
  }
  if (round_digit > 5 || (round_digit == 5 && (sticky || (m & 1) != 0))) {
    ++m;
    if (m == limit) {
      m /= 10;
      ++e;
    }
  }
  if (m == 0) return {Status::ok, Decimal()};
  while (m % 10 == 0) {
    m /= 10;
    ++e;
  }
  const std::int64_t scientific = e + digit_count64(m) - 1;
  if (scientific > kMaxExponent || scientific < kMinExponent) return {Status::overflow, Decimal()};
  const auto coefficient = static_cast<std::int64_t>(m);
  return {Status::ok, Decimal(negative ? -coefficient : coefficient, static_cast<std::int32_t>(e))};
}

std::optional<Decimal> Decimal::parse(std::string_view s, ParseError* error) { return parse_number(s, error, false); }
std::optional<Decimal> Decimal::parse_exact(std::string_view s, ParseError* error) { return parse_number(s, error, true); }

std::optional<Decimal> Decimal::parse_number(std::string_view s, ParseError* error, bool exact) {
  // Fast path: the shape of nearly every fact; anything else takes the general path below.
  if (auto plain = parse_plain(s)) {
    if (error) *error = ParseError::none;
    return plain;
  }
  auto fail = [&](ParseError why) -> std::optional<Decimal> {
    if (error) *error = why;
    return std::nullopt;
  };
  if (error) *error = ParseError::none;
  std::size_t i = 0;
  bool negative = false;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) negative = s[i++] == '-';
  unsigned __int128 m = 0;
  int kept = 0;  // significant digits kept in m
  std::int64_t exponent = 0;
  bool sticky = false, any_digit = false, seen_point = false;
  for (; i < s.size(); ++i) {
    const char ch = s[i];
    if (ch == '_' && any_digit && i + 1 < s.size() && s[i + 1] >= '0' && s[i + 1] <= '9') continue;
    if (ch == '.' && !seen_point) {
      seen_point = true;
      continue;
    }
    if (ch < '0' || ch > '9') break;
    any_digit = true;
    const int d = ch - '0';
    if (kept < kMaxDigits + 1) {
      if (m != 0 || d != 0) {
        m = m * 10 + static_cast<unsigned>(d);
        ++kept;
      }
      if (seen_point) --exponent;
    } else {
      // digits beyond what we keep only decide the rounding
      sticky = sticky || d != 0;
      if (!seen_point) ++exponent;
    }
  }
  if (!any_digit) return fail(ParseError::syntax);
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    bool exp_negative = false;
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) exp_negative = s[i++] == '-';
    if (i >= s.size()) return fail(ParseError::syntax);
    std::int64_t e = 0;
    for (; i < s.size(); ++i) {
      if (s[i] < '0' || s[i] > '9') return fail(ParseError::syntax);
      if (e < 100000) e = e * 10 + (s[i] - '0');
    }
    exponent += exp_negative ? -e : e;
  }
  if (i != s.size()) return fail(ParseError::syntax);
  // Kept: up to 19 digits, rounded to 18 below; exact when what is dropped is all zeros.
  if (exact && (sticky || (kept > kMaxDigits && m % 10 != 0))) return fail(ParseError::inexact);
  Result r = make(negative ? -static_cast<__int128>(m) : static_cast<__int128>(m), exponent, sticky);
  if (r.status != Status::ok) return fail(ParseError::out_of_range);
  return r.value;
}

Decimal::Result Decimal::add(const Decimal& o) const {
  if (coefficient_ == 0) return {Status::ok, o};
  if (o.coefficient_ == 0) return {Status::ok, *this};
  const Decimal& hi = exponent_ >= o.exponent_ ? *this : o;  // the one with the larger exponent
  const Decimal& lo = exponent_ >= o.exponent_ ? o : *this;
  const std::int64_t shift = static_cast<std::int64_t>(hi.exponent_) - lo.exponent_;
  if (shift <= 19) {
    const __int128 sum = static_cast<__int128>(hi.coefficient_) * pow10_128(static_cast<int>(shift)) + lo.coefficient_;
    return make(sum, lo.exponent_);
  }
  // Widen hi to 18 digits; if lo is still more than 19 places below, it lies under the
  // rounding digit and only decides which way a tie goes: scale hi by 10^19 and add
  // lo's sign as a sticky unit, then let make() round.
  const int widen = kMaxDigits - digit_count(magnitude(hi.coefficient_));
  const __int128 wide = static_cast<__int128>(hi.coefficient_) * pow10_128(widen);
  const std::int64_t wide_exponent = static_cast<std::int64_t>(hi.exponent_) - widen;
  const std::int64_t wide_shift = wide_exponent - lo.exponent_;
  if (wide_shift <= 19) return make(wide * pow10_128(static_cast<int>(wide_shift)) + lo.coefficient_, lo.exponent_);
  return make(wide * pow10_128(19) + (lo.coefficient_ < 0 ? -1 : 1), wide_exponent - 19);
}

std::optional<std::int64_t> Decimal::to_integer() const {
  if (exponent_ < 0) return std::nullopt;
  __int128 v = coefficient_;
  for (std::int32_t i = 0; i < exponent_; ++i) {
    v *= 10;
    if (v >= kLimit || v <= -kLimit) return std::nullopt;
  }
  return static_cast<std::int64_t>(v);
}

Decimal::Result Decimal::round(int places) const {
  const std::int64_t drop = -static_cast<std::int64_t>(places) - exponent_;  // digits to remove
  if (drop <= 0 || coefficient_ == 0) return {Status::ok, *this};
  if (drop > kMaxDigits) return {Status::ok, Decimal()};  // below half a unit of the last place
  const __int128 unit = pow10_128(static_cast<int>(drop));
  const __int128 c = coefficient_;
  __int128 q = c / unit;
  const __int128 r = c % unit;
  const __int128 twice = 2 * (r < 0 ? -r : r);
  if (twice > unit || (twice == unit && (q & 1) != 0)) q += c < 0 ? -1 : 1;
  return make(q, static_cast<std::int64_t>(exponent_) + drop);
}

Decimal::Result Decimal::to_whole(bool up) const {
  const std::int64_t drop = -static_cast<std::int64_t>(exponent_);  // digits after the point
  if (drop <= 0 || coefficient_ == 0) return {Status::ok, *this};
  if (drop > kMaxDigits) {  // 0 < |x| < 1
    const bool negative = coefficient_ < 0;
    return {Status::ok, Decimal::from_int(up ? (negative ? 0 : 1) : (negative ? -1 : 0))};
  }
  const __int128 unit = pow10_128(static_cast<int>(drop));
  __int128 q = coefficient_ / unit;  // toward zero
  if (coefficient_ % unit != 0) {
    if (up && coefficient_ > 0) ++q;
    if (!up && coefficient_ < 0) --q;
  }
  return make(q, 0);
}

Decimal::Result Decimal::mod(const Decimal& o) const {
  if (o.coefficient_ == 0) return {Status::division_by_zero, Decimal()};
  // Both on the smaller exponent. Then either a or b is its own coefficient (below 10^18), and
  // the other is scaled: b by at most 10^18 (beyond, |b| > |a| and the result is a or a + b), a
  // by any power of ten, reduced modulo b as its zeros are appended, so nothing overflows.
  const int e = std::min(exponent_, o.exponent_);
  const int shift_a = exponent_ - e, shift_b = o.exponent_ - e;
  const bool negative_a = coefficient_ < 0, negative_b = o.coefficient_ < 0;
  if (shift_b > kMaxDigits) {
    if (coefficient_ == 0 || negative_a == negative_b) return {Status::ok, *this};
    return {Status::overflow, Decimal()};  // a + b: more digits than a decimal holds
  }
  const __int128 b = static_cast<__int128>(o.coefficient_) * pow10_128(shift_b);
  __int128 a = coefficient_;
  for (int s = shift_a; s > 0;) {
    const int step = std::min(s, static_cast<int>(kMaxDigits));
    a = (a % b) * pow10_128(step);
    s -= step;
  }
  __int128 r = a % b;
  if (r != 0 && ((r < 0) != negative_b)) r += b;
  if ((r < 0 ? -r : r) >= kLimit) return {Status::overflow, Decimal()};  // never rounded: the result is exact or unknown
  return make(r, e);
}

Decimal::Result Decimal::sub(const Decimal& o) const { return add(o.negate()); }

Decimal::Result Decimal::mul(const Decimal& o) const {
  const __int128 product = static_cast<__int128>(coefficient_) * o.coefficient_;
  return make(product, static_cast<std::int64_t>(exponent_) + o.exponent_);
}

// Long division to 19 significant digits (one beyond what is kept, for rounding) or until
// exact, then make() rounds half-even. Coefficients are below 10^18, so the remainder (below the
// divisor) times 10^m stays below 10^19 < 2^64 while m <= 19 - digits(divisor), and so does the
// quotient while it has at most 19 digits: the whole division runs in 64-bit arithmetic, taking
// as many digits per step as fit (two steps for the usual money and rate values) instead of one
// 128-bit division per digit. div_wide() is the digit-at-a-time 128-bit form it is tested against.
Decimal::Result Decimal::div(const Decimal& o) const {
  if (o.coefficient_ == 0) return {Status::division_by_zero, Decimal()};
  if (coefficient_ == 0) return {Status::ok, Decimal()};
  const bool negative = (coefficient_ < 0) != (o.coefficient_ < 0);
  const auto divisor = static_cast<std::uint64_t>(magnitude(o.coefficient_));
  const auto dividend = static_cast<std::uint64_t>(magnitude(coefficient_));
  std::uint64_t quotient = dividend / divisor;
  std::uint64_t remainder = dividend % divisor;
  std::int64_t exponent = static_cast<std::int64_t>(exponent_) - o.exponent_;
  const int room = kMaxDigits + 1 - digit_count64(divisor);  // digits a step may take
  while (remainder != 0) {
    const int digits = quotient == 0 ? 0 : digit_count64(quotient);
    if (digits > kMaxDigits) break;
    const int m = std::min(room, kMaxDigits + 1 - digits);
    const std::uint64_t scaled = remainder * kPow10[m];
    quotient = quotient * kPow10[m] + scaled / divisor;
    remainder = scaled % divisor;
    exponent -= m;
  }
  return make64(quotient, negative, exponent, remainder != 0);
}

Decimal::Result Decimal::div_wide(const Decimal& o) const {
  if (o.coefficient_ == 0) return {Status::division_by_zero, Decimal()};
  if (coefficient_ == 0) return {Status::ok, Decimal()};
  const bool negative = (coefficient_ < 0) != (o.coefficient_ < 0);
  const unsigned __int128 divisor = magnitude(o.coefficient_);
  unsigned __int128 remainder = magnitude(coefficient_);
  unsigned __int128 quotient = remainder / divisor;
  remainder %= divisor;
  std::int64_t exponent = static_cast<std::int64_t>(exponent_) - o.exponent_;
  while (remainder != 0 && (quotient == 0 || digit_count(quotient) <= kMaxDigits)) {
    remainder *= 10;
    quotient = quotient * 10 + remainder / divisor;
    remainder %= divisor;
    --exponent;
  }
  const __int128 q = static_cast<__int128>(quotient);
  return make(negative ? -q : q, exponent, remainder != 0);
}

int Decimal::compare_unaligned(const Decimal& o) const {
  if ((coefficient_ < 0) != (o.coefficient_ < 0) || coefficient_ == 0 || o.coefficient_ == 0) {
    const __int128 a = coefficient_, b = o.coefficient_;
    const int sa = (a > 0) - (a < 0), sb = (b > 0) - (b < 0);
    return sa < sb ? -1 : (sa > sb ? 1 : 0);
  }
  // Same sign, both nonzero: compare magnitudes by scientific exponent first.
  const int sign = coefficient_ < 0 ? -1 : 1;
  const std::int64_t sci_a = exponent_ + digit_count(magnitude(coefficient_));
  const std::int64_t sci_b = o.exponent_ + digit_count(magnitude(o.coefficient_));
  if (sci_a != sci_b) return sci_a < sci_b ? -sign : sign;
  // Same scientific exponent: exponents differ by at most 17, so aligning fits in __int128.
  __int128 a = magnitude(coefficient_), b = magnitude(o.coefficient_);
  if (exponent_ > o.exponent_) a *= pow10_128(exponent_ - o.exponent_);
  if (o.exponent_ > exponent_) b *= pow10_128(o.exponent_ - exponent_);
  if (a == b) return 0;
  return a < b ? -sign : sign;
}

void Decimal::append_to(std::string& out) const {
  if (coefficient_ < 0) out.push_back('-');
  // The digits of the coefficient, without allocating.
  char buffer[24];
  char* end = buffer + sizeof buffer;
  char* begin = end;
  std::uint64_t m = coefficient_ < 0 ? static_cast<std::uint64_t>(-coefficient_) : static_cast<std::uint64_t>(coefficient_);
  do {
    *--begin = static_cast<char>('0' + m % 10);
    m /= 10;
  } while (m != 0);
  const std::string_view digits(begin, static_cast<std::size_t>(end - begin));
  const std::int64_t n = static_cast<std::int64_t>(digits.size());
  const std::int64_t sci = exponent_ + n - 1;  // exponent of the leading digit
  if (exponent_ >= 0 && sci < 21) {
    out += digits;
    out.append(static_cast<std::size_t>(exponent_), '0');
  } else if (exponent_ < 0 && sci >= -7) {
    const std::int64_t point = n + exponent_;  // digits before the decimal point
    if (point > 0) {
      out += digits.substr(0, static_cast<std::size_t>(point));
      out.push_back('.');
      out += digits.substr(static_cast<std::size_t>(point));
    } else {
      out += "0.";
      out.append(static_cast<std::size_t>(-point), '0');
      out += digits;
    }
  } else {
    out.push_back(digits[0]);
    if (n > 1) {
      out.push_back('.');
      out += digits.substr(1);
    }
    out.push_back('e');
    out += sci < 0 ? "-" : "+";
    out += std::to_string(sci < 0 ? -sci : sci);
  }
}

std::string Decimal::to_string() const {
  std::string out;
  append_to(out);
  return out;
}

}  // namespace tenet::core
