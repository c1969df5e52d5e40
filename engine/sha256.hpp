// SHA-256 of a policy's source bytes, as lowercase hex (OpenSSL's libcrypto).
#pragma once

#include <string>
#include <string_view>

namespace tenet {
std::string sha256_hex(std::string_view bytes);
}
