// JSON records -> Records: values go straight into slots without a DOM, and numbers are read
// from their exact decimal text. A flat record is read by a one-pass fast path
// (flat_json.hpp); any other, and every record error, by simdjson's on-demand API.
#pragma once

#include <functional>
#include <memory>
#include <string_view>

#include "engine/ingest/record_builder.hpp"

namespace tenet::core {

// Receives each record, or the reason it is an error, in input order.
using RecordSink = std::function<void(std::size_t line, Record* record, RecordError* error)>;

class JsonRecordParser {
 public:
  explicit JsonRecordParser(RecordBuilder& builder);
  ~JsonRecordParser();
  // `json` must stay readable for SIMDJSON_PADDING bytes past its end (`capacity` counts them).
  bool parse(const char* json, std::size_t length, std::size_t capacity, Record& out, RecordFault& error);
  // Off: every record is read by simdjson, not first by the flat fast path (flat_json.hpp),
  // so that tests can compare the two.
  void set_fast_path(bool on) { fast_path_ = on; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  RecordBuilder& builder_;
  bool fast_path_ = true;
};

// Where a block of input starts: the line number of its first line and its byte offset.
struct InputPosition {
  std::size_t line = 1;
  std::uint64_t offset = 0;
};

// One JSON object per line; blank lines are skipped. `text` must be readable up to `capacity`
// (SIMDJSON_PADDING bytes past its end).
void read_jsonl(std::string_view text, std::size_t capacity, RecordBuilder& builder, const RecordSink& sink, InputPosition start = {});
// One JSON array of objects; each element's line is where it starts.
void read_json_array(std::string_view text, std::size_t capacity, RecordBuilder& builder, const RecordSink& sink);

}  // namespace tenet::core
