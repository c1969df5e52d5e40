// Diagnostics are data: collected from every stage, sorted by position, rendered once.
#pragma once

#include <string>
#include <vector>

#include "dsl/source.hpp"

namespace tenet::core {

enum class Severity { error, warning, note };

// A secondary location that explains a diagnostic ("first declared here").
struct DiagnosticNote {
  SourceRange range;
  std::string message;
};

// One problem found in a policy: where, how bad, what, and related places.
struct Diagnostic {
  Severity severity = Severity::error;
  SourceRange range;
  std::string message;
  std::vector<DiagnosticNote> notes;
};

class Diagnostics {
 public:
  void error(SourceRange range, std::string message, std::vector<DiagnosticNote> notes = {});
  void warning(SourceRange range, std::string message, std::vector<DiagnosticNote> notes = {});
  void append(const Diagnostics& other);

  bool has_errors() const;
  std::size_t error_count() const;
  bool empty() const { return items_.empty(); }
  // Sorted by position (then severity), as they are rendered.
  std::vector<Diagnostic> sorted() const;

 private:
  std::vector<Diagnostic> items_;
};

// `FILE:LINE:COL: error: MESSAGE`, the source line, and a caret under the range.
std::string render(const SourceFile& source, const Diagnostics& diagnostics);
std::string render(const SourceFile& source, const Diagnostic& diagnostic);
// The same for a policy with imports: each diagnostic and note shows the file it points into.
std::string render(const SourceSet& sources, const Diagnostics& diagnostics);
std::string render(const SourceSet& sources, const Diagnostic& diagnostic);

}  // namespace tenet::core
