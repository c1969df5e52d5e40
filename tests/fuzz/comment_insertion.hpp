// Comments are whitespace: a comment (and the line end it needs) put between any two tokens of a
// policy leaves its AST unchanged. The comment's words are the language's own keywords, so a parser
// that read meaning back from matched text (`is # not missing` read as `is missing`) shows it.
// Used by tests/unit/comments_test.cpp and the libFuzzer harness fuzz_comments.cpp.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace tenet::core::testing {

inline constexpr std::string_view kMeaningfulComment = "# not missing present number string set list key optional }";

// The end of the string or `because` template that opens at `i`: a template's holes may hold
// strings of their own (`"{f("a")}"`).
inline std::size_t string_end(std::string_view text, std::size_t i) {
  std::size_t end = i + 1;
  int holes = 0;
  while (end < text.size() && (text[end] != '\n' || holes > 0)) {  // a hole may span lines
    const char c = text[end];
    if (c == '\\') {
      end += 2;
      continue;
    }
    if (holes > 0 && c == '"') {
      end = string_end(text, end);
      continue;
    }
    ++end;
    if (c == '{') ++holes;
    else if (c == '}' && holes > 0) --holes;
    else if (c == '"' && holes == 0) return end;
  }
  return std::min(end, text.size());
}

// How many `-` stand at `i`.
inline std::size_t signs(std::string_view text, std::size_t i) {
  std::size_t n = 0;
  while (i + n < text.size() && text[i + n] == '-') ++n;
  return n;
}

// A word after which `-` is a literal's sign, not a subtraction: `between -1`, `priority -5`.
inline bool is_sign_keyword(std::string_view word) {
  for (const std::string_view k : {"and", "or", "not", "in", "between", "when", "priority"})
    if (word == k) return true;
  return false;
}

// The offsets between two tokens of `text`: after each token that another token follows.
// Tokens: names, numbers (with a sign where it is a literal's, `1_000`, `1e6`, `30%`), strings
// (a `because` template is one token), two-character operators, other punctuation. Comments
// and whitespace are not tokens.
inline std::vector<std::size_t> token_boundaries(std::string_view text) {
  const auto is_name = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'; };
  const auto is_digit = [](char c) { return c >= '0' && c <= '9'; };
  std::vector<std::size_t> ends;    // where each token ends
  std::string_view previous = " ";  // the previous token
  for (std::size_t i = 0; i < text.size();) {
    const char c = text[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      ++i;
    } else if (c == '#') {
      while (i < text.size() && text[i] != '\n') ++i;
    } else {
      std::size_t end = i + 1;
      const char before = previous.back();
      if (c == '"') {
        end = string_end(text, i);
      } else if (is_digit(c) || (c == '-' && i + signs(text, i) < text.size() && is_digit(text[i + signs(text, i)]) &&
                                 (is_sign_keyword(previous) || (!is_name(before) && before != ')' && before != ']' && before != '"')))) {
        // A number: the signs of a literal stay with it (`-20` and `--20` fold into one literal,
        // and `priority -5` is one token; `- 20` is a negation), an exponent's sign too (`1e-3`).
        end = i + signs(text, i) + 1;
        while (end < text.size() && (is_name(text[end]) || text[end] == '.' || text[end] == '%' ||
                                     ((text[end] == '-' || text[end] == '+') && (text[end - 1] == 'e' || text[end - 1] == 'E'))))
          ++end;
      } else if (is_name(c)) {
        while (end < text.size() && is_name(text[end])) ++end;
      } else {
        const std::string_view two = text.substr(i, 2);
        if (two == "<=" || two == ">=" || two == "==" || two == "!=") end = i + 2;
      }
      ends.push_back(end);
      previous = text.substr(i, end - i);
      i = end;
    }
  }
  if (!ends.empty()) ends.pop_back();  // after the last token, a comment is at the end of the file
  return ends;
}

// `text` with the comment and a line end inserted at `offset`.
inline std::string with_comment_at(std::string_view text, std::size_t offset) {
  std::string out(text.substr(0, offset));
  out += ' ';
  out += kMeaningfulComment;
  out += '\n';
  out += text.substr(offset);
  return out;
}

// `text` with the comment inserted between every two tokens at once.
inline std::string with_comments_everywhere(std::string_view text) {
  std::string out;
  std::size_t from = 0;
  for (const std::size_t at : token_boundaries(text)) {
    out += text.substr(from, at - from);
    out += ' ';
    out += kMeaningfulComment;
    out += '\n';
    from = at;
  }
  out += text.substr(from);
  return out;
}

}  // namespace tenet::core::testing
