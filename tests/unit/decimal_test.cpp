#include <catch2/catch.hpp>

#include "dsl/base/decimal.hpp"

using tenet::core::Decimal;

namespace {
Decimal d(const char* text) {
  auto v = Decimal::parse(text);
  REQUIRE(v);
  return *v;
}
std::string str(Decimal::Result r) {
  REQUIRE(r.status == Decimal::Status::ok);
  return r.value.to_string();
}
}  // namespace

TEST_CASE("decimal: the auditor's identities hold exactly") {
  CHECK(d("2.2").sub(d("1.5")).value == d("0.7"));
  CHECK(d("0.1").mul(d("3")).value == d("0.3"));
  CHECK(d("0.1").add(d("0.2")).value == d("0.3"));
  CHECK_FALSE(d("0.7") < d("2.2").sub(d("1.5")).value);
  CHECK(str(d("2.30").sub(d("0.7"))) == "1.6");
}

TEST_CASE("decimal: parsing reads the exact text") {
  CHECK(d("120000").to_string() == "120000");
  CHECK(d("2.20").to_string() == "2.2");
  CHECK(d("-20").to_string() == "-20");
  CHECK(d("0.05").to_string() == "0.05");
  CHECK(d("1_000_000").to_string() == "1000000");
  CHECK(d("1e6").to_string() == "1000000");
  CHECK(d("3.0E-2").to_string() == "0.03");
  CHECK(d("-0").to_string() == "0");
  CHECK(d("9007199254740993").to_string() == "9007199254740993");  // beyond 2^53, still exact
  CHECK(d("000123.4500").to_string() == "123.45");
  CHECK_FALSE(Decimal::parse(""));
  CHECK_FALSE(Decimal::parse("abc"));
  CHECK_FALSE(Decimal::parse("1e"));
  CHECK_FALSE(Decimal::parse("1.2.3"));
  CHECK_FALSE(Decimal::parse("NaN"));
  CHECK_FALSE(Decimal::parse("Infinity"));
}

TEST_CASE("decimal: parse() rounds beyond 18 digits half-even (facts and policies are read with parse_exact)") {
  CHECK(d("1234567890123456789").to_string() == "1234567890123456790");
  CHECK(d("1234567890123456785").to_string() == "1234567890123456780");    // tie to even
  CHECK(d("1234567890123456775").to_string() == "1234567890123456780");    // tie to even
  CHECK(d("12345678901234567851").to_string() == "12345678901234567900");  // beyond the tie
  CHECK(d("0.1234567890123456789").to_string() == "0.123456789012345679");
}

TEST_CASE("decimal: the exponent range is checked") {
  Decimal::ParseError why = Decimal::ParseError::none;
  CHECK_FALSE(Decimal::parse("1e400", &why));
  CHECK(why == Decimal::ParseError::out_of_range);
  CHECK_FALSE(Decimal::parse("1e-400", &why));
  CHECK(why == Decimal::ParseError::out_of_range);
  CHECK(d("1e300").to_string() == "1e+300");
  CHECK(d("1e-300").to_string() == "1e-300");
  CHECK(d("9e300").mul(d("10")).status == Decimal::Status::overflow);
  CHECK(d("1e-300").div(d("1e10")).status == Decimal::Status::overflow);
}

TEST_CASE("decimal: division rounds half-even to 18 significant digits") {
  CHECK(str(d("1").div(d("3"))) == "0.333333333333333333");
  CHECK(str(d("2").div(d("3"))) == "0.666666666666666667");
  CHECK(str(d("10").div(d("4"))) == "2.5");
  CHECK(str(d("-7").div(d("2"))) == "-3.5");
  CHECK(str(d("120000").div(d("80000"))) == "1.5");
  CHECK(d("1").div(d("0")).status == Decimal::Status::division_by_zero);
  CHECK(str(d("0").div(d("5"))) == "0");
}

TEST_CASE("decimal: addition far apart in magnitude rounds correctly") {
  CHECK(str(d("1e20").add(d("999999999999999999"))) == "101000000000000000000");
  CHECK(str(d("1e30").add(d("1"))) == "1e+30");
  CHECK(str(d("100000000000000000").sub(d("1e-30"))) == "100000000000000000");
  CHECK(str(d("999999999999999999").add(d("1"))) == "1000000000000000000");
  CHECK(str(d("0.1").sub(d("0.1"))) == "0");
}

