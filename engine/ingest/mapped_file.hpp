// A regular file mapped read-only, so `tenet batch` cuts its blocks straight from the page
// cache: no read() copy and no copy into a block buffer on the reader thread, which is the one
// thread every record passes through (on 2 cores its copies cost a tenth of the throughput).
#pragma once

#include <cstddef>
#include <cstdio>
#include <memory>
#include <string_view>

namespace tenet {

class MappedFile {
 public:
  // Maps `file` when it is a regular, non-empty file not yet read from; otherwise nullptr
  // (a pipe, standard input, an empty file), and the caller reads it as a stream.
  static std::unique_ptr<MappedFile> map(std::FILE* file);
  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  std::string_view view() const { return {data_, size_}; }
  // Takes the pages wholly before `offset` out of this process's memory (they stay in the
  // page cache, and come back on a touch): the resident size stays bounded by the blocks in
  // flight, whatever the size of the file.
  void release_before(std::size_t offset);
  // The same for the pages wholly inside [begin, end), from any thread: a worker drops its
  // block's pages as soon as it has read them.
  void release(std::size_t begin, std::size_t end) const;

 private:
  MappedFile(const char* data, std::size_t size) : data_(data), size_(size) {}
  const char* data_;
  std::size_t size_;
  std::size_t released_ = 0;
};

}  // namespace tenet
