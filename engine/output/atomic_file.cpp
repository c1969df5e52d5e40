#include "engine/output/atomic_file.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <climits>
#include <csignal>
#include <cstring>
#include <filesystem>

#include <fmt/format.h>

namespace tenet::core {

namespace {

namespace fs = std::filesystem;

// The temporary files a signal handler removes: fixed slots, so that registering allocates
// nothing the handler could see half-built, and the handler calls only unlink().
enum SlotState : int { kFree = 0, kClaimed = 1, kReady = 2 };
struct TemporarySlot {
  std::atomic<int> state{kFree};
  char path[PATH_MAX];
};
constexpr int kSlots = 64;
TemporarySlot g_temporaries[kSlots];

int register_temporary(const std::string& path) {
  if (path.size() >= PATH_MAX) return -1;
  for (int i = 0; i < kSlots; ++i) {
    int expected = kFree;
    if (g_temporaries[i].state.compare_exchange_strong(expected, kClaimed)) {
      std::memcpy(g_temporaries[i].path, path.c_str(), path.size() + 1);
      g_temporaries[i].state.store(kReady, std::memory_order_release);
      return i;
    }
  }
  return -1;  // more than 64 open outputs: this one is not removed on a signal
}

void unregister_temporary(int slot) {
  if (slot >= 0) g_temporaries[slot].state.store(kFree, std::memory_order_release);
}

extern "C" void remove_temporaries_and_die(int signal_number) {
  for (auto& slot : g_temporaries)
    if (slot.state.load(std::memory_order_acquire) == kReady) ::unlink(slot.path);
  std::signal(signal_number, SIG_DFL);
  std::raise(signal_number);
}

}  // namespace

// A descriptor a path names directly: /dev/stdout, /dev/stderr, /dev/fd/N, /proc/self/fd/N
// (a shell's `>(cmd)` or `>> log`): written through it, never reopened (that would truncate an
// appended file) nor resolved (its link text `pipe:[N]` is no path).
std::optional<int> descriptor_named(const std::string& path) {
  if (path == "/dev/stdout") return 1;
  if (path == "/dev/stderr") return 2;
  for (const std::string_view prefix : {"/dev/fd/", "/proc/self/fd/"}) {
    if (!path.starts_with(prefix) || path.size() == prefix.size() || path.size() > prefix.size() + 6) continue;
    const std::string digits = path.substr(prefix.size());
    if (digits.find_first_not_of("0123456789") == std::string::npos) return std::stoi(digits);
  }
  return std::nullopt;
}

bool resolve_links(const std::string& path, std::string& target, std::string& error) {
  target = path;
  for (int hops = 0;; ++hops) {
    struct stat link {};
    if (::lstat(target.c_str(), &link) != 0 || !S_ISLNK(link.st_mode)) return true;
    std::error_code ec;
    const fs::path to = fs::read_symlink(target, ec);
    if (ec || hops == 40) {
      error = fmt::format("cannot write {}: {}", path, ec ? ec.message() : std::strerror(ELOOP));
      return false;
    }
    target = to.is_absolute() ? to.string() : (fs::path(target).parent_path() / to).string();
  }
}

namespace {

mode_t current_umask() {
  const mode_t mask = ::umask(0);
  ::umask(mask);
  return mask;
}

}  // namespace

void install_signal_cleanup() {
  for (const int s : {SIGINT, SIGTERM, SIGHUP, SIGQUIT}) {
    struct sigaction current {};
    // A signal the caller ignores (nohup's SIGHUP) stays ignored.
    if (::sigaction(s, nullptr, &current) == 0 && current.sa_handler == SIG_IGN) continue;
    struct sigaction action {};
    action.sa_handler = remove_temporaries_and_die;
    sigemptyset(&action.sa_mask);
    ::sigaction(s, &action, nullptr);
  }
  // Over the file size limit, a write fails with EFBIG and is reported like a full disk.
  std::signal(SIGXFSZ, SIG_IGN);
}

bool AtomicFile::open(const std::string& path, std::string& error) {
  discard();
  path_ = path;
  failed_ = false;
  finished_ = false;
  if (path.empty() || path == "-") {
    file_ = stdout;
    direct_ = true;
    return true;
  }
  if (const auto fd = descriptor_named(path)) {
    const int copy = ::dup(*fd);
    file_ = copy < 0 ? nullptr : ::fdopen(copy, "wb");
    if (!file_) error = fmt::format("cannot write {}: {}", path, std::strerror(errno));
    if (!file_ && copy >= 0) ::close(copy);
    direct_ = true;
    return file_ != nullptr;
  }
  if (!resolve_links(path, target_, error)) return false;
  // A device or a pipe (/dev/null, /dev/stdout, a FIFO) is written in place: renaming a
  // temporary file over it would replace the device with a file.
  struct stat info {};
  const bool exists = ::stat(target_.c_str(), &info) == 0;
  direct_ = exists && !S_ISREG(info.st_mode);
  if (direct_) {
    file_ = std::fopen(target_.c_str(), "wb");
    if (!file_) error = fmt::format("cannot write {}: {}", path, std::strerror(errno));
    return file_ != nullptr;
  }
  // A read-only file is not replaced (rename would do it: it needs only the folder writable).
  if (exists && ((info.st_mode & (S_IWUSR | S_IWGRP | S_IWOTH)) == 0 || ::access(target_.c_str(), W_OK) != 0)) {
    error =
        fmt::format("cannot write {}: it is read-only (mode {:04o}); make it writable or choose another file", path, info.st_mode & 07777);
    return false;
  }
  // A file with other names (hard links) would be replaced under this one only: the others would
  // keep the old content, silently. Refused, as a read-only file is.
  if (exists && info.st_nlink > 1) {
    error = fmt::format(
        "cannot write {}: it has {} names (hard links), and replacing it would leave the others with the old content; remove the other "
        "links or choose another file",
        path, static_cast<unsigned long long>(info.st_nlink));
    return false;
  }
  const fs::path target(target_);
  std::string name = (target.parent_path() / ("." + target.filename().string() + ".tmp-XXXXXX")).string();
  const int fd = ::mkstemp(name.data());
  if (fd < 0) {
    error = fmt::format("cannot write {}: {}", path, std::strerror(errno));
    return false;
  }
  // The replaced file's mode and owner, or a new file's (as open() would make it).
  ::fchmod(fd, exists ? (info.st_mode & 07777) : (0666 & ~current_umask()));
  if (exists && (info.st_uid != ::geteuid() || info.st_gid != ::getegid())) {
    [[maybe_unused]] const int ignored = ::fchown(fd, info.st_uid, info.st_gid);  // allowed for root only
  }
  temporary_ = name;
  slot_ = register_temporary(temporary_);
  file_ = ::fdopen(fd, "wb");
  if (!file_) {
    error = fmt::format("cannot write {}: {}", path, std::strerror(errno));
    ::close(fd);
    ::unlink(temporary_.c_str());
    unregister_temporary(slot_);
    slot_ = -1;
  }
  return file_ != nullptr;
}

void AtomicFile::write(const std::string& text) {
  if (file_ && !text.empty() && std::fwrite(text.data(), 1, text.size(), file_) != text.size()) failed_ = true;
}

bool AtomicFile::finish(std::string& error) {
  if (finished_) return true;
  if (!file_) return false;
  bool ok = std::fflush(file_) == 0 && !std::ferror(file_) && !failed_;
  int saved = errno;
  const bool is_stdout = file_ == stdout;
  if (ok && !direct_ && ::fsync(fileno(file_)) != 0) {  // whole on the disk before it replaces anything
    ok = false;
    saved = errno;
  }
  if (!is_stdout && std::fclose(file_) != 0 && ok) {
    ok = false;
    saved = errno;
  }
  file_ = nullptr;
  if (!ok) {
    error = fmt::format("cannot write {}: {}", is_stdout ? "the output" : path_, std::strerror(saved ? saved : EIO));
    if (!direct_) {
      ::unlink(temporary_.c_str());
      unregister_temporary(slot_);
      slot_ = -1;
    }
    return false;
  }
  finished_ = true;
  return true;
}

bool AtomicFile::rename_into_place(std::string& error) {
  finished_ = false;
  if (direct_) return true;
  const bool renamed = std::rename(temporary_.c_str(), target_.c_str()) == 0;
  if (!renamed) {
    error = fmt::format("cannot write {}: {}", path_, std::strerror(errno));
    ::unlink(temporary_.c_str());
  }
  unregister_temporary(slot_);
  slot_ = -1;
  return renamed;
}

bool AtomicFile::commit(std::string& error) { return finish(error) && rename_into_place(error); }

void AtomicFile::discard() {
  if (file_) {
    if (file_ != stdout) std::fclose(file_);
    else std::fflush(stdout);
    file_ = nullptr;
  } else if (!finished_) {
    return;
  }
  finished_ = false;
  if (!direct_) {
    ::unlink(temporary_.c_str());
    unregister_temporary(slot_);
    slot_ = -1;
  }
}

bool commit_together(std::initializer_list<AtomicFile*> files, std::string& error) {
  bool whole = true;
  for (AtomicFile* f : files)
    if (f && whole && !f->finish(error)) whole = false;
  if (!whole) {
    for (AtomicFile* f : files)
      if (f) f->discard();
    return false;
  }
  bool renamed = true;  // a rename in one folder fails only when the folder went away
  for (AtomicFile* f : files) {
    std::string failure;
    if (f && !f->rename_into_place(failure) && renamed) {
      error = failure;
      renamed = false;
    }
  }
  return renamed;
}

bool write_file_atomically(const std::string& path, const std::string& text, std::string& error) {
  AtomicFile out;
  if (!out.open(path, error)) return false;
  out.write(text);
  return out.commit(error);
}

}  // namespace tenet::core
