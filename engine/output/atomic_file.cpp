#include "engine/output/atomic_file.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

namespace tenet::core {

bool AtomicFile::open(const std::string& path, std::string& error) {
  discard();
  path_ = path;
  failed_ = false;
  if (path.empty() || path == "-") {
    file_ = stdout;
    direct_ = true;
    return true;
  }
  // A device or a pipe (/dev/null, /dev/stdout, a FIFO) is written in place: renaming a
  // temporary file over it would replace the device with a file.
  struct stat info {};
  direct_ = ::stat(path.c_str(), &info) == 0 && !S_ISREG(info.st_mode);
  temporary_ = direct_ ? std::string() : path + ".tmp-" + std::to_string(::getpid());
  file_ = std::fopen(direct_ ? path.c_str() : temporary_.c_str(), "wb");
  if (!file_) error = fmt::format("cannot write {}: {}", path, std::strerror(errno));
  return file_ != nullptr;
}

void AtomicFile::write(const std::string& text) {
  if (file_ && !text.empty() && std::fwrite(text.data(), 1, text.size(), file_) != text.size()) failed_ = true;
}

bool AtomicFile::commit(std::string& error) {
  if (!file_) return false;
  const bool flushed = std::fflush(file_) == 0 && !std::ferror(file_) && !failed_;
  const int saved = errno;
  const bool is_stdout = file_ == stdout;
  const bool closed = is_stdout || std::fclose(file_) == 0;
  file_ = nullptr;
  if (direct_) {
    if (!flushed || !closed) error = fmt::format("cannot write {}: {}", is_stdout ? "the output" : path_, std::strerror(saved));
    return flushed && closed;
  }
  if (!flushed || !closed || std::rename(temporary_.c_str(), path_.c_str()) != 0) {
    error = fmt::format("cannot write {}: {}", path_, std::strerror(flushed && closed ? errno : saved));
    std::remove(temporary_.c_str());
    return false;
  }
  return true;
}

void AtomicFile::discard() {
  if (!file_) return;
  if (file_ != stdout) std::fclose(file_);
  else std::fflush(stdout);
  file_ = nullptr;
  if (!direct_) std::remove(temporary_.c_str());
}

bool write_file_atomically(const std::string& path, const std::string& text, std::string& error) {
  AtomicFile out;
  if (!out.open(path, error)) return false;
  out.write(text);
  return out.commit(error);
}

}  // namespace tenet::core
