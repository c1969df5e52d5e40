// libFuzzer: any bytes as policy text -> a policy or diagnostics, rendered. Never a crash, a
// hang or a leak. Run: tests/fuzz/run policy SECONDS
#include <cstddef>
#include <cstdint>
#include <string>

#include "engine/policy.hpp"

// Imports are served from memory (never the disk): lib.tenet, and self.tenet importing itself.
bool read_import(const std::string& path, std::string& text, std::string& error) {
  if (path == "lib.tenet") {
    text =
        "schema s { id: string key\n a: number optional }\nparam t: number = 1\nlet h = a / t\n"
        "rule r { when h > 1 then flag f }\nrule q { when flagged(f) then recommend go priority 2 }\n";
    return true;
  }
  if (path == "self.tenet") {
    text = "import \"self.tenet\"\nrule x { when true then recommend y }\n";
    return true;
  }
  error = "not served while fuzzing";
  return false;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto result = tenet::core::Policy::compile(tenet::core::SourceFile("fuzz.tenet", std::string(reinterpret_cast<const char*>(data), size)),
                                             {}, read_import);
  const std::string text = tenet::core::render(*result.sources, result.diagnostics);
  if (!result.policy && !result.diagnostics.has_errors()) __builtin_trap();  // no policy needs a reason
  return 0;
}
