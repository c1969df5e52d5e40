#include "engine/json_text.hpp"

#include <simdjson.h>

#include <fmt/format.h>

#include "dsl/source.hpp"

namespace tenet::core {

void append_json_string(std::string& out, std::string_view s) {
  out.push_back('"');
  // Append runs of characters that need no escaping in one go.
  std::size_t run = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\' && c != 0x7f) continue;
    out.append(s.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default: out += fmt::format("\\u{:04x}", c);
    }
  }
  out.append(s.data() + run, s.size() - run);
  out.push_back('"');
}

void append_json_text_lossy(std::string& out, std::string_view s) {
  if (simdjson::validate_utf8(s.data(), s.size())) return append_json_string(out, s);
  std::string clean;
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t n = utf8_sequence_length(s, i);  // the one UTF-8 check (dsl/source)
    if (n == 0) {
      clean += "\xEF\xBF\xBD";  // U+FFFD REPLACEMENT CHARACTER
      ++i;
    } else {
      clean.append(s, i, n);
      i += n;
    }
  }
  append_json_string(out, clean);
}

}  // namespace tenet::core
