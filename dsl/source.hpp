// A loaded policy source: its text, a line index, and snippets for diagnostics.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tenet {

// A half-open byte range [begin, end) into one SourceFile's text.
struct SourceRange {
  std::uint32_t begin = 0;
  std::uint32_t end = 0;
};

// A 1-based line and column (columns count bytes, as editors show for ASCII).
struct LineColumn {
  std::uint32_t line = 1;
  std::uint32_t column = 1;
};

// The text of one policy file plus the offsets of its line starts.
class SourceFile {
 public:
  SourceFile(std::string path, std::string text);

  const std::string& path() const { return path_; }
  const std::string& text() const { return text_; }

  LineColumn locate(std::uint32_t offset) const;
  // The line holding `offset`, without its line end.
  std::string_view line_text(std::uint32_t line) const;
  std::string_view slice(SourceRange range) const;

 private:
  std::string path_;
  std::string text_;
  std::vector<std::uint32_t> line_starts_;
};

// Source text on one line, for traces: `#` comments are dropped and each run of white space
// that holds a line break becomes one space; strings are kept as written.
std::string one_line(std::string_view source);

// The length of the valid UTF-8 sequence at s[i] (1 to 4), or 0 when it is invalid
// (bad lead or continuation byte, overlong form, surrogate, beyond U+10FFFF).
std::size_t utf8_sequence_length(std::string_view s, std::size_t i);

}  // namespace tenet
