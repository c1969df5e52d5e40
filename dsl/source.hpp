// A loaded policy source: its text, a line index, and snippets for diagnostics.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace tenet::core {

// A half-open byte range [begin, end) of policy text. A policy and the files it imports share
// one offset space (each file starts at its own base, see SourceSet), so a range names its file.
struct SourceRange {
  std::uint32_t begin = 0;
  std::uint32_t end = 0;
};

// A 1-based line and column (columns count bytes, as editors show for ASCII).
struct LineColumn {
  std::uint32_t line = 1;
  std::uint32_t column = 1;
};

// The text of one policy file plus the offsets of its line starts. Offsets are in the shared
// space: the file's first byte is at base().
class SourceFile {
 public:
  SourceFile(std::string path, std::string text, std::uint32_t base = 0);

  const std::string& path() const { return path_; }
  const std::string& text() const { return text_; }
  std::uint32_t base() const { return base_; }
  // Whether `offset` (in the shared space) falls in this file, its end included.
  bool holds(std::uint32_t offset) const { return offset >= base_ && offset - base_ <= text_.size(); }

  LineColumn locate(std::uint32_t offset) const;
  // The line holding `offset`, without its line end.
  std::string_view line_text(std::uint32_t line) const;
  std::string_view slice(SourceRange range) const;

 private:
  std::string path_;
  std::string text_;
  std::uint32_t base_ = 0;
  std::vector<std::uint32_t> line_starts_;
};

// A policy file and the files it imports, each at its own base in one offset space, so that a
// SourceRange anywhere in the merged policy leads back to its file.
class SourceSet {
 public:
  // Adds a file after the last one (one byte of gap, so no two files share an offset).
  const SourceFile& add(std::string path, std::string text);
  // The file holding `offset`; the first file when none does.
  const SourceFile& file_at(std::uint32_t offset) const;
  const SourceFile& root() const { return *files_.front(); }
  const std::vector<std::shared_ptr<const SourceFile>>& files() const { return files_; }

 private:
  std::vector<std::shared_ptr<const SourceFile>> files_;
};

// Source text on one line, for traces: `#` comments are dropped and each run of white space
// that holds a line break becomes one space; strings are kept as written.
std::string one_line(std::string_view source);

// The length of the valid UTF-8 sequence at s[i] (1 to 4), or 0 when it is invalid
// (bad lead or continuation byte, overlong form, surrogate, beyond U+10FFFF).
std::size_t utf8_sequence_length(std::string_view s, std::size_t i);

}  // namespace tenet::core
