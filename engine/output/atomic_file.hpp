// An output file that appears whole or not at all: written to a temporary file beside it and
// renamed into place by commit(). Destroyed without commit() (an error, an early return),
// the temporary file is removed and an existing file keeps its content. Standard output
// ("-" or empty) and devices or pipes (/dev/null, a FIFO) are written in place.
//
// Replacing a file keeps what the file was: its mode and owner (customer data stays 0600), and
// a symbolic link stays a link (the file it points to is replaced). A read-only file is refused,
// not replaced, and so is a file with other names (hard links), which would keep the old content. install_signal_cleanup() makes SIGINT,
// SIGTERM, SIGHUP and SIGQUIT remove the temporary files before the process dies, and turns SIGXFSZ (a file over its size limit) into a
// write error.
#pragma once

#include <cstdio>
#include <initializer_list>
#include <optional>
#include <string>

namespace tenet::core {

class AtomicFile {
 public:
  AtomicFile() = default;
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;
  ~AtomicFile() { discard(); }

  // False with `error` set when the file cannot be created (or is read-only).
  bool open(const std::string& path, std::string& error);
  bool is_open() const { return file_ != nullptr; }
  void write(const std::string& text);
  bool failed() const { return failed_; }
  // Flushes and renames into place; false with `error` (and nothing replaced) on failure.
  bool commit(std::string& error);
  // Drops what was written: the temporary file is removed; a device keeps what it got.
  void discard();

 private:
  friend bool commit_together(std::initializer_list<AtomicFile*> files, std::string& error);
  // Flushes and closes the temporary file (everything written reached the disk), renames nothing.
  bool finish(std::string& error);
  bool rename_into_place(std::string& error);

  std::string path_;       // as given, for messages
  std::string target_;     // the file replaced: path_, or where its symbolic links lead
  std::string temporary_;  // beside target_
  std::FILE* file_ = nullptr;
  bool direct_ = false;    // standard output, a device or a pipe: no temporary file
  bool finished_ = false;  // finish() succeeded: the temporary file is closed and whole
  bool failed_ = false;
  int slot_ = -1;  // in the registry of temporary files removed on a signal
};

// Several outputs of one run (batch's -o, --rejects and --summary) replaced together or not at
// all: each is finished first, and only when every one is whole are they renamed into place. A
// null entry (an output not asked for) is skipped. On failure every one is discarded.
bool commit_together(std::initializer_list<AtomicFile*> files, std::string& error);

// The whole text into `path`, atomically.
bool write_file_atomically(const std::string& path, const std::string& text, std::string& error);

// Once, early in main(): see the header comment.
void install_signal_cleanup();

// Where an output path leads through its symbolic links, as open() follows them (a dangling
// link to the file it would create); false with `error` for a loop.
bool resolve_links(const std::string& path, std::string& target, std::string& error);
// The descriptor a path names directly (/dev/stdout, /dev/stderr, /dev/fd/N, /proc/self/fd/N),
// which an output writes through rather than reopens.
std::optional<int> descriptor_named(const std::string& path);

}  // namespace tenet::core
