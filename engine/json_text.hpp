// Text as JSON strings: the one escaper every JSON writer of Tenet uses (outputs, traces,
// summaries' policy objects). A leaf: it depends on nothing of the engine.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace tenet::core {

// `s` (valid UTF-8) quoted and escaped.
void append_json_string(std::string& out, std::string_view s);
// For text read from input that may not be UTF-8 (a rejected record's raw text): each byte
// that starts no valid UTF-8 sequence becomes U+FFFD, so the output stays valid JSON.
void append_json_text_lossy(std::string& out, std::string_view s);

// A string literal appended with its length known at compile time (no strlen, no call): for
// the keys and punctuation that every output line repeats.
template <std::size_t N>
inline void append_literal(std::string& out, const char (&text)[N]) {
  out.append(text, N - 1);
}

}  // namespace tenet::core
