// libFuzzer: any bytes as policy text -> a policy or diagnostics, rendered. Never a crash, a
// hang or a leak. Run: tests/fuzz/run policy SECONDS
#include <cstddef>
#include <cstdint>
#include <string>

#include "engine/tenet.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto result = tenet::Policy::compile(tenet::SourceFile("fuzz.tenet", std::string(reinterpret_cast<const char*>(data), size)));
  const std::string text = tenet::render(result.source(), result.diagnostics);
  if (!result.policy && !result.diagnostics.has_errors()) __builtin_trap();  // no policy needs a reason
  return 0;
}
