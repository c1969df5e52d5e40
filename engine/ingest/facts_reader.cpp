#include "engine/ingest/facts_reader.hpp"

#include "engine/read_file.hpp"

#include <simdjson.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include <fmt/format.h>

#include "engine/ingest/csv_reader.hpp"

namespace tenet::core {

namespace {
bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}
}  // namespace

std::optional<FactsFormat> format_from_extension(std::string_view path) {
  if (ends_with(path, ".jsonl") || ends_with(path, ".ndjson")) return FactsFormat::jsonl;
  if (ends_with(path, ".json")) return FactsFormat::json_array;
  if (ends_with(path, ".csv")) return FactsFormat::csv;
  return std::nullopt;
}

FactsFormat sniff_format(std::string_view text) {
  std::size_t i = text.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0;
  while (i < text.size() && (text[i] == ' ' || text[i] == '\t' || text[i] == '\r' || text[i] == '\n')) ++i;
  if (i < text.size() && text[i] == '[') return FactsFormat::json_array;
  if (i < text.size() && text[i] == '{') return FactsFormat::jsonl;
  return FactsFormat::csv;
}

bool read_input(const std::string& path, std::string& out, std::string& error) {
  const ReadProblem problem = read_whole_file(path, out);
  if (!problem.reason.empty())
    error = path == "-" && !problem.opened ? problem.reason
                                           : fmt::format("cannot {} {}: {}", problem.opened ? "read" : "open", path, problem.reason);
  return problem.reason.empty();
}

bool read_facts(std::string text, FactsFormat format, const Policy& policy, const RecordSink& sink, std::string& error,
                const InputOptions& options, InputObservations* observed) {
  RecordBuilder builder(policy, options);
  const std::size_t length = text.size();
  text.append(simdjson::SIMDJSON_PADDING, '\0');  // simdjson reads up to 64 bytes past the end of a record
  const std::string_view view(text.data(), length);
  // The checks no single record shows are made here, beside the sink: decided records and
  // their keys (repeated keys are found once the input is read).
  KeyTracker keys;
  const RecordSink counting = [&](std::size_t line, Record* record, RecordError* record_error) {
    if (observed) {
      if (const auto key = KeyTracker::key_of(record, record_error)) keys.add(*key, line);
      observed->decided += record != nullptr;
    }
    sink(line, record, record_error);
  };
  switch (format) {
    case FactsFormat::jsonl: read_jsonl(view, text.size(), builder, counting); break;
    case FactsFormat::json_array: read_json_array(view, text.size(), builder, counting); break;
    case FactsFormat::csv: {
      CsvLayout layout;
      const std::size_t header_bytes = read_csv_header(view, builder, layout, error);
      if (header_bytes == 0 && !error.empty()) return false;
      if (layout.columns == 0) break;  // an empty file has no records
      const auto header_lines =
          static_cast<std::size_t>(std::count(view.begin(), view.begin() + static_cast<std::ptrdiff_t>(header_bytes), '\n'));
      read_csv_rows(view.substr(header_bytes), layout, builder, counting, {1 + header_lines, header_bytes});
      break;
    }
  }
  if (observed) {
    builder.report(*observed);
    observed->duplicate_keys = keys.finish(observed->duplicate_lines, InputObservations::kDuplicateLinesShown);
  }
  return true;
}

PortfolioStats portfolio_of(const std::string& text, FactsFormat format, const Policy& policy, const InputOptions& options) {
  PortfolioStats stats(policy.program());
  std::string error;
  read_facts(
      text, format, policy,
      [&](std::size_t, Record* record, RecordError*) {
        if (record) stats.add(record->fields.data());
      },
      error, options);
  stats.finish();
  return stats;
}

}  // namespace tenet::core
