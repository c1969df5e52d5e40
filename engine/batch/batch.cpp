#include "engine/batch/batch.hpp"
#include "engine/sha256.hpp"

#include <simdjson.h>

#include <algorithm>
#include <cstring>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <thread>

#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include "engine/ingest/csv_reader.hpp"
#include "engine/ingest/limits.hpp"
#include "engine/output/json_writer.hpp"

namespace tenet {

namespace {

// Bytes read from the input with SIMDJSON_PADDING readable bytes after them. Buffers go round
// between the reader and the workers (spare_input_), so a run reads into the same few
// megabytes however long it is: resident memory stays flat, and no fresh page is faulted in.
struct Bytes {
  std::unique_ptr<char[]> data;
  std::size_t size = 0;      // bytes read
  std::size_t capacity = 0;  // bytes that fit, not counting the padding

  std::string_view view() const { return {data.get(), size}; }
  void reserve(std::size_t bytes) {
    if (bytes <= capacity) return;
    auto larger = std::make_unique_for_overwrite<char[]>(bytes + simdjson::SIMDJSON_PADDING);
    if (size > 0) std::memcpy(larger.get(), data.get(), size);
    data = std::move(larger);
    capacity = bytes;
  }
  // Keeps the first `length` bytes, with zeros for padding after them.
  void end_at(std::size_t length) {
    size = length;
    std::memset(data.get() + length, 0, simdjson::SIMDJSON_PADDING);
  }
  void erase_front(std::size_t bytes) {
    std::memmove(data.get(), data.get() + bytes, size - bytes);
    size -= bytes;
  }
};

// A block of whole records, readable SIMDJSON_PADDING bytes past their end.
struct Block {
  std::uint64_t sequence = 0;
  Bytes bytes;              // the records, then (past `length`) zeros
  std::size_t length = 0;   // bytes of records
  InputPosition start;      // its offset from the reader; its line from the worker (first_line())
  std::optional<RecordError> oversized;  // a record too long to read, reported in its place
  std::size_t oversized_lines = 0;       // the line ends in that record's bytes

  const char* data() const { return bytes.data.get(); }
  std::size_t capacity() const { return bytes.capacity + simdjson::SIMDJSON_PADDING; }
};

struct BlockResult {
  std::string output;
  std::string rejects;
  Summary summary;
  std::uint64_t end_offset = 0;
  std::vector<std::uint64_t> error_ordinals;  // which records of the block (0-based) were errors
  std::string head, tail;  // the block's first (block 0 only) and last bytes: the input's identity
  std::vector<std::pair<std::uint64_t, std::size_t>> keys;  // KeyTracker::hash() of each record's key, and its line
};

// The identity of an input, for summaries: its size and a hash of its first and last 4 KiB.
// Two shards differ there unless they are the same bytes; hashing all of it would cost a
// pass over the portfolio.
constexpr std::size_t kIdentityBytes = 4096;

template <typename T>
class Channel {
 public:
  explicit Channel(std::size_t capacity) : capacity_(capacity) {}
  bool push(T item) {
    std::unique_lock lock(mutex_);
    not_full_.wait(lock, [&] { return items_.size() < capacity_ || closed_; });
    if (closed_) return false;
    items_.push_back(std::move(item));
    not_empty_.notify_one();
    return true;
  }
  std::optional<T> pop() {
    std::unique_lock lock(mutex_);
    not_empty_.wait(lock, [&] { return !items_.empty() || closed_; });
    if (items_.empty()) return std::nullopt;
    T item = std::move(items_.front());
    items_.pop_front();
    not_full_.notify_one();
    return item;
  }
  void close() {
    std::lock_guard lock(mutex_);
    closed_ = true;
    not_empty_.notify_all();
    not_full_.notify_all();
  }

