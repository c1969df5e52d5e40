// Decisions and record errors as JSON lines, written directly (no DOM per record).
#pragma once

#include <string>
#include <string_view>

#include "engine/ingest/record_error.hpp"
#include "engine/json_text.hpp"
#include "engine/policy.hpp"

namespace tenet::core {

// Numbers in their exact decimal form; unknown as null; lists as arrays.
void append_json_value(std::string& out, const Value& v);

// The policy object of every output and summary, written here only:
// {"name":...,"version":...,"sha256":...,"tenet":VERSION[,"params":{NAME:"policy text",...}]}
void append_policy_json(std::string& out, const PolicyInfo& info);

// ,"unknown":[{"rule":R,"missing":[FIELD...]}...] and ,"provisional":true, each only when set.
// A rule unknown for no missing field (division by zero, overflow) says why: "reason".
void append_unknown_json(std::string& out, const Policy& policy, const Decision& decision);

// The trace of one evaluated record: {"rules":[{"rule":R,"status":S,"condition":NODE},...]},
// each NODE {"expr","line","column","value"[,"unknown"[,"unknown_rules"]][,"operands":[...]]}.
void append_trace_json(std::string& out, const Policy& policy, const Decision& decision, const Frame& frame);

// One line (with '\n'): the output contract of docs/language.md. `trace` adds the rule trace.
// `explain` adds each fired rule's title and source (recommendations, and "raised" for flags).
// A decision's "decision" value: the action, or the array of actions under `collect`.
void append_decision_json(std::string& out, const Policy& policy, const std::vector<std::uint32_t>& actions);

void write_decision_json(std::string& out, const Policy& policy, const Decision& decision, const Frame* trace, bool explain = false);
// ,"title":...,"source":... of a rule, each when declared.
void append_rule_provenance_json(std::string& out, const ast::RuleDecl& rule);
// {"line":N,"id":"...","error":"...","kind":"..."} ; `policy` adds the policy object (the
// first line of a batch output).
void write_error_json(std::string& out, const RecordError& error, const PolicyInfo* policy = nullptr);

}  // namespace tenet::core
