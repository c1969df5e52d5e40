// Decisions and record errors as JSON lines, written directly (no DOM per record).
#pragma once

#include <string>
#include <string_view>

#include "engine/ingest/record_builder.hpp"
#include "engine/tenet.hpp"

namespace tenet {

void append_json_string(std::string& out, std::string_view s);
// For text read from input that may not be UTF-8 (a rejected record's raw text): each byte
// that starts no valid UTF-8 sequence becomes U+FFFD, so the output stays valid JSON.
void append_json_text_lossy(std::string& out, std::string_view s);
// Numbers in their exact decimal form; unknown as null; lists as arrays.
void append_json_value(std::string& out, const Value& v);

// The policy object of every output and summary, written here only:
// {"name":...,"version":...,"sha256":...,"tenet":VERSION[,"params":{NAME:"policy text",...}]}
void append_policy_json(std::string& out, const PolicyInfo& info);

// ,"unknown":[{"rule":R,"missing":[FIELD...]}...] and ,"provisional":true, each only when set.
// A rule unknown for no missing field (division by zero, overflow) says why: "reason".
void append_unknown_json(std::string& out, const Policy& policy, const Decision& decision);

// One line (with '\n'): the output contract of docs/language.md. `trace` adds the rule trace.
void write_decision_json(std::string& out, const Policy& policy, const Decision& decision, const Frame* trace);
// {"line":N,"id":"...","error":"...","kind":"..."} ; `policy` adds the policy object (the
// first line of a batch output).
void write_error_json(std::string& out, const RecordError& error, const PolicyInfo* policy = nullptr);

}  // namespace tenet
