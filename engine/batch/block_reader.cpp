#include "engine/batch/block_reader.hpp"

#include <simdjson.h>

#include <algorithm>
#include <cstring>

#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include "engine/ingest/limits.hpp"

namespace tenet::core {

void Bytes::reserve(std::size_t bytes) {
  if (bytes <= capacity) return;
  auto larger = std::make_unique_for_overwrite<char[]>(bytes + simdjson::SIMDJSON_PADDING);
  if (size > 0) std::memcpy(larger.get(), data.get(), size);
  data = std::move(larger);
  capacity = bytes;
}

void Bytes::end_at(std::size_t length) {
  size = length;
  std::memset(data.get() + length, 0, simdjson::SIMDJSON_PADDING);
}

void Bytes::erase_front(std::size_t bytes) {
  std::memmove(data.get(), data.get() + bytes, size - bytes);
  size -= bytes;
}

namespace {

std::size_t count_lines(std::string_view text) {
  std::size_t lines = 0;
  for (const char *p = text.data(), *end = p + text.size();
       (p = static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>(end - p)))) != nullptr; ++p) {
    ++lines;
  }
  return lines;
}

}  // namespace

std::size_t Block::capacity() const { return bytes.capacity + simdjson::SIMDJSON_PADDING; }

std::size_t Block::line_ends() const { return oversized ? oversized_lines : count_lines({data(), length}); }

BlockReader::BlockReader(std::FILE* input, FactsFormat format, std::size_t block_bytes)
    : input_(input), format_(format), block_bytes_(block_bytes), file_(input_file(input)) {
  cut_only_ = file_ && format == FactsFormat::jsonl;
}

std::optional<std::uint64_t> BlockReader::file_size(std::FILE* input) {
  struct stat info {};
  const int fd = fileno(input);
  if (fd < 0 || ::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) return std::nullopt;
  return static_cast<std::uint64_t>(info.st_size);
}

std::optional<BlockReader::InputFile> BlockReader::input_file(std::FILE* input) {
  const auto size = file_size(input);
  const long position = std::ftell(input);
  if (!size || position < 0 || static_cast<std::uint64_t>(position) > *size) return std::nullopt;
  return InputFile{*size, static_cast<std::uint64_t>(position)};
}

std::string BlockReader::shrank() const {
  return fmt::format("the file shrank from {} to {} bytes while it was read; stopped, the output is incomplete", file_->size,
                     file_size(input_).value_or(0));
}

bool BlockReader::next(Block& block) {
  if (!failure_.empty()) return false;
  block.length = 0;
  block.oversized.reset();
  block.oversized_lines = 0;
  block.unread = false;
  return cut_only_ ? next_cut(block) : next_read(block);
}

// Reads until `pending_` holds `at_least` bytes, or the input ends: straight into the buffer
// the block will own, so each byte is copied once, by the kernel.
bool BlockReader::fill(std::size_t at_least) {
  pending_.reserve(std::max(at_least, block_bytes_));
  while (pending_.size < at_least && !eof_) {
    const std::size_t room = pending_.capacity - pending_.size;
    const std::size_t n = std::fread(pending_.data.get() + pending_.size, 1, room, input_);
    pending_.size += n;
    if (n < room) {
      if (std::ferror(input_)) {
        failure_ = "cannot read the portfolio";
        return false;
      }
      eof_ = true;
      if (file_ && next_offset_ + pending_.size < file_->bytes()) {
        failure_ = shrank();
        return false;
      }
    }
  }
  return true;
}

std::size_t BlockReader::complete(std::string_view text) const {
  if (format_ == FactsFormat::csv) return csv_complete_rows(text);
  const std::size_t newline = text.rfind('\n');
  return newline == std::string_view::npos ? 0 : newline + 1;
}

bool BlockReader::read_csv_header(RecordBuilder& builder, CsvLayout& layout, RecordBuilder* also, CsvLayout* also_layout) {
  while (fill(pending_.size + 1)) {
    if (complete(pending_.view()) > 0 || eof_) break;
  }
  if (!failure_.empty()) return false;
  const std::string_view text = pending_.view();
  const std::size_t used = tenet::core::read_csv_header(text, builder, layout, failure_);
  if (used == 0 && !failure_.empty()) return false;
  if (also && tenet::core::read_csv_header(text, *also, *also_layout, failure_) == 0 && !failure_.empty()) return false;
  failure_.clear();
  first_line_ = 1 + count_lines(text.substr(0, used));
  next_offset_ = used;
  pending_.erase_front(used);
  return true;
}

// Reads `length` bytes at `offset` from the start of the input (pread: any thread).
std::optional<std::string> BlockReader::read_at(char* into, std::size_t length, std::uint64_t offset) const {
  const int fd = fileno(input_);
  for (std::size_t done = 0; done < length;) {
    const ssize_t n = ::pread(fd, into + done, length - done, static_cast<off_t>(file_->position + offset + done));
    if (n <= 0) return n == 0 ? shrank() : std::string("cannot read the portfolio");
    done += static_cast<std::size_t>(n);
  }
  return std::nullopt;
}

