#include "cli/common.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include <fmt/format.h>

#include "dsl/parser.hpp"
#include "engine/ingest/facts_reader.hpp"
#include "engine/ingest/input_checks.hpp"
#include "engine/output/atomic_file.hpp"
#include "engine/policy.hpp"
#include "engine/read_file.hpp"

namespace tenet_cli {

void print_error(const std::string& message) { std::cerr << "tenet: " << message << "\n"; }

int finish_standard_output(int exit_code) {
  // A write that failed earlier (the buffer filled on a full disk) left its errno, unless a
  // later call changed it; the final flush's own failure says best why.
  const int earlier = errno;
  errno = 0;
  std::cout.flush();
  const bool written = std::cout.good() && std::fflush(stdout) == 0 && !std::ferror(stdout);
  if (written) return exit_code;
  const int why = errno ? errno : earlier ? earlier : EIO;
  // A command that already said its output failed exits 2 and is not told twice.
  if (exit_code != kExitUsage) print_error(fmt::format("cannot write the output: {}", std::strerror(why)));
  return kExitUsage;
}

namespace {

// What a path names, to tell whether two paths are one file: an existing file by its device and
// inode (through links, hard or symbolic); one not yet there by its path made absolute.
struct FileIdentity {
  bool exists = false, regular = false;
  dev_t device = 0;
  ino_t inode = 0;
  std::string path;
};

FileIdentity of_stat(const struct stat& info) {
  FileIdentity id;
  id.exists = true;
  id.regular = S_ISREG(info.st_mode);
  id.device = info.st_dev;
  id.inode = info.st_ino;
  return id;
}

// An input: standard input by its descriptor (`< file`), a path through its links.
FileIdentity identify_input(const std::string& path) {
  struct stat info {};
  if (path == "-" ? ::fstat(STDIN_FILENO, &info) == 0 : ::stat(path.c_str(), &info) == 0) return of_stat(info);
  return {};
}

// An output as AtomicFile opens it: a descriptor it writes through (`/dev/stdout` onto `>> log`),
// or the file its links lead to, even a dangling link's target that does not exist yet.
FileIdentity identify_output(const std::string& path) {
  struct stat info {};
  if (const auto fd = tenet::core::descriptor_named(path)) return ::fstat(*fd, &info) == 0 ? of_stat(info) : FileIdentity{};
  std::string target, error;
  if (!tenet::core::resolve_links(path, target, error)) target = path;
  if (::stat(target.c_str(), &info) == 0) return of_stat(info);
  FileIdentity id;
  std::error_code ec;
  id.path = std::filesystem::weakly_canonical(std::filesystem::absolute(target, ec), ec).string();
  return id;
}

// Devices and pipes (/dev/null) may be named by several outputs; regular files may not.
bool same_file(const FileIdentity& a, const FileIdentity& b) {
  if (a.exists != b.exists) return false;
  if (a.exists) return a.regular && b.regular && a.device == b.device && a.inode == b.inode;
  return a.path == b.path;
}

}  // namespace

bool distinct_files(const std::vector<NamedFile>& inputs, const std::vector<NamedFile>& outputs) {
  // Standard input can be read once: a second input reading it would find it empty.
  const NamedFile* from_stdin = nullptr;
  for (const NamedFile& in : inputs) {
    if (in.path != "-") continue;
    if (from_stdin) {
      print_error(fmt::format("{} and {} are both standard input (-), which can be read once: give one of them a file", from_stdin->option,
                              in.option));
      return false;
    }
    from_stdin = &in;
  }
  std::vector<FileIdentity> read;  // each input's identity, looked up once
  for (const NamedFile& in : inputs) read.push_back(in.path.empty() ? FileIdentity{} : identify_input(in.path));
  std::vector<std::pair<const NamedFile*, FileIdentity>> seen;
  for (const NamedFile& out : outputs) {
    // Several outputs to standard output follow each other there (`-o - --summary -`), whole.
    if (out.path.empty() || out.path == "-") continue;
    const FileIdentity id = identify_output(out.path);
    for (std::size_t i = 0; i < inputs.size(); ++i) {
      const NamedFile& in = inputs[i];
      if (!in.path.empty() && same_file(id, read[i])) {
        const std::string read = in.path == "-" ? "standard input" : in.path;
        print_error(fmt::format("{} {} is the file {} reads ({}); writing it would replace the input: choose another file", out.option,
                                out.path, in.option, read));
        return false;
      }
    }
    for (const auto& [other, other_id] : seen) {
      if (same_file(id, other_id)) {
        print_error(
            fmt::format("{} {} and {} {} are one file; give each output its own", other->option, other->path, out.option, out.path));
        return false;
      }
    }
    seen.emplace_back(&out, id);
  }
  return true;
}

std::vector<NamedFile> policy_files(const std::string& option, const tenet::core::Policy::CompileResult& compiled) {
  std::vector<NamedFile> files;
  if (!compiled.sources) return files;
  for (const auto& file : compiled.sources->files())
    files.push_back({&file == &compiled.sources->files().front() ? option : fmt::format("{} (an import)", option), file->path()});
  return files;
}

// `side`: which policy of two (tenet diff), named in the param errors.
Loaded load_policy(const std::string& path, const std::vector<std::pair<std::string, std::string>>& params, bool show_warnings,
                   bool evaluates, const std::string& side) {
  Loaded loaded;
  std::string text, error;
  if (!tenet::core::read_input(path, text, error)) {
    print_error(error);
    loaded.exit_code = kExitUsage;
    return loaded;
  }
  loaded.result = tenet::core::Policy::compile(tenet::core::SourceFile(path, std::move(text)), params);
  const auto& diagnostics = loaded.result.diagnostics;
  if (diagnostics.has_errors() || show_warnings) std::cerr << tenet::core::render(*loaded.result.sources, diagnostics);
  if (diagnostics.has_errors()) {
    const std::size_t errors = diagnostics.error_count();
    std::cerr << fmt::format("{} error{} in {}\n", errors, errors == 1 ? "" : "s", path);
    loaded.exit_code = kExitPolicyError;
    return loaded;
  }
  auto errors = loaded.result.param_errors;
  if (evaluates) errors.insert(errors.end(), loaded.result.unset_params.begin(), loaded.result.unset_params.end());
  for (const auto& e : errors) print_error(side.empty() ? e : fmt::format("{} ({}): {}", side, path, e));
  if (!errors.empty()) loaded.exit_code = kExitUsage;
  return loaded;
}

void print_warnings(const tenet::core::Summary& summary, const tenet::core::Policy& policy, bool csv) {
  for (const auto& w : tenet::core::input_warnings(summary, policy, csv)) std::cerr << "tenet: warning: " << w << "\n";
}

// --param NAME=VALUE (repeatable) and --params FILE (a JSON object NAME: VALUE), as NAME,
// VALUE pairs in the order given; a param set twice is a usage error, never "last wins".
bool collect_params(const std::vector<std::string>& flags, const std::string& params_file,
                    std::vector<std::pair<std::string, std::string>>& params) {
  const auto add = [&](std::string name, std::string value, const std::string& where) {
    for (const auto& [seen, _] : params) {
      if (seen == name) {
        print_error(fmt::format("{}: param '{}' is set more than once; set each param once", where, name));
        return false;
      }
    }
    params.emplace_back(std::move(name), std::move(value));
    return true;
  };
  if (!params_file.empty()) {
    std::string text, error;
    if (!tenet::core::read_input(params_file, text, error)) {
      print_error(error);
      return false;
    }
    auto values = tenet::core::read_params_json(text, error);
    if (!values) {
      print_error(fmt::format("--params {}: {}", params_file, error));
      return false;
    }
    for (auto& [name, value] : *values)
      if (!add(name, value, "--params " + params_file)) return false;
  }
  for (const auto& p : flags) {
    const auto eq = p.find('=');
    if (eq == std::string::npos || eq == 0) {
      print_error(fmt::format("--param {}: expected NAME=VALUE", p));
      return false;
    }
    if (!add(p.substr(0, eq), p.substr(eq + 1), "--param " + p)) return false;
  }
  return true;
}

// FACTS of eval and flip, read whole: the format by --input-format, else by extension, else by content.
bool read_facts_file(const std::string& path, const std::string& input_format, std::string& facts, tenet::core::FactsFormat& format) {
  std::string error;
  if (!tenet::core::read_input(path, facts, error)) {
    print_error(error);
    return false;
  }
  format = tenet::core::sniff_format(facts);
  if (input_format == "jsonl") format = tenet::core::FactsFormat::jsonl;
  else if (input_format == "json") format = tenet::core::FactsFormat::json_array;
  else if (input_format == "csv") format = tenet::core::FactsFormat::csv;
  else if (auto by_name = tenet::core::format_from_extension(path)) format = *by_name;
  return true;
}

// A portfolio streamed by batch, diff and sensitivity: JSON lines or CSV (by --input-format, else
// by extension; standard input is JSON lines), opened; nullptr after saying why. `two_passes`
// (a policy reads percentile()): standard input is spooled to a file, as the run reads it twice.
PortfolioFile open_portfolio(const std::string& path, const std::string& input_format, const char* command,
                             tenet::core::FactsFormat& format, bool two_passes) {
  std::optional<tenet::core::FactsFormat> chosen;
  if (input_format == "jsonl") chosen = tenet::core::FactsFormat::jsonl;
  else if (input_format == "csv") chosen = tenet::core::FactsFormat::csv;
  else chosen = tenet::core::format_from_extension(path);
  if (!chosen && path == "-") chosen = tenet::core::FactsFormat::jsonl;
  if (!chosen || *chosen == tenet::core::FactsFormat::json_array) {
    print_error(fmt::format("{}: {} reads JSON lines (.jsonl) or CSV (.csv); use --input-format for other names", path, command));
    return {};
  }
  format = *chosen;
  if (path == "-") {
    if (const std::string closed = tenet::core::standard_input_problem(); !closed.empty()) {
      print_error(closed);
      return {};
    }
  }
  PortfolioFile input(path == "-" ? stdin : std::fopen(path.c_str(), "rb"));
  if (!input) {
    print_error(fmt::format("cannot open {}: {}", path, std::strerror(errno)));
    return {};
  }
  if (const std::string kind = tenet::core::not_readable_kind(path, fileno(input.get())); !kind.empty()) {
    print_error(fmt::format("cannot read {}: {}", path, kind));
    return {};
  }
  if (!input.is_stdin() || !two_passes) return input;
  PortfolioFile spool_file(std::tmpfile());
  std::FILE* spool = spool_file.get();
  char chunk[1 << 16];
  std::size_t n = 0;
  while (spool && (n = std::fread(chunk, 1, sizeof chunk, stdin)) > 0)
    if (std::fwrite(chunk, 1, n, spool) != n) spool = nullptr;
  if (!spool || std::ferror(stdin) || std::fflush(spool) != 0 || std::fseek(spool, 0, SEEK_SET) != 0) {
    print_error(fmt::format("cannot spool standard input for the two passes percentile() needs: {}", std::strerror(errno)));
    return {};
  }
  return spool_file;
}

Loaded load_policy_to_run(const std::string& path, const std::vector<std::string>& param_flags, const std::string& params_file,
                          std::vector<std::pair<std::string, std::string>>* params) {
  std::vector<std::pair<std::string, std::string>> given;
  if (!collect_params(param_flags, params_file, given)) {
    Loaded failed;
    failed.exit_code = kExitUsage;
    return failed;
  }
  if (params) *params = given;
  return load_policy(path, given, false, true);
}

}  // namespace tenet_cli
