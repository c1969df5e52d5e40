// The fast path of the JSON reader: a flat record (an object of scalars and arrays of
// scalars, the shape of nearly every portfolio line) read in one pass over its bytes.
//
// Why: with simdjson's on-demand API every record pays for a structural index of its bytes
// and a call chain per key and value; that was about 60% of `tenet batch`'s time, more than
// the rules. This path reads a strict subset of JSON and reads it exactly as the simdjson
// path (jsonl_reader.cpp) does: the same key lookup, the same Decimal::parse of a number's
// text, the same RecordBuilder calls. Anything else (an escape in a string, a control
// character, invalid UTF-8, a nested object, a number JSON does not allow, a value of the
// wrong type, any record error) makes it decline, and the record is read again by the
// simdjson path, which stays the judge of what is valid and words every error.
#pragma once

#include <cstddef>

#include "engine/ingest/record_builder.hpp"

namespace tenet::core {

// true: `out` holds the record. false: declined; `builder` must be begun again. `json` must be
// readable 8 bytes past `length` (RecordBuilder::field_index_raw reads keys a word at a time).
bool read_flat_record(const char* json, std::size_t length, RecordBuilder& builder, Record& out);

}  // namespace tenet::core