std::optional<std::string> BlockReader::read_block(Block& block) const {
  block.unread = false;
  block.bytes.reserve(block.length);
  if (auto failure = read_at(block.bytes.data.get(), block.length, block.start.offset)) {
    block.length = 0;
    return failure;
  }
  block.bytes.end_at(block.length);
  return std::nullopt;
}

bool BlockReader::next_cut(Block& block) {
  const std::uint64_t size = file_->bytes();
  if (next_offset_ >= size) return false;
  block.start.offset = next_offset_;
  std::uint64_t end = 0;
  if (!block_end(next_offset_, size, block, end)) return false;
  block.sequence = sequence_++;
  block.length = block.oversized ? 0 : static_cast<std::size_t>(end - next_offset_);
  block.unread = !block.oversized;
  next_offset_ = end;
  return true;
}

// Where the block starting at `start` ends: after the last line end within block_bytes_, or,
// when a record is longer than that, after its own line end (a record longer than
// limits::kMaxRecordBytes is skipped to it and reported in `block`). false on a read failure.
bool BlockReader::block_end(std::uint64_t start, std::uint64_t size, Block& block, std::uint64_t& end) {
  constexpr std::size_t kPeek = 64 << 10;
  const auto read_peek = [&](std::uint64_t from, std::uint64_t to) {
    peek_.resize(static_cast<std::size_t>(to - from));
    if (auto failure = read_at(peek_.data(), peek_.size(), from)) failure_ = std::move(*failure);
    return failure_.empty();
  };
  if (size - start <= block_bytes_) {
    end = size;
    return true;
  }
  const std::uint64_t nominal = start + block_bytes_;
  for (std::uint64_t high = nominal; high > start;) {
    const std::uint64_t low = high - std::min<std::uint64_t>(kPeek, high - start);
    if (!read_peek(low, high)) return false;
    const std::size_t newline = peek_.rfind('\n');
    if (newline != std::string::npos) {
      end = low + newline + 1;
      return true;
    }
    high = low;
  }
  // No line end in a whole block: a long record. Look ahead for its end, up to the limit.
  for (std::uint64_t low = nominal; low < size;) {
    const std::uint64_t high = std::min(size, low + kPeek);
    if (!read_peek(low, high)) return false;
    const std::size_t newline = peek_.find('\n');
    if (newline != std::string::npos) {
      end = low + newline + 1;
      if (block.oversized) block.oversized_lines = 1;
      return true;
    }
    if (!block.oversized && high - start > limits::kMaxRecordBytes + 1) {
      std::string head(200, '\0');
      if (!read_peek(start, start + head.size())) return false;
      block.oversized = oversized_error(peek_);
    }
    low = high;
  }
  end = size;
  return true;
}

bool BlockReader::next_read(Block& block) {
  while (true) {
    if (!fill(block_bytes_)) return false;
    std::size_t length = eof_ ? pending_.size : complete(pending_.view());
    if (length == 0 && !eof_) {
      // No record end in a whole block: a long record. Read on, up to the limit.
      if (pending_.size <= limits::kMaxRecordBytes) {  // room for the record and its line end
        if (!fill(pending_.size + block_bytes_)) return false;
        continue;
      }
      length = skip_oversized(block);
    }
    if (length == 0 && pending_.size == 0 && !block.oversized) return false;
    block.sequence = sequence_++;
    block.start.offset = next_offset_;
    next_offset_ += length;
    if (block.oversized) {
      block.oversized_lines = count_lines(pending_.view().substr(0, length));
      pending_.erase_front(length);
    } else {
      // The block takes the buffer; only the partial record at its end is copied, into the
      // buffer the block held before.
      Bytes rest = std::move(block.bytes);
      rest.size = 0;
      rest.reserve(std::max(pending_.size - length, block_bytes_));
      std::memcpy(rest.data.get(), pending_.data.get() + length, pending_.size - length);
      rest.size = pending_.size - length;
      block.bytes = std::exchange(pending_, std::move(rest));
      block.bytes.end_at(block.length = length);
    }
    return true;
  }
}

// The error that stands for a record longer than limits::kMaxRecordBytes starting at
// next_offset_; its line is set once the lines before it are counted.
RecordError BlockReader::oversized_error(std::string_view head) const {
  return {0, std::nullopt, ErrorKind::too_large, oversized_record_message(), next_offset_, std::string(head.substr(0, 200))};
}

// Drops a record longer than limits::kMaxRecordBytes up to its end, keeping it as an error.
std::size_t BlockReader::skip_oversized(Block& block) {
  block.oversized = oversized_error(pending_.view());
  while (true) {
    const std::size_t newline = pending_.view().find('\n');
    if (newline != std::string_view::npos) return newline + 1;
    next_offset_ += pending_.size;
    pending_.size = 0;
    if (eof_ || !fill(block_bytes_)) return 0;
  }
}

void read_block(const Block& block, FactsFormat format, const CsvLayout& layout, RecordBuilder& builder, const RecordSink& sink) {
  if (block.oversized) {
    RecordError error = *block.oversized;
    sink(error.line, nullptr, &error);
  } else if (format == FactsFormat::csv) {
    read_csv_rows(std::string_view(block.data(), block.length), layout, builder, sink, block.start);
  } else {
    read_jsonl(std::string_view(block.data(), block.length), block.capacity(), builder, sink, block.start);
  }
}

}  // namespace tenet::core
