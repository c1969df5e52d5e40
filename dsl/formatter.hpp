// `tenet fmt`: a policy's canonical text (printer.hpp) with every comment put back where its
// author put it: above the declaration, field or clause it preceded, or at the end of the line it
// ended (a comment inside a multi-line condition ends that condition's line).
#pragma once

#include <string>

#include "dsl/ast.hpp"
#include "dsl/source.hpp"

namespace tenet::core {

// `module` is what parse(source) gave, without syntax errors.
std::string format_policy(const ast::Module& module, const SourceFile& source);

// The `#` comments of a policy text, outside strings (each without its line end).
std::vector<std::pair<std::uint32_t, std::string>> find_comments(std::string_view text);

}  // namespace tenet::core