 private:
  std::size_t capacity_;
  std::deque<T> items_;
  bool closed_ = false;
  std::mutex mutex_;
  std::condition_variable not_empty_, not_full_;
};

void append_reject(std::string& out, const RecordError& e) {
  out += fmt::format("{{\"line\":{},\"offset\":{}", e.line, e.offset);
  if (e.id) {
    out += ",\"id\":";
    append_json_string(out, *e.id);
  }
  out += ",\"error\":";
  append_json_string(out, e.message);
  out += ",\"kind\":\"";
  out += kind_name(e.kind);
  out += "\",\"raw\":";
  append_json_text_lossy(out, e.raw);
  out += "}\n";
}

class Runner {
 public:
  Runner(const Policy& policy, const BatchOptions& options, BatchIO& io)
      : policy_(policy), options_(options), io_(io) {
    threads_ = options.threads ? options.threads : std::max(1u, std::thread::hardware_concurrency());
    blocks_ = std::make_unique<Channel<Block>>(threads_ * 2);
    max_in_flight_ = threads_ * 4 + 2;
  }

  BatchResult run() {
    BatchResult result;
    result.summary = Summary::of(policy_);
    input_file_ = input_file(io_.input);
    if (options_.input == FactsFormat::csv && !read_header(result)) return result;
    // JSON lines in a regular file: the reader only finds where blocks end, and each worker
    // reads its own block (pread), so reading scales with the workers and a block is parsed
    // from the cache of the core that read it. CSV (whose rows can span lines) and streams
    // are read by the reader thread.
    read_by_workers_ = input_file_ && options_.input == FactsFormat::jsonl;
    std::thread reader([&] { read_by_workers_ ? cut_file_blocks() : read_blocks(); });
    std::vector<std::thread> workers;
    for (unsigned i = 0; i < threads_; ++i) workers.emplace_back([&] { work(); });
    write_in_order(result);
    stop_ = true;
    {
      std::lock_guard lock(mutex_);
      flow_.notify_all();
      lines_placed_.notify_all();
    }
    blocks_->close();
    reader.join();
    for (auto& w : workers) w.join();
    if (result.failure.empty() && !read_failure_.empty()) result.failure = read_failure_;
    result.summary.inputs = {fmt::format("{}:{}", input_bytes_, sha256_hex(input_head_ + input_tail_).substr(0, 32))};
    result.summary.duplicate_keys = keys_.finish(result.summary.duplicate_lines, Summary::kDuplicateLinesShown);
    result.summary.keys_checked = options_.check_keys;
    return result;
  }

 private:
  static std::size_t count_lines(std::string_view text) {
    std::size_t lines = 0;
    for (const char* p = text.data(), *end = p + text.size();
         (p = static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>(end - p)))) != nullptr; ++p) {
      ++lines;
    }
    return lines;
  }

  // Reads until `pending_` holds `at_least` bytes, or the input ends: straight into the buffer
  // the block will own, so each byte is copied once, by the kernel.
  bool fill(std::size_t at_least) {
    pending_.reserve(std::max(at_least, options_.block_bytes));
    while (pending_.size < at_least && !eof_) {
      const std::size_t room = pending_.capacity - pending_.size;
      const std::size_t n = std::fread(pending_.data.get() + pending_.size, 1, room, io_.input);
      pending_.size += n;
      if (n < room) {
        if (std::ferror(io_.input)) {
          fail("cannot read the portfolio");
          return false;
        }
        eof_ = true;
        if (input_file_ && next_offset_ + pending_.size < input_file_->bytes()) {
          fail(shrank());
          return false;
        }
      }
    }
    return true;
  }

  std::string shrank() const {
    return fmt::format("the file shrank from {} to {} bytes while it was read; stopped, the output is incomplete",
                       input_file_->size, file_size(io_.input).value_or(0));
  }
  // An input failure, from the reader or a worker: the first one is reported, and the run stops.
  void fail(std::string message) {
    std::lock_guard lock(mutex_);
    if (read_failure_.empty()) read_failure_ = std::move(message);
    stop_ = true;
    flow_.notify_all();
    lines_placed_.notify_all();
  }

  // Reads `length` bytes at `offset` from the start of the input; false (reported) when the
  // file no longer has them.
  bool read_at(char* into, std::size_t length, std::uint64_t offset) {
    const int fd = fileno(io_.input);
    for (std::size_t done = 0; done < length;) {
      const ssize_t n = ::pread(fd, into + done, length - done, static_cast<off_t>(input_file_->position + offset + done));
      if (n <= 0) {
        fail(n == 0 ? shrank() : std::string("cannot read the portfolio"));
        return false;
      }
      done += static_cast<std::size_t>(n);
    }
    return true;
  }

