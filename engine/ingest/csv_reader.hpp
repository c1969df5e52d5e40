// CSV with a header row (RFC 4180 quoting) -> Records. Lists are `|`-separated in a cell;
// an empty cell is absent (an empty list for list fields).
#pragma once

#include <string_view>

#include "engine/ingest/jsonl_reader.hpp"

namespace tenet {

// Returns false with `error` set when the header itself is unusable (nothing can be read).
bool read_csv(std::string_view text, RecordBuilder& builder, const RecordSink& sink, std::string& error);

}  // namespace tenet
