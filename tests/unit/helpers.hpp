// Small helpers shared by the unit tests: compile policy text, run records through it.
#pragma once

#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "engine/batch/batch.hpp"
#include "engine/ingest/facts_reader.hpp"
#include "engine/output/json_writer.hpp"
#include "engine/policy.hpp"

namespace test {

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline std::string spec_path(const std::string& name) { return std::string(TENET_TESTS_DIR) + "/spec/" + name; }

// Compiles and fails the test, showing the diagnostics, when the policy has errors.
inline std::shared_ptr<const tenet::core::Policy> compile(const std::string& text,
                                                          const std::vector<std::pair<std::string, std::string>>& params = {}) {
  auto result = tenet::core::Policy::compile(tenet::core::SourceFile("test.tenet", text), params);
  INFO(tenet::core::render(*result.sources, result.diagnostics));
  for (const auto& e : result.param_errors) INFO(e);
  REQUIRE(result.policy);
  return result.policy;
}

// All diagnostics of a policy, rendered.
inline std::string diagnostics(const std::string& text) {
  auto result = tenet::core::Policy::compile(tenet::core::SourceFile("test.tenet", text));
  return tenet::core::render(*result.sources, result.diagnostics);
}

// A policy file compiled from its place, so that its imports are found.
inline std::shared_ptr<const tenet::core::Policy> compile_file(const std::string& path) {
  auto result = tenet::core::Policy::compile(tenet::core::SourceFile(path, read_file(path)));
  INFO(tenet::core::render(*result.sources, result.diagnostics));
  REQUIRE(result.policy);
  return result.policy;
}

// Evaluates every record of `facts`; returns one JSON line per record (errors included).
inline std::vector<std::string> run(const tenet::core::Policy& policy, const std::string& facts,
                                    tenet::core::FactsFormat format = tenet::core::FactsFormat::jsonl, bool trace = false) {
  std::vector<std::string> lines;
  tenet::core::Evaluator evaluator(policy);
  std::string error;
  const bool ok = tenet::core::read_facts(
      facts, format, policy,
      [&](std::size_t, tenet::core::Record* r, tenet::core::RecordError* e) {
        std::string out;
        if (r) {
          tenet::core::write_decision_json(out, policy, evaluator.evaluate(std::move(*r)), trace ? &evaluator.frame() : nullptr);
        } else {
          tenet::core::write_error_json(out, *e);
        }
        out.pop_back();  // '\n'
        lines.push_back(out);
      },
      error);
  if (!ok) lines.push_back("fatal: " + error);
  return lines;
}

// Decisions only, for records that decide.
inline std::vector<tenet::core::Decision> decide(const tenet::core::Policy& policy, const std::string& facts,
                                                 tenet::core::FactsFormat format = tenet::core::FactsFormat::jsonl) {
  std::vector<tenet::core::Decision> out;
  tenet::core::Evaluator evaluator(policy);
  std::string error;
  tenet::core::read_facts(
      facts, format, policy,
      [&](std::size_t, tenet::core::Record* r, tenet::core::RecordError* e) {
        if (r) out.push_back(evaluator.evaluate(std::move(*r)));
        else FAIL("unexpected record error: " << e->message);
      },
      error);
  return out;
}

// How `tenet batch` gets its input: a regular file is mapped, a pipe is read as a stream.
enum class BatchInput { file, pipe };

struct BatchRun {
  tenet::core::BatchResult result;
  std::string output;
};

// Runs tenet::core::run_batch on `text`, given as a file or through a pipe.
inline BatchRun batch(const tenet::core::Policy& policy, const std::string& text, BatchInput input,
                      tenet::core::BatchOptions options = {}) {
  BatchRun run;
  std::FILE* file = nullptr;
  std::thread writer;
  if (input == BatchInput::file) {
    file = std::tmpfile();
    std::fwrite(text.data(), 1, text.size(), file);
    std::rewind(file);
  } else {
    int fds[2];
    REQUIRE(::pipe(fds) == 0);
    file = ::fdopen(fds[0], "rb");
    writer = std::thread([&text, fd = fds[1]] {
      for (std::size_t done = 0; done < text.size();) {
        const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        if (n <= 0) break;
        done += static_cast<std::size_t>(n);
      }
      ::close(fd);
    });
  }
  tenet::core::BatchIO io;
  io.input = file;
  io.write_output = [&](const std::string& s) {
    run.output += s;
    return true;
  };
  run.result = tenet::core::run_batch(policy, options, io);
  if (writer.joinable()) writer.join();
  std::fclose(file);
  return run;
}

}  // namespace test
