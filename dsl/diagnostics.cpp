#include "dsl/diagnostics.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace tenet::core {

void Diagnostics::error(SourceRange range, std::string message, std::vector<DiagnosticNote> notes) {
  items_.push_back({Severity::error, range, std::move(message), std::move(notes)});
}

void Diagnostics::warning(SourceRange range, std::string message, std::vector<DiagnosticNote> notes) {
  items_.push_back({Severity::warning, range, std::move(message), std::move(notes)});
}

void Diagnostics::append(const Diagnostics& other) { items_.insert(items_.end(), other.items_.begin(), other.items_.end()); }

bool Diagnostics::has_errors() const { return error_count() > 0; }

std::size_t Diagnostics::error_count() const {
  return static_cast<std::size_t>(
      std::count_if(items_.begin(), items_.end(), [](const Diagnostic& d) { return d.severity == Severity::error; }));
}

std::vector<Diagnostic> Diagnostics::sorted() const {
  std::vector<Diagnostic> out = items_;
  std::stable_sort(out.begin(), out.end(), [](const Diagnostic& a, const Diagnostic& b) {
    if (a.range.begin != b.range.begin) return a.range.begin < b.range.begin;
    return a.severity < b.severity;
  });
  return out;
}

namespace {

const char* severity_name(Severity s) {
  switch (s) {
    case Severity::error: return "error";
    case Severity::warning: return "warning";
    case Severity::note: return "note";
  }
  return "error";
}

// Source lines may hold anything (binary garbage, invalid UTF-8): show them safely,
// one output byte per input byte so that the caret still lines up.
std::string printable(std::string_view line) {
  std::string out;
  out.reserve(line.size());
  for (std::size_t i = 0; i < line.size();) {
    const auto c = static_cast<unsigned char>(line[i]);
    const std::size_t length = c == 0 ? 0 : utf8_sequence_length(line, i);
    if (length > 1) {
      out.append(line.substr(i, length));
      i += length;
      continue;
    }
    out.push_back(length == 1 && (c == '\t' || c >= 0x20) && c != 0x7f ? static_cast<char>(c) : '?');
    ++i;
  }
  return out;
}

void render_one(std::string& out, const SourceFile& source, Severity severity, SourceRange range, const std::string& message) {
  const LineColumn at = source.locate(range.begin);
  out += fmt::format("{}:{}:{}: {}: {}\n", source.path(), at.line, at.column, severity_name(severity), message);
  std::string_view line = source.line_text(at.line);
  // Show a window of a very long line around the column.
  constexpr std::uint32_t kWindow = 100;
  std::string_view prefix, suffix;
  std::uint32_t column = at.column;
  if (line.size() > 2 * kWindow && column > kWindow) {
    const std::uint32_t cut = column - kWindow / 2;
    line.remove_prefix(cut);
    column -= cut;
    prefix = "...";
  }
  if (line.size() > 2 * kWindow) {
    line = line.substr(0, 2 * kWindow);
    suffix = "...";
  }
  if (line.empty() && at.column == 1 && source.text().empty()) return;
  out += "  ";
  out += prefix;
  out += printable(line);
  out += suffix;
  out += "\n  ";
  out.append(prefix.size(), ' ');
  for (std::uint32_t i = 1; i < column && i - 1 < line.size(); ++i) out.push_back(line[i - 1] == '\t' ? '\t' : ' ');
  out.push_back('^');
  const LineColumn end = source.locate(range.end);
  if (end.line == at.line && end.column > at.column + 1) {
    out.append(std::min<std::size_t>(end.column - at.column - 1, line.size() - std::min<std::size_t>(line.size(), column)), '~');
  }
  out.push_back('\n');
}

}  // namespace

std::string render(const SourceFile& source, const Diagnostic& d) {
  std::string out;
  render_one(out, source, d.severity, d.range, d.message);
  for (const auto& note : d.notes) render_one(out, source, Severity::note, note.range, note.message);
  return out;
}

std::string render(const SourceFile& source, const Diagnostics& diagnostics) {
  std::string out;
  for (const auto& d : diagnostics.sorted()) out += render(source, d);
  return out;
}

std::string render(const SourceSet& sources, const Diagnostic& d) {
  std::string out;
  render_one(out, sources.file_at(d.range.begin), d.severity, d.range, d.message);
  for (const auto& note : d.notes) render_one(out, sources.file_at(note.range.begin), Severity::note, note.range, note.message);
  return out;
}

std::string render(const SourceSet& sources, const Diagnostics& diagnostics) {
  std::string out;
  for (const auto& d : diagnostics.sorted()) out += render(sources, d);
  return out;
}

}  // namespace tenet::core
