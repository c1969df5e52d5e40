// Decisions for people: the decision first, then each reason, then what was overridden.
#pragma once

#include <string>

#include "engine/ingest/record_error.hpp"
#include "engine/policy.hpp"

namespace tenet::core {

void write_text_header(std::string& out, const Policy& policy);
// `trace` adds every rule's status and condition as an indented tree; `explain` adds each
// fired rule's title and source.
void write_decision_text(std::string& out, const Policy& policy, const Decision& decision, const Frame* trace = nullptr,
                         bool explain = false);
void write_error_text(std::string& out, const RecordError& error);
void write_text_footer(std::string& out, std::size_t decided, std::size_t errors);

}  // namespace tenet::core
