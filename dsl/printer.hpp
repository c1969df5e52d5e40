// The canonical text of a parsed policy: one declaration per block in a fixed order, the
// fewest parentheses the precedence needs, strings re-escaped, numbers as written, a long
// `when` one top-level and/or operand a line. Parsing the printed text gives the same AST again
// (tests/fuzz/fuzz_roundtrip.cpp checks that on fuzzed policies); `tenet fmt` (formatter.cpp)
// puts the comments back around these lines.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "dsl/ast.hpp"

namespace tenet::core {

// One printed line or block of lines, with the source range it was printed from.
struct PrintedItem {
  std::uint32_t begin = 0, end = 0;  // source offsets
  std::string text;                  // its lines, each ending in '\n'
  bool inner = false;                // inside a block: comments before it are indented
  bool blank_after = false;          // a blank line follows (between declarations)
};

std::vector<PrintedItem> print_items(const ast::Module& module);
std::string print_policy(const ast::Module& module);
std::string print_expr(const ast::Expr& expr);

}  // namespace tenet::core
