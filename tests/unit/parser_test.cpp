#include <catch2/catch.hpp>

#include "dsl/parser.hpp"
#include "helpers.hpp"

using tenet::core::ast::ExprKind;
using tenet::core::ast::Op;

namespace {

// Renders an expression tree with explicit grouping, to pin precedence.
std::string shape(const tenet::core::ast::Expr& e) {
  switch (e.kind) {
    case ExprKind::number: return e.number.to_string();
    case ExprKind::string: return "\"" + e.string_value + "\"";
    case ExprKind::boolean: return e.boolean ? "true" : "false";
    case ExprKind::name: return e.name;
    case ExprKind::collection: {
      std::string s = e.is_set ? "{" : "[";
      for (std::size_t i = 0; i < e.operands.size(); ++i) s += (i ? "," : "") + shape(*e.operands[i]);
      return s + (e.is_set ? "}" : "]");
    }
    case ExprKind::unary: return std::string("(") + tenet::core::ast::op_text(e.op) + " " + shape(*e.operands[0]) + ")";
    case ExprKind::binary: return "(" + shape(*e.operands[0]) + " " + tenet::core::ast::op_text(e.op) + " " + shape(*e.operands[1]) + ")";
    case ExprKind::between:
      return "(" + shape(*e.operands[0]) + " between " + shape(*e.operands[1]) + " and " + shape(*e.operands[2]) + ")";
    case ExprKind::presence: return "(" + shape(*e.operands[0]) + (e.tests_missing ? " is missing)" : " is present)");
    case ExprKind::call: {
      std::string s = e.name + "(";
      for (std::size_t i = 0; i < e.operands.size(); ++i) s += (i ? ", " : "") + shape(*e.operands[i]);
      return s + ")";
    }
  }
  return "?";
}

std::string parse_let(const std::string& expr) {
  tenet::core::SourceFile source("t.tenet", "let x = " + expr + "\n");
  auto result = tenet::core::parse(source);
  INFO(tenet::core::render(source, result.diagnostics));
  REQUIRE_FALSE(result.diagnostics.has_errors());
  REQUIRE(result.module.lets.size() == 1);
  return shape(*result.module.lets[0].value);
}

}  // namespace

TEST_CASE("parser: the grammar has no left recursion or empty loops (pegtl::analyze)") { CHECK(tenet::core::analyze_grammar() == 0); }

TEST_CASE("parser: operator precedence, loosest to tightest") {
  CHECK(parse_let("a or b and c") == "(a or (b and c))");
  CHECK(parse_let("not a and b") == "((not a) and b)");
  CHECK(parse_let("not a > 1") == "(not (a > 1))");
  CHECK(parse_let("a + b * c > d - e / f") == "((a + (b * c)) > (d - (e / f)))");
  CHECK(parse_let("a - b - c") == "((a - b) - c)");
  CHECK(parse_let("-a * b") == "((- a) * b)");
  CHECK(parse_let("(a + b) * c") == "((a + b) * c)");
  CHECK(parse_let("x between 1 and 2 and y") == "((x between 1 and 2) and y)");
  CHECK(parse_let("x in S or x not in T") == "((x in S) or (x not in T))");
  CHECK(parse_let("A - B & C | D") == "((A - (B & C)) | D)");
  CHECK(parse_let("region is missing or nps is present") == "((region is missing) or (nps is present))");
}

TEST_CASE("parser: literals") {
  CHECK(parse_let("30%") == "0.3");
  CHECK(parse_let("1_000_000") == "1000000");
  CHECK(parse_let("-3.5") == "-3.5");
  CHECK(parse_let("1e6") == "1000000");
  CHECK(parse_let("\"a\\\"b\\\\c\\{\\}\"") == "\"a\"b\\c{}\"");
  CHECK(parse_let("{\"a\", \"b\"}") == "{\"a\",\"b\"}");
  CHECK(parse_let("[1, -2, 3.5]") == "[1,-2,3.5]");
  CHECK(parse_let("{}") == "{}");
  CHECK(parse_let("true and false") == "(true and false)");
}

TEST_CASE("parser: calls and graph references") {
  CHECK(parse_let("min(a, max(b, 2))") == "min(a, max(b, 2))");
  CHECK(parse_let("count(A - B) > 0") == "(count((A - B)) > 0)");
  CHECK(parse_let("fired(r) and flagged(f)") == "(fired(r) and flagged(f))");
  CHECK(parse_let("f()") == "f()");
}

TEST_CASE("parser: a because template splits into text and expressions") {
  tenet::core::SourceFile source("t.tenet", "rule r { when true then recommend a because \"cost {x + 1} of {y}\\{z\\}\" }");
  auto result = tenet::core::parse(source);
  REQUIRE_FALSE(result.diagnostics.has_errors());
  const auto& parts = result.module.rules.at(0).because->parts;
  REQUIRE(parts.size() == 5);
  CHECK(parts[0].text == "cost ");
  CHECK(shape(*parts[1].expr) == "(x + 1)");
  CHECK(parts[2].text == " of ");
  CHECK(shape(*parts[3].expr) == "y");
  CHECK(parts[4].text == "{z}");
  CHECK_FALSE(parts[4].expr);
}

