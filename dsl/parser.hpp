// Policy text -> AST, or diagnostics. The only file that includes PEGTL is parser.cpp:
// grammar failures become Diagnostics at that border.
#pragma once

#include "dsl/ast.hpp"
#include "dsl/diagnostics.hpp"
#include "dsl/source.hpp"

namespace tenet::core {

struct ParseResult {
  ast::Module module;
  Diagnostics diagnostics;  // syntax errors, one per declaration that failed
};

ParseResult parse(const SourceFile& source);

// Runs pegtl::analyze over the grammar; returns the number of problems (0 is good).
std::size_t analyze_grammar();

}  // namespace tenet::core
