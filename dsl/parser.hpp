// Policy text -> AST, or diagnostics. The only file that includes PEGTL is parser.cpp:
// grammar failures become Diagnostics at that border.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "dsl/ast.hpp"
#include "dsl/diagnostics.hpp"
#include "dsl/source.hpp"

namespace tenet::core {

struct ParseResult {
  ast::Module module;
  Diagnostics diagnostics;  // syntax errors, one per declaration that failed
};

ParseResult parse(const SourceFile& source);

// A number as a policy writes it (`12`, `1_000`, `1e6`, `30%`): its exact value, or the words of
// the policy error when it has none (out of range, or more than 18 significant digits); neither
// when the text is not a number at all.
struct NumberLiteral {
  std::optional<Decimal> value;
  std::string problem;
};
NumberLiteral read_number_literal(std::string_view text);

// Runs pegtl::analyze over the grammar; returns the number of problems (0 is good).
std::size_t analyze_grammar();

}  // namespace tenet::core
