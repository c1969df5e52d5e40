// A policy file and the files it imports -> one merged module, or diagnostics.
// Sits between the parser (one file) and the checker (one module): every imported file is
// parsed once into the shared SourceSet, so a diagnostic anywhere points into the right file.
#pragma once

#include <functional>
#include <string>

#include "dsl/ast.hpp"
#include "dsl/diagnostics.hpp"
#include "dsl/source.hpp"

namespace tenet::core {

// Reads an imported file: fills `text`, or `error` (why it cannot be read) and returns false.
// dsl/ does no I/O of its own: the engine passes a reader of the file system, tests a map.
using ReadFile = std::function<bool(const std::string& path, std::string& text, std::string& error)>;

struct LoadResult {
  // The root's own declarations, after everything it imports (in import order, each
  // declaration once however often it is reached). An imported file's `policy` and
  // `decision` stay behind; a `schema` of the same name as an imported one extends it.
  ast::Module module;
  Diagnostics diagnostics;  // syntax errors of every file, unreadable files, cycles, unknown names
};

// Parses `sources.root()` and, through `read`, every file it imports (added to `sources`).
// An import's path is relative to the directory of the file that imports it.
LoadResult load(SourceSet& sources, const ReadFile& read);

}  // namespace tenet::core
