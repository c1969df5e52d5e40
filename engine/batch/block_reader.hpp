// The first stage of `tenet batch`: the input cut into blocks of whole records, in order.
//
// A regular file of JSON lines is only cut here (a peek around each cut for the last line
// end); each block's bytes are read later, in parallel, by read_block(). CSV (whose rows can
// span lines) and streams are read here, block after block. A record longer than
// limits::kMaxRecordBytes becomes a block of its own holding the error that stands for it.
#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "engine/ingest/csv_reader.hpp"
#include "engine/ingest/facts_reader.hpp"
#include "engine/ingest/jsonl_reader.hpp"
#include "engine/ingest/record_error.hpp"

namespace tenet::core {

// Bytes with SIMDJSON_PADDING readable bytes after them. A block's buffer is reused block
// after block, so a run reads into the same few megabytes however long it is.
struct Bytes {
  std::unique_ptr<char[]> data;
  std::size_t size = 0;      // bytes read
  std::size_t capacity = 0;  // bytes that fit, not counting the padding

  std::string_view view() const { return {data.get(), size}; }
  void reserve(std::size_t bytes);
  void end_at(std::size_t length);  // keeps the first `length` bytes, then zeros for padding
  void erase_front(std::size_t bytes);
};

// A block of whole records, readable SIMDJSON_PADDING bytes past their end.
struct Block {
  std::uint64_t sequence = 0;
  Bytes bytes;                           // the records, then (past `length`) zeros
  std::size_t length = 0;                // bytes of records
  InputPosition start;                   // its offset from the reader; its line once the blocks before it are counted
  std::optional<RecordError> oversized;  // a record too long to read, reported in its place
  std::size_t oversized_lines = 0;       // the line ends in that record's bytes
  bool unread = false;                   // its bytes are still in the file: read_block() reads them

  const char* data() const { return bytes.data.get(); }
  std::size_t capacity() const;
  std::size_t line_ends() const;  // how many lines the block spans
};

// A block's records to `sink`, read as its format reads them (CSV rows under `layout`, or JSON
// lines); a block that is one oversized record gives that record's error.
void read_block(const Block& block, FactsFormat format, const CsvLayout& layout, RecordBuilder& builder, const RecordSink& sink);

class BlockReader {
 public:
  BlockReader(std::FILE* input, FactsFormat format, std::size_t block_bytes);

  // CSV: reads the header into `layout` (before the first block); false with failure() set.
  // `also`: the same header read for a second policy's builder (tenet diff).
  bool read_csv_header(RecordBuilder& builder, CsvLayout& layout, RecordBuilder* also = nullptr, CsvLayout* also_layout = nullptr);
  // The next block into `block`, whose buffer it reuses; false at the end of the input or on a
  // read failure (failure()).
  bool next(Block& block);
  // Reads an unread block's bytes (any thread); on failure, the message why.
  std::optional<std::string> read_block(Block& block) const;

  const std::string& failure() const { return failure_; }
  std::uint64_t blocks_cut() const { return sequence_; }  // the sequence number of the next block
  std::size_t first_line() const { return first_line_; }  // of the first block: 1, or after a CSV header

 private:
  // A regular file's size and where the stream starts in it: reading fewer bytes than that
  // difference means the file was cut while it was read.
  struct InputFile {
    std::uint64_t size = 0, position = 0;
    std::uint64_t bytes() const { return size - position; }
  };
  static std::optional<std::uint64_t> file_size(std::FILE* input);
  static std::optional<InputFile> input_file(std::FILE* input);

  bool next_cut(Block& block);   // a regular file of JSON lines
  bool next_read(Block& block);  // CSV or a stream
  bool block_end(std::uint64_t start, std::uint64_t size, Block& block, std::uint64_t& end);
  bool fill(std::size_t at_least);
  std::size_t complete(std::string_view text) const;
  std::size_t skip_oversized(Block& block);
  RecordError oversized_error(std::string_view head) const;
  std::optional<std::string> read_at(char* into, std::size_t length, std::uint64_t offset) const;
  std::string shrank() const;

  std::FILE* input_;
  FactsFormat format_;
  std::size_t block_bytes_;
  std::optional<InputFile> file_;  // when the input is a regular file
  bool cut_only_ = false;          // a regular file of JSON lines: next_cut()
  std::string peek_;               // bytes around a cut
  Bytes pending_;                  // read, not yet in a block
  bool eof_ = false;
  std::uint64_t next_offset_ = 0;  // where the next block starts
  std::uint64_t sequence_ = 0;
  std::size_t first_line_ = 1;
  std::string failure_;
};

}  // namespace tenet::core
