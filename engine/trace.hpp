// The rule trace: for every rule its status and its condition as a tree whose every node
// carries the expression text, line, column, value, and why it is unknown. Read from the
// evaluated slots after the fact, so tracing costs nothing when it is off.
#pragma once

#include <string>

#include "engine/tenet.hpp"

namespace tenet {

void append_trace_json(std::string& out, const Policy& policy, const Decision& decision, const Frame& frame);

}  // namespace tenet
