// What every subcommand shares: exit codes, error messages, loading a policy with its params,
// and opening facts and portfolios (docs/cli.md).
#pragma once

#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "engine/batch/summary.hpp"
#include "engine/ingest/facts_reader.hpp"
#include "engine/policy.hpp"

namespace tenet_cli {

constexpr int kExitOk = 0;
constexpr int kExitPolicyError = 1;   // the policy has errors; diff: decisions changed; lint: findings
constexpr int kExitUsage = 2;         // usage and I/O errors
constexpr int kExitRecordErrors = 3;  // some records were errors (each is a line of the output too)
constexpr int kExitIncomplete = 3;    // lint: some solver questions stayed open, so "no finding" is not claimed

// Every message on standard error starts "tenet: ".
void print_error(const std::string& message);

// Every command's last step: what it wrote to standard output is flushed, and a failed write
// (a full disk, a closed pipe) turns the exit status into 2 with a message.
int finish_standard_output(int exit_code);

// A file a command reads or writes, named by the option (or argument) that gives it.
struct NamedFile {
  std::string option;  // "-o", "--summary", "PORTFOLIO"
  std::string path;    // empty: not given
};

// Refuses an output that is one of the inputs or another output (the same file by device and
// inode, through links; the same path for one not yet there); false after saying which. Run
// before anything is read or written.
bool distinct_files(const std::vector<NamedFile>& inputs, const std::vector<NamedFile>& outputs);

// The files of a compiled policy (its own and every import), as inputs named by `option`.
std::vector<NamedFile> policy_files(const std::string& option, const tenet::core::Policy::CompileResult& compiled);

struct Loaded {
  tenet::core::Policy::CompileResult result;
  int exit_code = kExitOk;
};

// `side`: which policy of two (tenet diff), named in the param errors.
Loaded load_policy(const std::string& path, const std::vector<std::pair<std::string, std::string>>& params, bool show_warnings,
                   bool evaluates = false, const std::string& side = "");

// A policy to run: its params from --param and --params (into `params`, when the caller needs
// them too), compiled, every param it needs set; exit_code says why not.
Loaded load_policy_to_run(const std::string& path, const std::vector<std::string>& param_flags, const std::string& params_file,
                          std::vector<std::pair<std::string, std::string>>* params = nullptr);

// The schema checks of a run (input_checks.hpp), as warnings on standard error.
void print_warnings(const tenet::core::Summary& summary, const tenet::core::Policy& policy, bool csv);

// --param NAME=VALUE (repeatable) and --params FILE (a JSON object NAME: VALUE), as NAME,
// VALUE pairs in the order given; a param set twice is a usage error, never "last wins".
bool collect_params(const std::vector<std::string>& flags, const std::string& params_file,
                    std::vector<std::pair<std::string, std::string>>& params);

// FACTS of eval and flip, read whole: the format by --input-format, else by extension, else by content.
bool read_facts_file(const std::string& path, const std::string& input_format, std::string& facts, tenet::core::FactsFormat& format);

// A portfolio streamed by batch, diff and sensitivity: JSON lines or CSV (by --input-format, else
// by extension; standard input is JSON lines), opened; nullptr after saying why. `two_passes`
// (a policy reads percentile()): standard input is spooled to a file, as the run reads it twice.
// The portfolio's stream, closed when it goes out of scope (standard input is left open; a
// spool of it is a temporary file, removed on close).
class PortfolioFile {
 public:
  PortfolioFile() = default;
  explicit PortfolioFile(std::FILE* f) : file_(f) {}
  PortfolioFile(PortfolioFile&& o) noexcept : file_(std::exchange(o.file_, nullptr)) {}
  PortfolioFile& operator=(PortfolioFile&& o) noexcept {
    std::swap(file_, o.file_);
    return *this;
  }
  PortfolioFile(const PortfolioFile&) = delete;
  ~PortfolioFile() {
    if (file_ && file_ != stdin) std::fclose(file_);
  }
  std::FILE* get() const { return file_; }
  explicit operator bool() const { return file_ != nullptr; }
  bool is_stdin() const { return file_ == stdin; }

 private:
  std::FILE* file_ = nullptr;
};
PortfolioFile open_portfolio(const std::string& path, const std::string& input_format, const char* command,
                             tenet::core::FactsFormat& format, bool two_passes);

}  // namespace tenet_cli
