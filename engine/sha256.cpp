#include "engine/sha256.hpp"

#include <memory>
#include <vector>

#include <openssl/evp.h>

namespace tenet {

namespace {

std::string hex_of(const unsigned char* digest, unsigned int length) {
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < length; ++i) {
    out.push_back(hex[digest[i] >> 4]);
    out.push_back(hex[digest[i] & 15]);
  }
  return out;
}

}  // namespace

std::string sha256_hex(std::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &length, EVP_sha256(), nullptr);
  return hex_of(digest, length);
}

std::optional<std::string> sha256_of_stream(std::FILE* input) {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  if (!context || EVP_DigestInit_ex(context.get(), EVP_sha256(), nullptr) != 1) return std::nullopt;
  std::vector<char> chunk(1 << 20);
  std::size_t n = 0;
  while ((n = std::fread(chunk.data(), 1, chunk.size(), input)) > 0) EVP_DigestUpdate(context.get(), chunk.data(), n);
  if (std::ferror(input)) return std::nullopt;
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_DigestFinal_ex(context.get(), digest, &length);
  return hex_of(digest, length);
}

}  // namespace tenet
