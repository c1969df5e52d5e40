// SHA-256 as lowercase hex (OpenSSL's libcrypto): of a policy's source bytes, and of a whole
// input file (the report's provenance).
#pragma once

#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

namespace tenet {
std::string sha256_hex(std::string_view bytes);
// Of everything from the stream's position to its end; nullopt when reading fails.
std::optional<std::string> sha256_of_stream(std::FILE* input);
}