TEST_CASE("decimal: comparison is numeric") {
  CHECK(d("2.20").compare(d("2.2")) == 0);
  CHECK(d("-1").compare(d("0.5")) < 0);
  CHECK(d("1e10").compare(d("9999999999")) > 0);
  CHECK(d("-1e10").compare(d("-9999999999")) < 0);
  CHECK(d("0").compare(d("-0.0001")) > 0);
  CHECK(d("0.3").compare(d("0.29999999999999999")) > 0);
}

TEST_CASE("decimal: printing is the shortest exact form") {
  CHECK(d("0.2").to_string() == "0.2");
  CHECK(d("1.6").to_string() == "1.6");
  CHECK(d("0.0000001").to_string() == "0.0000001");
  CHECK(d("0.00000001").to_string() == "1e-8");
  CHECK(d("123456789012345678e3").to_string() == "123456789012345678000");
  CHECK(d("1e21").to_string() == "1e+21");
  CHECK(d("-1.25e-10").to_string() == "-1.25e-10");
}

TEST_CASE("decimal: round() is half-even at the given place") {
  CHECK(str(d("33.33333").round(1)) == "33.3");
  CHECK(str(d("2.25").round(1)) == "2.2");
  CHECK(str(d("2.35").round(1)) == "2.4");
  CHECK(str(d("-2.35").round(1)) == "-2.4");
  CHECK(str(d("2.5").round(0)) == "2");
  CHECK(str(d("3.5").round(0)) == "4");
  CHECK(str(d("1234").round(-2)) == "1200");
  CHECK(str(d("1.5").round(3)) == "1.5");
  CHECK(str(d("1e-30").round(2)) == "0");
  CHECK(str(d("0.0049").round(2)) == "0");
  CHECK(str(d("0.005").round(2)) == "0");
  CHECK(str(d("0.015").round(2)) == "0.02");
}

TEST_CASE("decimal: to_integer() for whole numbers only") {
  CHECK(d("10").to_integer() == 10);
  CHECK(d("-3").to_integer() == -3);
  CHECK_FALSE(d("2.5").to_integer());
  CHECK_FALSE(d("1e30").to_integer());
}

TEST_CASE("decimal: parse_plain() reads plain numbers as parse() does, and declines the rest") {
  using tenet::core::Decimal;
  for (const char* text : {"0", "-0", "007", "12.50", "-0.001", "20000", "999999999999999999", "-123456789.123456789"}) {
    INFO(text);
    const auto plain = Decimal::parse_plain(text);
    REQUIRE(plain);
    CHECK(*plain == *Decimal::parse(text));
  }
  CHECK(Decimal::parse_plain("12.50")->to_string() == "12.5");
  CHECK(Decimal::parse_plain("-0")->to_string() == "0");
  for (const char* text : {"", "-", "1.", ".5", "+1", "1e3", "1_000", "1.2.3", "1234567890123456789", " 1", "1 ", "0x10"}) {
    INFO(text);
    CHECK_FALSE(Decimal::parse_plain(text));
  }
}

TEST_CASE("decimal: 64-bit division gives the digit-at-a-time 128-bit quotient exactly") {
  // Edges first: repeating fractions, 18-digit operands, exact quotients, huge and tiny
  // exponents, signs; then random operands of every length.
  const char* edges[] = {"1",
                         "3",
                         "7",
                         "10",
                         "0.5",
                         "-2",
                         "999999999999999999",
                         "100000000000000000",
                         "123456789012345678",
                         "0.000000000000000001",
                         "1e290",
                         "-1e-290",
                         "2.5",
                         "0.1",
                         "33"};
  std::vector<Decimal> values;
  for (const char* e : edges) values.push_back(d(e));
  std::uint64_t state = 0x2545F4914F6CDD1Dull;
  const auto next = [&] {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
  };
  for (int i = 0; i < 20000; ++i) {
    const int digits = 1 + static_cast<int>(next() % 18);
    std::uint64_t limit = 1;
    for (int k = 0; k < digits; ++k) limit *= 10;
    const auto coefficient = static_cast<std::int64_t>(next() % limit) * ((next() & 1) ? -1 : 1);
    const auto exponent = static_cast<std::int64_t>(next() % 41) - 20;
    values.push_back(Decimal::from_int(coefficient).mul(Decimal::parse("1e" + std::to_string(exponent)).value()).value);
  }
  std::size_t compared = 0;
  for (std::size_t i = 0; i + 1 < values.size(); ++i) {
    for (std::size_t j : {i + 1, (i * 7919) % values.size()}) {
      const auto fast = values[i].div(values[j]);
      const auto wide = values[i].div_wide(values[j]);
      INFO(values[i].to_string() << " / " << values[j].to_string());
      REQUIRE(fast.status == wide.status);
      REQUIRE(fast.value.coefficient() == wide.value.coefficient());
      REQUIRE(fast.value.exponent() == wide.value.exponent());
      ++compared;
    }
  }
  CHECK(compared == 2 * (values.size() - 1));
  CHECK(str(d("1").div(d("3"))) == "0.333333333333333333");
  CHECK(str(d("2").div(d("3"))) == "0.666666666666666667");
  CHECK(str(d("999999999999999999").div(d("7"))) == "142857142857142857");
}

