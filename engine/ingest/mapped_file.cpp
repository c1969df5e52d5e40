#include "engine/ingest/mapped_file.hpp"

#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace tenet {

std::unique_ptr<MappedFile> MappedFile::map(std::FILE* file) {
  struct stat info {};
  const int fd = fileno(file);
  if (fd < 0 || ::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode) || info.st_size <= 0) return nullptr;
  if (std::ftell(file) != 0) return nullptr;
  const auto size = static_cast<std::size_t>(info.st_size);
  void* data = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
  if (data == MAP_FAILED) return nullptr;  // the stream reader still works
  ::madvise(data, size, MADV_SEQUENTIAL);
  return std::unique_ptr<MappedFile>(new MappedFile(static_cast<const char*>(data), size));
}

MappedFile::~MappedFile() { ::munmap(const_cast<char*>(data_), size_); }

namespace {
const std::size_t kPage = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
}  // namespace

void MappedFile::release(std::size_t begin, std::size_t end) const {
  const std::size_t first = (begin + kPage - 1) / kPage * kPage, last = end / kPage * kPage;
  if (first < last) ::madvise(const_cast<char*>(data_) + first, last - first, MADV_DONTNEED);
}

void MappedFile::release_before(std::size_t offset) {
  const std::size_t end = offset / kPage * kPage;
  if (end <= released_) return;
  ::madvise(const_cast<char*>(data_) + released_, end - released_, MADV_DONTNEED);
  released_ = end;
}

}  // namespace tenet
