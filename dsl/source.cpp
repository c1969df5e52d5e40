#include "dsl/source.hpp"

#include <algorithm>

namespace tenet::core {

SourceFile::SourceFile(std::string path, std::string text, std::uint32_t base)
    : path_(std::move(path)), text_(std::move(text)), base_(base) {
  line_starts_.push_back(0);
  for (std::uint32_t i = 0; i < text_.size(); ++i) {
    if (text_[i] == '\n') line_starts_.push_back(i + 1);
  }
}

LineColumn SourceFile::locate(std::uint32_t offset) const {
  offset = offset < base_ ? 0 : offset - base_;
  offset = std::min<std::uint32_t>(offset, static_cast<std::uint32_t>(text_.size()));
  auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
  const auto line = static_cast<std::uint32_t>(it - line_starts_.begin());
  return {line, offset - line_starts_[line - 1] + 1};
}

std::string_view SourceFile::line_text(std::uint32_t line) const {
  if (line == 0 || line > line_starts_.size()) return {};
  const std::uint32_t begin = line_starts_[line - 1];
  std::uint32_t end = line < line_starts_.size() ? line_starts_[line] : static_cast<std::uint32_t>(text_.size());
  while (end > begin && (text_[end - 1] == '\n' || text_[end - 1] == '\r')) --end;
  return std::string_view(text_).substr(begin, end - begin);
}

std::string_view SourceFile::slice(SourceRange range) const {
  if (range.begin < base_ || range.begin - base_ >= text_.size()) return {};
  return std::string_view(text_).substr(range.begin - base_, range.end - range.begin);
}

const SourceFile& SourceSet::add(std::string path, std::string text) {
  const std::uint32_t base = files_.empty() ? 0 : files_.back()->base() + static_cast<std::uint32_t>(files_.back()->text().size()) + 1;
  files_.push_back(std::make_shared<const SourceFile>(std::move(path), std::move(text), base));
  return *files_.back();
}

const SourceFile& SourceSet::file_at(std::uint32_t offset) const {
  for (const auto& file : files_)
    if (file->holds(offset)) return *file;
  return *files_.front();
}

std::string one_line(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  bool in_string = false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (in_string) {
      out.push_back(c);
      if (c == '\\' && i + 1 < s.size()) out.push_back(s[++i]);
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') in_string = true;
    if (c == '#' || c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      // A run of white space and comments: kept as written unless it breaks the line.
      std::size_t end = i;
      bool breaks = false;
      while (end < s.size()) {
        if (s[end] == '#') {
          while (end < s.size() && s[end] != '\n') ++end;
        } else if (s[end] == ' ' || s[end] == '\t' || s[end] == '\r' || s[end] == '\n') {
          breaks = breaks || s[end] == '\n';
          ++end;
        } else {
          break;
        }
      }
      if (breaks || end == s.size()) {
        if (end < s.size() && !out.empty()) out.push_back(' ');
      } else {
        out.append(s.substr(i, end - i));
      }
      i = end - 1;
      continue;
    }
    out.push_back(c);
  }
  return out;
}

std::size_t utf8_sequence_length(std::string_view s, std::size_t i) {
  const auto c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) return 1;
  std::size_t length = 0;
  std::uint32_t cp = 0;
  if ((c & 0xE0) == 0xC0) {
    length = 2;
    cp = c & 0x1F;
  } else if ((c & 0xF0) == 0xE0) {
    length = 3;
    cp = c & 0x0F;
  } else if ((c & 0xF8) == 0xF0) {
    length = 4;
    cp = c & 0x07;
  } else {
    return 0;
  }
  if (i + length > s.size()) return 0;
  for (std::size_t k = 1; k < length; ++k) {
    const auto cc = static_cast<unsigned char>(s[i + k]);
    if ((cc & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (cc & 0x3F);
  }
  const bool overlong = (length == 2 && cp < 0x80) || (length == 3 && cp < 0x800) || (length == 4 && cp < 0x10000);
  if (overlong || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return length;
}

}  // namespace tenet::core
