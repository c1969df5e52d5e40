// The canonical text of a parsed policy: one declaration per block in a fixed order, the
// fewest parentheses the precedence needs, strings re-escaped. Parsing the printed text
// gives the same AST again (tests/fuzz/fuzz_roundtrip.cpp checks that on fuzzed policies);
// it is the start of a `tenet fmt`, which would still need to keep comments.
#pragma once

#include <string>

#include "dsl/ast.hpp"

namespace tenet {

std::string print_policy(const ast::Module& module);
std::string print_expr(const ast::Expr& expr);

}  // namespace tenet
