// Facts in: choose the format (JSONL, a JSON array, CSV), read the input, hand every
// record or record error to a sink in input order.
#pragma once

#include <optional>
#include <string>

#include "engine/ingest/jsonl_reader.hpp"
#include "engine/portfolio_stats.hpp"

namespace tenet::core {

enum class FactsFormat { jsonl, json_array, csv };

// By file extension: .jsonl/.ndjson, .json, .csv; empty for anything else.
std::optional<FactsFormat> format_from_extension(std::string_view path);
// From the content: '[' starts a JSON array, '{' JSON lines, anything else CSV.
FactsFormat sniff_format(std::string_view text);

// Reads a whole file, or standard input for "-".
bool read_input(const std::string& path, std::string& out, std::string& error);

// False with `error` when the input cannot be read as that format at all (a bad CSV header).
// `observed`, when given, gets the schema checks' counts: decided records, undeclared near-miss
// fields, optional fields given (RecordBuilder::report()), repeated keys (KeyTracker).
bool read_facts(std::string text, FactsFormat format, const Policy& policy, const RecordSink& sink, std::string& error,
                const InputOptions& options = {}, InputObservations* observed = nullptr);

// The first pass of a policy that reads percentile(), over facts held in memory: the
// distributions of its fields, sorted (the records that are errors count for none).
PortfolioStats portfolio_of(const std::string& text, FactsFormat format, const Policy& policy, const InputOptions& options = {});

}  // namespace tenet::core