  // Cuts a regular file of JSON lines into blocks at line ends, as read_blocks() does, reading
  // only around the cuts; the workers read the blocks themselves (read_block()).
  void cut_file_blocks() {
    const std::uint64_t size = input_file_->bytes();
    std::uint64_t sequence = 0;
    while (!stop_ && next_offset_ < size) {
      Block block;
      block.start.offset = next_offset_;
      std::uint64_t end = 0;
      if (!block_end(next_offset_, size, block, end)) break;
      block.sequence = sequence++;
      block.length = block.oversized ? 0 : static_cast<std::size_t>(end - next_offset_);
      next_offset_ = end;
      if (!send(std::move(block))) break;
    }
    reading_done(sequence);
  }

  // Where the block starting at `start` ends: after the last line end within block_bytes, or,
  // when a record is longer than that, after its own line end (a record longer than
  // limits::kMaxRecordBytes is skipped to it and reported in `block`). false on a read failure.
  bool block_end(std::uint64_t start, std::uint64_t size, Block& block, std::uint64_t& end) {
    constexpr std::size_t kPeek = 64 << 10;
    const auto read_peek = [&](std::uint64_t from, std::uint64_t to) {
      peek_.resize(static_cast<std::size_t>(to - from));
      return read_at(peek_.data(), peek_.size(), from);
    };
    if (size - start <= options_.block_bytes) {
      end = size;
      return true;
    }
    const std::uint64_t nominal = start + options_.block_bytes;
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
        if (!read_at(head.data(), head.size(), start)) return false;
        block.oversized = oversized_error(head);
      }
      low = high;
    }
    end = size;
    return true;
  }

  // A worker's read of its block, into a buffer a finished block gave back.
  bool read_block(Block& block) {
    block.bytes = take_input_buffer();
    block.bytes.reserve(block.length);
    if (stop_ || !read_at(block.bytes.data.get(), block.length, block.start.offset)) {
      block.length = 0;  // nothing to count or read: the run is stopping
      return false;
    }
    block.bytes.end_at(block.length);
    return true;
  }

  // A regular file's size and where the stream starts in it: reading fewer bytes than that
  // difference means the file was cut while it was read.
  struct InputFile {
    std::uint64_t size = 0, position = 0;
    std::uint64_t bytes() const { return size - position; }  // from the stream's start to the end
  };
  static std::optional<std::uint64_t> file_size(std::FILE* input) {
    struct stat info {};
    const int fd = fileno(input);
    if (fd < 0 || ::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) return std::nullopt;
    return static_cast<std::uint64_t>(info.st_size);
  }
  static std::optional<InputFile> input_file(std::FILE* input) {
    const auto size = file_size(input);
    const long position = std::ftell(input);
    if (!size || position < 0 || static_cast<std::uint64_t>(position) > *size) return std::nullopt;
    return InputFile{*size, static_cast<std::uint64_t>(position)};
  }

  std::size_t complete(std::string_view text) const {
    if (options_.input == FactsFormat::csv) return csv_complete_rows(text);
    const std::size_t newline = text.rfind('\n');
    return newline == std::string_view::npos ? 0 : newline + 1;
  }

  bool read_header(BatchResult& result) {
    RecordBuilder builder(policy_, options_.input_options);
    while (fill(pending_.size + 1)) {
      if (complete(pending_.view()) > 0 || eof_) break;
    }
    if (!read_failure_.empty()) {
      result.failure = read_failure_;
      return false;
    }
    const std::string_view text = pending_.view();
    std::string error;
    const std::size_t used = read_csv_header(text, builder, layout_, error);
    if (used == 0 && !error.empty()) {
      result.failure = error;
      return false;
    }
    next_line_ = 1 + count_lines(text.substr(0, used));
    next_offset_ = used;
    pending_.erase_front(used);
    return true;
  }

  // Hands a block to the workers once fewer than max_in_flight_ are waiting to be written;
  // false when the run stops.
  bool send(Block block) {
    {
      std::unique_lock lock(mutex_);
      flow_.wait(lock, [&] { return in_flight_ < max_in_flight_ || stop_; });
      if (stop_) return false;
      ++in_flight_;
      blocks_total_ = block.sequence + 1;
    }
    return blocks_->push(std::move(block));
  }

  void reading_done(std::uint64_t blocks) {
    {
      std::lock_guard lock(mutex_);
      reading_done_ = true;
      blocks_total_ = blocks;
      flow_.notify_all();
    }
    blocks_->close();
  }

  void read_blocks() {
    std::uint64_t sequence = 0;
    while (!stop_) {
      if (!fill(options_.block_bytes)) break;
      std::size_t length = eof_ ? pending_.size : complete(pending_.view());
      Block block;
      if (length == 0 && !eof_) {
        // No record end in a whole block: a long record. Read on, up to the limit.
        if (pending_.size <= limits::kMaxRecordBytes) {  // room for the record and its line end
          if (!fill(pending_.size + options_.block_bytes)) break;
          continue;
        }
        length = skip_oversized(block);
      }
      if (length == 0 && pending_.size == 0 && !block.oversized) break;
      block.sequence = sequence++;
      block.start.offset = next_offset_;
      next_offset_ += length;
      if (block.oversized) {
        block.oversized_lines = count_lines(pending_.view().substr(0, length));
        pending_.erase_front(length);
      } else {
        // The block takes the buffer; only the partial record at its end is copied, into a
        // buffer a finished block gave back.
        Bytes rest = take_input_buffer();
        rest.reserve(std::max(pending_.size - length, options_.block_bytes));
        std::memcpy(rest.data.get(), pending_.data.get() + length, pending_.size - length);
        rest.size = pending_.size - length;
        block.bytes = std::exchange(pending_, std::move(rest));
        block.bytes.end_at(block.length = length);
      }
      if (!send(std::move(block))) break;
      if (eof_ && pending_.size == 0) break;
    }
    reading_done(sequence);
  }

  // The error that stands for a record longer than limits::kMaxRecordBytes starting at
  // next_offset_; its line is set by the worker, once known (first_line()).
  RecordError oversized_error(std::string_view head) const {
    return {0, std::nullopt, ErrorKind::too_large, oversized_record_message(), next_offset_, std::string(head.substr(0, 200))};
  }

  // Drops a record longer than limits::kMaxRecordBytes up to its end, keeping its line as an error.
  std::size_t skip_oversized(Block& block) {
    block.oversized = oversized_error(pending_.view());
    while (true) {
      const std::size_t newline = pending_.view().find('\n');
      if (newline != std::string_view::npos) return newline + 1;
      next_offset_ += pending_.size;
      pending_.size = 0;
      if (eof_ || !fill(options_.block_bytes)) return 0;
    }
  }

  // The line a block starts at. Workers count the lines of their own blocks, so that the reader,
  // the one thread every byte passes through, does not; a block's first line is known once
  // every block before it is counted, which their workers do first thing.
  std::size_t first_line(const Block& block) {
    const std::size_t lines = block.oversized ? block.oversized_lines : count_lines({block.data(), block.length});
    std::unique_lock lock(mutex_);
    line_counts_.emplace(block.sequence, lines);
    for (auto it = line_counts_.find(blocks_placed_); it != line_counts_.end(); it = line_counts_.find(blocks_placed_)) {
      first_lines_.emplace(blocks_placed_++, next_line_);
      next_line_ += it->second;
      line_counts_.erase(it);
    }
    lines_placed_.notify_all();
    lines_placed_.wait(lock, [&] { return first_lines_.count(block.sequence) > 0 || stop_; });
    const auto it = first_lines_.find(block.sequence);
    if (it == first_lines_.end()) return 0;  // stopping: the block is not processed
    const std::size_t first = it->second;
    first_lines_.erase(it);
    return first;
  }

  // What deciding a block needs, reused block after block: a worker owns one, and so does the
  // writer when it redoes a block up to --max-errors.
  struct Decider {
    Evaluator evaluator;
    RecordBuilder builder;
    Decision decision;
    std::size_t keys_last_block = 0;  // BlockResult::keys' capacity for the next block
    Decider(const Policy& policy, const BatchOptions& options) : evaluator(policy), builder(policy, options.input_options) {
      evaluator.set_explain(options.explain);  // `because` texts are written only with --explain
      builder.write_into(evaluator.field_slots());
    }
  };

  void work() {
    Decider decider(policy_, options_);
    while (auto block = blocks_->pop()) {
      BlockResult r;
      r.output = take_buffer();
      r.summary = Summary::of(policy_);
      r.end_offset = block->start.offset + block->length;
      if (read_by_workers_ && !block->oversized) read_block(*block);  // a failure stops the run
      block->start.line = first_line(*block);
      if (block->oversized) block->oversized->line = block->start.line;
      if (!stop_) process(*block, decider, r);
      std::lock_guard lock(mutex_);
      if (options_.max_errors) {
        kept_blocks_.emplace(block->sequence, std::move(*block));
      } else if (spare_input_.size() < max_in_flight_) {
        spare_input_.push_back(std::move(block->bytes));  // the reader fills it again
      }
      done_.emplace(block->sequence, std::move(r));
      flow_.notify_all();
    }
  }

  // `limit`: process only the first N records of the block (to stop exactly at --max-errors).
  void process(Block& block, Decider& decider, BlockResult& r,
               std::uint64_t limit = UINT64_MAX) {
    Evaluator& evaluator = decider.evaluator;
    RecordBuilder& builder = decider.builder;
    Decision& d = decider.decision;
    r.keys.reserve(decider.keys_last_block);
    SummaryTally tally(policy_, options_.sum_fields);
    bool first_line = block.sequence == 0;
    std::uint64_t ordinal = 0;
    const auto sink = [&](std::size_t line, Record* record, RecordError* error) {
      if (ordinal >= limit) return;
      if (error) r.error_ordinals.push_back(ordinal);
      ++ordinal;
      if (options_.check_keys)
        if (const auto key = KeyTracker::key_of(record, error)) r.keys.emplace_back(*key, line);
      if (record) {
        evaluator.evaluate_in_place(*record, d);
        const bool traced = options_.trace || (options_.trace_sample && line % options_.trace_sample == 0);
        write_batch_decision(r.output, options_.output, policy_, d, line,
                             {options_.explain, traced ? &evaluator.frame() : nullptr,
                              first_line && options_.output == BatchFormat::jsonl, &csv_provenance_});
        tally.add(d, evaluator.frame());
      } else {
        write_batch_error(r.output, options_.output, *error, {options_.explain, nullptr, false, &csv_provenance_},
                          first_line && options_.output == BatchFormat::jsonl ? &policy_.info() : nullptr);
        if (io_.write_rejects) append_reject(r.rejects, *error);
        tally.add(*error);
      }
      first_line = false;
    };
    if (block.oversized) {
      sink(block.oversized->line, nullptr, &*block.oversized);
    } else {
      const std::string_view text(block.data(), block.length);
      if (block.sequence == 0) r.head.assign(text.substr(0, kIdentityBytes));
      r.tail.assign(text.substr(text.size() - std::min(text.size(), kIdentityBytes)));
      if (options_.input == FactsFormat::csv) {
        read_csv_rows(text, layout_, builder, sink, block.start);
      } else {
        read_jsonl(text, block.capacity(), builder, sink, block.start);
      }
    }
    decider.keys_last_block = r.keys.size();
    tally.add_to(r.summary);
    builder.report(r.summary);
  }

  // Output buffers go round between workers and the writer, keeping their capacity: a
  // block's output (megabytes with --trace) is then never reallocated or page-faulted anew.
  std::string take_buffer() {
    std::lock_guard lock(mutex_);
    if (spare_.empty()) return {};
    std::string buffer = std::move(spare_.back());
    spare_.pop_back();
    buffer.clear();
    return buffer;
  }
  Bytes take_input_buffer() {
    std::lock_guard lock(mutex_);
    if (spare_input_.empty()) return {};
    Bytes buffer = std::move(spare_input_.back());
    spare_input_.pop_back();
    buffer.size = 0;
    return buffer;
  }
  void give_back(std::string buffer) {
    std::lock_guard lock(mutex_);
    if (spare_.size() < max_in_flight_) spare_.push_back(std::move(buffer));
  }

  void write_in_order(BatchResult& result) {
    std::uint64_t next = 0;
    while (true) {
      BlockResult r;
      {
        std::unique_lock lock(mutex_);
        flow_.wait(lock, [&] { return done_.count(next) || (reading_done_ && next >= blocks_total_); });
        if (!done_.count(next)) break;
        r = std::move(done_.at(next));
        done_.erase(next);
        --in_flight_;
        flow_.notify_all();
      }
      if (options_.max_errors && result.summary.errors + r.summary.errors > *options_.max_errors) {
        // Redo this block up to and including the error that goes over the limit, so the
        // output stops exactly there and the summary counts exactly what was written.
        const std::uint64_t allowed = *options_.max_errors - result.summary.errors;
        const std::uint64_t limit = r.error_ordinals[allowed] + 1;
        Block block;
        {
          std::lock_guard lock(mutex_);
          block = std::move(kept_blocks_.at(next));
        }
        Decider decider(policy_, options_);
        r = BlockResult{};
        r.summary = Summary::of(policy_);
        process(block, decider, r, limit);
        result.stopped_at_max_errors = true;
      }
      if (options_.max_errors) {
        std::lock_guard lock(mutex_);
        kept_blocks_.erase(next);
      }
      ++next;
      if (!io_.write_output(r.output) || (io_.write_rejects && !r.rejects.empty() && !io_.write_rejects(r.rejects))) {
        result.output_failed = true;  // the writer knows why (errno) and reports it
        return;
      }
      give_back(std::move(r.output));
      // Keys in input order, for the repeated keys found at the end (KeyTracker::finish()).
      for (const auto& [hash, line] : r.keys) keys_.add(hash, line);
      if (!r.head.empty()) input_head_ = std::move(r.head);
      if (!r.tail.empty()) input_tail_ = std::move(r.tail);
      input_bytes_ = r.end_offset;
      std::string error;
      if (!result.summary.merge(r.summary, error)) throw std::logic_error("a block's summary does not merge: " + error);
      if (io_.progress) io_.progress({result.summary.records, r.end_offset});
      if (result.stopped_at_max_errors) return;
    }
  }

  const Policy& policy_;
  const BatchOptions& options_;
  BatchIO& io_;
  const std::string csv_provenance_ = csv_provenance_cells(policy_.info());
  unsigned threads_ = 1;
  std::unique_ptr<Channel<Block>> blocks_;
  CsvLayout layout_;

  // Reader state (reader thread only, and read_header before it starts).
  bool read_by_workers_ = false;                 // cut_file_blocks() and read_block()
  std::string peek_;                             // bytes around a cut (cut_file_blocks())
  Bytes pending_;                                // read, not yet handed to a worker
  std::optional<InputFile> input_file_;          // when the input is a regular file
  bool eof_ = false;
  std::uint64_t next_offset_ = 0;  // where the next block starts

  // The writer's: the input's identity (kIdentityBytes).
  std::string input_head_, input_tail_;
  KeyTracker keys_;
  std::uint64_t input_bytes_ = 0;
  std::string read_failure_;

  // Shared between threads, under mutex_.
  std::mutex mutex_;
  std::condition_variable flow_;
  std::map<std::uint64_t, BlockResult> done_;
  std::map<std::uint64_t, Block> kept_blocks_;  // with --max-errors, until written
  std::vector<std::string> spare_;              // output buffers to reuse
  std::vector<Bytes> spare_input_;              // input block buffers to reuse
  std::size_t in_flight_ = 0;
  std::size_t max_in_flight_ = 0;
  bool reading_done_ = false;
  std::uint64_t blocks_total_ = 0;
  std::atomic<bool> stop_{false};
  // Blocks' line counts, turned into first lines in block order (first_line()), under mutex_.
  std::condition_variable lines_placed_;
  std::map<std::uint64_t, std::size_t> line_counts_, first_lines_;
  std::uint64_t blocks_placed_ = 0;
  std::size_t next_line_ = 1;
};

}  // namespace

BatchResult run_batch(const Policy& policy, const BatchOptions& options, BatchIO& io) {
  return Runner(policy, options, io).run();
}

}  // namespace tenet