TEST_CASE("decimal: floor and ceil go toward minus and plus infinity") {
  CHECK(str(d("-2.5").to_whole(false)) == "-3");
  CHECK(str(d("-2.5").to_whole(true)) == "-2");
  CHECK(str(d("2.5").to_whole(false)) == "2");
  CHECK(str(d("0.001").to_whole(true)) == "1");
  CHECK(str(d("-1e-30").to_whole(false)) == "-1");
  CHECK(str(d("1e-30").to_whole(false)) == "0");
  CHECK(str(d("7").to_whole(true)) == "7");
  CHECK(str(d("1e20").to_whole(false)) == d("1e20").to_string());
}

TEST_CASE("decimal: mod is exact, with the sign of the divisor") {
  // Against integer arithmetic on thousandths, over a grid of both signs.
  for (std::int64_t a = -5000; a <= 5000; a += 37) {
    for (const std::int64_t b : {-3000, -700, -1, 250, 1000, 2500, 3000}) {
      std::int64_t r = a % b;
      if (r != 0 && ((r < 0) != (b < 0))) r += b;
      const auto text = [](std::int64_t thousandths) { return std::to_string(thousandths) + "e-3"; };
      INFO(a << "e-3 mod " << b << "e-3");
      const auto got = d(text(a).c_str()).mod(d(text(b).c_str()));
      REQUIRE(got.status == Decimal::Status::ok);
      CHECK(got.value.compare(d(text(r).c_str())) == 0);
    }
  }
  CHECK(str(d("-7").mod(d("3"))) == "2");
  CHECK(str(d("7").mod(d("-3"))) == "-2");
  CHECK(str(d("1e300").mod(d("7"))) == "1");  // 10^300 = (10^6)^50 and 10^6 = 1 modulo 7
  CHECK(str(d("5e-300").mod(d("3"))) == "5e-300");
  CHECK(d("1").mod(d("0")).status == Decimal::Status::division_by_zero);
  // -1 + 10^20 needs 20 digits: unknown (overflow), never a rounded result.
  CHECK(d("-1").mod(d("1e20")).status == Decimal::Status::overflow);
  CHECK(str(d("1").mod(d("1e20"))) == "1");
}

TEST_CASE("decimal: parse_exact refuses what 18 significant digits cannot hold, never rounds") {
  using tenet::core::Decimal;
  Decimal::ParseError why = Decimal::ParseError::none;
  CHECK_FALSE(Decimal::parse_exact("12345678901234567891", &why));
  CHECK(why == Decimal::ParseError::inexact);
  CHECK_FALSE(Decimal::parse_exact("0.1234567890123456789", &why));
  CHECK(why == Decimal::ParseError::inexact);
  CHECK_FALSE(Decimal::parse_exact("1234567890123456789000", &why));
  CHECK(why == Decimal::ParseError::inexact);
  // What is dropped is zeros: exact.
  CHECK(Decimal::parse_exact("123456789012345678000", &why)->to_string() == "123456789012345678000");
  CHECK(Decimal::parse_exact("1.50000000000000000000000", &why)->to_string() == "1.5");
  CHECK(Decimal::parse_exact("000000000000000000000012.5", &why)->to_string() == "12.5");
  // parse() still rounds half-even to 18 digits, for text Tenet wrote itself.
  CHECK(Decimal::parse("12345678901234567891")->to_string() == "12345678901234567900");
  CHECK_FALSE(Decimal::parse_exact("1e400", &why));
  CHECK(why == Decimal::ParseError::out_of_range);
}
