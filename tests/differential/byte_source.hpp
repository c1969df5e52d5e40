// Choices drawn from a byte string, so that a fuzzer's mutations steer a generator; when
// the bytes run out every choice is 0 (the simplest option), so any input is a valid plan.
#pragma once

#include <cstddef>
#include <cstdint>

namespace tenet::core::testing {

class ByteSource {
 public:
  ByteSource(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}

  // A choice in [0, bound): one byte for small bounds, two for larger ones.
  std::uint32_t below(std::uint32_t bound) {
    if (bound <= 1) return 0;
    std::uint32_t v = take();
    if (bound > 256) v = v << 8 | take();
    return v % bound;
  }
  bool coin() { return below(2) == 1; }
  bool exhausted() const { return pos_ >= size_; }

 private:
  std::uint32_t take() { return pos_ < size_ ? data_[pos_++] : 0; }
  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t pos_ = 0;
};

}  // namespace tenet::core::testing
