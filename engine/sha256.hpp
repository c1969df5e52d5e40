// SHA-256 as lowercase hex (OpenSSL's libcrypto): of a policy's source bytes, and of a whole
// input file (the report's provenance).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace tenet::core {
std::string sha256_hex(std::string_view bytes);
// Of a whole file, read with pread (the descriptor's position is left alone, so the file can be
// read by another thread meanwhile); nullopt when reading fails.
std::optional<std::string> sha256_of_file(int fd);
}  // namespace tenet::core
