// CSV with a header row (RFC 4180 quoting) -> Records. Lists are `|`-separated in a cell;
// an empty cell is absent (an empty list for list fields).
#pragma once

#include <string_view>

#include "engine/ingest/jsonl_reader.hpp"

namespace tenet::core {

// The header of a CSV input, mapped onto the schema.
struct CsvLayout {
  std::size_t columns = 0;
  std::vector<int> column_field;  // schema field of each column, -1 when ignored
  static constexpr std::size_t kNoKey = SIZE_MAX;
  std::size_t key_column = kNoKey;       // kNoKey when the key is not a column
  std::vector<std::string> near_misses;  // undeclared columns that look like a field (near_miss())
  std::size_t undeclared_column = 0;     // the first column the schema does not declare (== columns: none)
  std::string undeclared_name;
};

// Reads the header row at the start of `text` (after a BOM); returns the bytes it took, or
// 0 with `error` set when the header is unusable (nothing can be read reliably).
std::size_t read_csv_header(std::string_view text, RecordBuilder& builder, CsvLayout& layout, std::string& error);

// Reads data rows; `start` is where `text` begins in the input (line number and byte offset).
void read_csv_rows(std::string_view text, const CsvLayout& layout, RecordBuilder& builder, const RecordSink& sink, InputPosition start);

// The length of the longest prefix of `text` made of whole CSV rows (quotes may span lines);
// A block boundary must never fall inside a row.
std::size_t csv_complete_rows(std::string_view text);

}  // namespace tenet::core
