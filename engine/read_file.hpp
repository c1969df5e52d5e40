// Reading a whole input file (a policy, an import, params, a ranks file, a summary, a test file,
// facts for eval): a regular file, a pipe or standard input, never a device or a folder
// (/dev/zero would be read until memory runs out), and never more than a bound when one is given.
#pragma once

#include <cstddef>
#include <limits>
#include <string>

namespace tenet::core {

struct ReadProblem {
  bool opened = true;  // false: the file could not be opened
  std::string reason;  // empty when the whole file was read: "No such file or directory", "it is a folder"
};

// `path` whole into `out` ("-" is standard input).
ReadProblem read_whole_file(const std::string& path, std::string& out, std::size_t max_bytes = std::numeric_limits<std::size_t>::max());

// Why standard input cannot be read ("standard input is closed"), or empty.
std::string standard_input_problem();

// Why `path`, opened as `fd`, is not something to read whole or stream (a folder, a device), or empty.
std::string not_readable_kind(const std::string& path, int fd);

}  // namespace tenet::core
