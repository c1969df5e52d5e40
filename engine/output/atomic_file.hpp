// An output file that appears whole or not at all: written to a temporary file beside it and
// renamed into place by commit(). Destroyed without commit() (an error, an early return),
// the temporary file is removed and an existing file keeps its content. Standard output
// ("-" or empty) and devices or pipes (/dev/null, a FIFO) are written in place.
#pragma once

#include <cstdio>
#include <string>

namespace tenet::core {

class AtomicFile {
 public:
  AtomicFile() = default;
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;
  ~AtomicFile() { discard(); }

  // False with `error` set when the file cannot be created.
  bool open(const std::string& path, std::string& error);
  bool is_open() const { return file_ != nullptr; }
  void write(const std::string& text);
  bool failed() const { return failed_; }
  // Flushes and renames into place; false with `error` (and nothing replaced) on failure.
  bool commit(std::string& error);
  // Drops what was written: the temporary file is removed; a device keeps what it got.
  void discard();

 private:
  std::string path_, temporary_;
  std::FILE* file_ = nullptr;
  bool direct_ = false;  // standard output, a device or a pipe: no temporary file
  bool failed_ = false;
};

// The whole text into `path`, atomically.
bool write_file_atomically(const std::string& path, const std::string& text, std::string& error);

}  // namespace tenet::core