TEST_CASE("parser: every node carries its source range") {
  tenet::core::SourceFile source("t.tenet", "let x = cost_to_serve > annual_revenue");
  auto result = tenet::core::parse(source);
  const auto& e = *result.module.lets.at(0).value;
  CHECK(source.slice(e.range) == "cost_to_serve > annual_revenue");
  CHECK(source.slice(e.operands[1]->range) == "annual_revenue");
  CHECK(source.locate(e.operands[1]->range.begin).column == 25);
}

TEST_CASE("parser: declarations, clauses and modifiers") {
  tenet::core::SourceFile source("t.tenet", R"(
policy p "Title" version "1.2.3"
schema s { id: string key
  tags: set<string> optional
  n: list<number> }
param k: number = 3
rule r { title "T" source "S" when true then recommend act priority -5 tags a, b }
rule f { when true then flag hot }
decision d { hit collect default none }
)");
  auto result = tenet::core::parse(source);
  INFO(tenet::core::render(source, result.diagnostics));
  REQUIRE_FALSE(result.diagnostics.has_errors());
  const auto& m = result.module;
  CHECK(m.policies.at(0).title == "Title");
  CHECK(m.policies.at(0).version == "1.2.3");
  const auto& fields = m.schemas.at(0).fields;
  REQUIRE(fields.size() == 3);
  CHECK(fields[0].is_key);
  CHECK(fields[1].is_optional);
  CHECK(tenet::core::type_name(fields[1].type) == "set<string>");
  CHECK(tenet::core::type_name(fields[2].type) == "list<number>");
  CHECK(m.rules.at(0).then->priority == -5);
  CHECK(m.rules.at(0).tags.size() == 2);
  CHECK(m.rules.at(1).then->kind == tenet::core::ast::ActionClause::Kind::flag);
  CHECK(*m.decisions.at(0).hit == tenet::core::ast::HitPolicy::collect);
  CHECK(m.decisions.at(0).default_action->text == "none");
}

TEST_CASE("parser: CRLF line ends, a BOM and comments are accepted") {
  tenet::core::SourceFile source("t.tenet", "\xEF\xBB\xBF# comment\r\nlet x = 1 # trailing\r\nlet y = 2\r\n");
  auto result = tenet::core::parse(source);
  CHECK_FALSE(result.diagnostics.has_errors());
  CHECK(result.module.lets.size() == 2);
}

TEST_CASE("parser: one syntax error per broken declaration, then it recovers") {
  tenet::core::SourceFile source("t.tenet", "let a = 1 +\nlet b = (2\nlet c = 3\nrule r { when }\nlet d = 4\n");
  auto result = tenet::core::parse(source);
  CHECK(result.diagnostics.error_count() == 3);
  CHECK(result.module.lets.size() == 2);  // c and d
  CHECK(result.module.incomplete);
}

TEST_CASE("parser: nesting is bounded, never a crash") {
  const std::string deep = "let a = " + std::string(100000, '(') + "x" + std::string(100000, ')');
  tenet::core::SourceFile source("t.tenet", deep);
  auto result = tenet::core::parse(source);
  REQUIRE(result.diagnostics.error_count() == 1);
  CHECK(result.diagnostics.sorted()[0].message == "nesting too deep (more than 64 levels of brackets, 'not' or '-')");
  std::string chain = "let a = x";
  for (int i = 0; i < 100000; ++i) chain += " + x";
  tenet::core::SourceFile long_source("t.tenet", chain);
  auto long_result = tenet::core::parse(long_source);
  REQUIRE(long_result.diagnostics.error_count() == 1);
  CHECK(long_result.diagnostics.sorted()[0].message == "expression too deep (more than 256 levels); split it with let");
}

TEST_CASE("parser: exactly at the nesting limit is accepted") {
  const std::string at_limit = "let a = " + std::string(64, '(') + "x" + std::string(64, ')');
  CHECK_FALSE(tenet::core::parse(tenet::core::SourceFile("t.tenet", at_limit)).diagnostics.has_errors());
  const std::string over = "let a = " + std::string(65, '(') + "x" + std::string(65, ')');
  CHECK(tenet::core::parse(tenet::core::SourceFile("t.tenet", over)).diagnostics.has_errors());
}

TEST_CASE("parser: invalid UTF-8, NUL bytes and garbage are errors") {
  CHECK(test::diagnostics(std::string("let a = \"\xC3\x28\"")) ==
        "test.tenet:1:10: error: invalid UTF-8 byte 0xC3 in the policy text\n  let a = \"?(\"\n           ^\n");
  CHECK(test::diagnostics(std::string("let a\0 = 1", 10)) ==
        "test.tenet:1:6: error: NUL byte in the policy text\n  let a? = 1\n       ^\n");
  std::string garbage;
  for (int i = 0; i < 4096; ++i) garbage.push_back(static_cast<char>((i * 7919) % 251 + 1));
  const auto result = tenet::core::parse(tenet::core::SourceFile("g.tenet", garbage));
  CHECK(result.diagnostics.has_errors());
}
