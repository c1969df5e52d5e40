#include "dsl/formatter.hpp"

#include <algorithm>

#include "dsl/printer.hpp"

namespace tenet::core {

std::vector<std::pair<std::uint32_t, std::string>> find_comments(std::string_view text) {
  std::vector<std::pair<std::uint32_t, std::string>> out;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') ++i;  // an escaped character, a quote included
      else if (c == '"' || c == '\n') in_string = false;
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '#') {
      std::size_t end = text.find('\n', i);
      if (end == std::string_view::npos) end = text.size();
      std::string comment(text.substr(i, end - i));
      while (!comment.empty() && (comment.back() == '\r' || comment.back() == ' ' || comment.back() == '\t')) comment.pop_back();
      out.emplace_back(static_cast<std::uint32_t>(i), std::move(comment));
      i = end;
    }
  }
  return out;
}

std::string format_policy(const ast::Module& module, const SourceFile& source) {
  const std::vector<PrintedItem> items = print_items(module);
  const auto comments = find_comments(source.text());
  // Each comment goes above the first item that starts after it (own-line comments), or, when
  // code precedes it on its line, at the end of the item that holds that line (trailing ones).
  std::vector<std::vector<std::string>> above(items.size() + 1);  // [items.size()]: after everything
  std::vector<std::vector<std::string>> after(items.size());
  // Each item's first and last source line, looked up once (0, 0 for an item without a range).
  std::vector<std::pair<std::uint32_t, std::uint32_t>> lines(items.size());
  for (std::size_t i = 0; i < items.size(); ++i)
    if (items[i].end > items[i].begin) lines[i] = {source.locate(items[i].begin).line, source.locate(items[i].end - 1).line};
  for (const auto& [offset, text] : comments) {
    const LineColumn at = source.locate(offset);
    const std::string_view line = source.line_text(at.line);
    const bool own_line = line.substr(0, at.column - 1).find_first_not_of(" \t") == std::string_view::npos;
    if (!own_line) {
      // The last item whose source lines cover this one.
      std::size_t holder = items.size();
      for (std::size_t i = 0; i < items.size(); ++i)
        if (lines[i].first <= at.line && at.line <= lines[i].second) holder = i;
      if (holder < items.size()) {
        after[holder].push_back(text);
        continue;
      }
    }
    std::size_t next = 0;
    while (next < items.size() && items[next].begin < offset) ++next;
    above[next].push_back(text);
  }
  std::string out;
  for (std::size_t i = 0; i <= items.size(); ++i) {
    const bool inner = i < items.size() && items[i].inner;
    for (const auto& c : above[i]) out += (inner ? "  " : "") + c + '\n';
    if (i == items.size()) break;
    std::string text = items[i].text;
    if (!after[i].empty()) {
      // At the end of the item's first line: a header (`rule x {`), a clause, a field.
      const std::size_t first_end = text.find('\n');
      std::string trailing;
      for (const auto& c : after[i]) trailing += "  " + c;
      text.insert(first_end, trailing);
    }
    out += text;
    if (items[i].blank_after) out += '\n';
  }
  return out;
}

}  // namespace tenet::core
