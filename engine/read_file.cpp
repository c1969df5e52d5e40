#include "engine/read_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include <fmt/format.h>

namespace tenet::core {

std::string standard_input_problem() {
  // A closed descriptor 0 (`tenet batch p.tenet - <&-`) is an error, not an empty portfolio.
  if (::fcntl(STDIN_FILENO, F_GETFD) == -1) return "standard input is closed";
  return {};
}

std::string not_readable_kind(const std::string& path, int fd) {
  struct stat info {};
  if (::fstat(fd, &info) != 0) return {};
  if (S_ISDIR(info.st_mode)) return "it is a folder";
  if ((S_ISCHR(info.st_mode) || S_ISBLK(info.st_mode)) && path != "-")  // "-" may be a terminal: someone typing
    return "it is a device, not a file (pipe a stream to standard input, -)";
  return {};
}

ReadProblem read_whole_file(const std::string& path, std::string& out, std::size_t max_bytes) {
  if (path == "-") {
    if (std::string closed = standard_input_problem(); !closed.empty()) return {false, closed};
  }
  std::FILE* f = path == "-" ? stdin : std::fopen(path.c_str(), "rb");
  if (!f) return {false, std::strerror(errno)};
  ReadProblem problem{true, not_readable_kind(path, fileno(f))};
  char buffer[1 << 16];
  std::size_t n = 0;
  while (problem.reason.empty() && (n = std::fread(buffer, 1, sizeof buffer, f)) > 0) {
    if (out.size() + n > max_bytes) problem.reason = fmt::format("it is larger than {} bytes", max_bytes);
    else out.append(buffer, n);
  }
  if (problem.reason.empty() && std::ferror(f)) problem.reason = std::strerror(errno);
  if (f != stdin) std::fclose(f);
  return problem;
}

}  // namespace tenet::core
