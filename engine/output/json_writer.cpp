#include "engine/output/json_writer.hpp"

#include <fmt/format.h>
#include <simdjson.h>

#include "engine/trace.hpp"

namespace tenet {

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

namespace {

// Length of the valid UTF-8 sequence at s[i], or 0 when the byte there starts none.
std::size_t utf8_sequence(std::string_view s, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = byte(i);
  if (c < 0x80) return 1;
  std::size_t n = c >= 0xF0 && c <= 0xF4 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 && c <= 0xDF ? 2 : 0;
  if (n == 0 || (c >= 0xF8) || i + n > s.size()) return 0;
  for (std::size_t k = 1; k < n; ++k)
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
  const unsigned char d = byte(i + 1);
  if ((c == 0xE0 && d < 0xA0) || (c == 0xED && d > 0x9F) || (c == 0xF0 && d < 0x90) || (c == 0xF4 && d > 0x8F)) return 0;
  return n;
}

}  // namespace

void append_json_text_lossy(std::string& out, std::string_view s) {
  if (simdjson::validate_utf8(s.data(), s.size())) return append_json_string(out, s);
  std::string clean;
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t n = utf8_sequence(s, i);
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

void append_json_value(std::string& out, const Value& v) {
  switch (v.kind) {
    case Value::Kind::unknown: out += "null"; return;
    case Value::Kind::boolean: out += v.boolean ? "true" : "false"; return;
    case Value::Kind::number: v.number.append_to(out); return;
    case Value::Kind::string: append_json_string(out, v.text); return;
    case Value::Kind::list:
      out.push_back('[');
      for (std::size_t i = 0; i < v.items.size(); ++i) {
        if (i) out.push_back(',');
        append_json_value(out, v.items[i]);
      }
      out.push_back(']');
      return;
  }
}

void append_policy_json(std::string& out, const PolicyInfo& info) {
  out += "{\"name\":";
  append_json_string(out, info.name);
  out += ",\"version\":";
  append_json_string(out, info.version);
  out += ",\"sha256\":";
  append_json_string(out, info.sha256);
  out += ",\"tenet\":";
  append_json_string(out, tenet_version());
  if (!info.params.empty()) {
    out += ",\"params\":{";
    for (std::size_t i = 0; i < info.params.size(); ++i) {
      if (i) out.push_back(',');
      append_json_string(out, info.params[i].first);
      out.push_back(':');
      append_json_string(out, info.params[i].second);
    }
    out.push_back('}');
  }
  out.push_back('}');
}

void append_unknown_json(std::string& out, const Policy& policy, const Decision& d) {
  if (d.unknown.empty()) return;
  const auto& rules = policy.checked().module.rules;
  const auto& fields = policy.checked().schema().fields;
  out += ",\"unknown\":[";
  for (std::size_t i = 0; i < d.unknown.size(); ++i) {
    const UnknownRule& u = d.unknown[i];
    if (i) out.push_back(',');
    out += "{\"rule\":";
    append_json_string(out, rules[u.rule].name.text);
    out += ",\"missing\":[";
    for (auto k = u.missing_begin; k < u.missing_end; ++k) {
      if (k != u.missing_begin) out.push_back(',');
      append_json_string(out, fields[d.missing[k]].name.text);
    }
    out.push_back(']');
    if (u.missing_begin == u.missing_end && u.reason) {
      out += ",\"reason\":";
      append_json_string(out, *u.reason);
    }
    out.push_back('}');
  }
  out.push_back(']');
  if (d.provisional) out += ",\"provisional\":true";
}

void write_decision_json(std::string& out, const Policy& policy, const Decision& d, const Frame* trace) {
  const auto& rules = policy.checked().module.rules;
  out += "{\"id\":";
  append_json_string(out, d.id);
  out += ",\"decision\":";
  if (policy.hit() == ast::HitPolicy::collect) {
    out.push_back('[');
    for (std::size_t i = 0; i < d.actions.size(); ++i) {
      if (i) out.push_back(',');
      append_json_string(out, d.actions[i]);
    }
    out.push_back(']');
  } else {
    append_json_string(out, d.actions.front());
  }
  out += ",\"recommendations\":[";
  for (std::size_t i = 0; i < d.recommendations.size(); ++i) {
    const Recommendation& r = d.recommendations[i];
    if (i) out.push_back(',');
    out += "{\"rule\":";
    append_json_string(out, rules[r.rule].name.text);
    out += ",\"action\":";
    append_json_string(out, r.action);
    out += fmt::format(",\"priority\":{},\"chosen\":{}", r.priority, r.chosen ? "true" : "false");
    if (r.overridden_by >= 0) {
      out += ",\"overridden_by\":";
      append_json_string(out, rules[static_cast<std::size_t>(r.overridden_by)].name.text);
    }
    if (r.has_because) {
      out += ",\"because\":";
      append_json_string(out, r.because);
    }
    out.push_back('}');
  }
  out += "],\"flags\":[";
  for (std::size_t i = 0; i < d.flags.size(); ++i) {
    if (i) out.push_back(',');
    append_json_string(out, policy.checked().flags[d.flags[i]].name);
  }
  out.push_back(']');
  append_unknown_json(out, policy, d);
  out += ",\"policy\":";
  append_policy_json(out, policy.info());
  if (trace) {
    out += ",\"trace\":";
    append_trace_json(out, policy, d, *trace);
  }
  out += "}\n";
}

void write_error_json(std::string& out, const RecordError& e, const PolicyInfo* policy) {
  out += fmt::format("{{\"line\":{}", e.line);
  if (e.id) {
    out += ",\"id\":";
    append_json_string(out, *e.id);
  }
  out += ",\"error\":";
  append_json_string(out, e.message);
  out += ",\"kind\":\"";
  out += kind_name(e.kind);
  out.push_back('"');
  if (policy) {
    out += ",\"policy\":";
    append_policy_json(out, *policy);
  }
  out += "}\n";
}

}  // namespace tenet
