#include "engine/ingest/input_checks.hpp"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <oneapi/tbb/parallel_for.h>

#include "dsl/checker.hpp"

namespace tenet::core {

namespace {

// Lower case without `-`, `_` and spaces: `Frontline-Engagement` reads as `frontlineengagement`.
std::string folded(std::string_view name) {
  std::string out;
  for (char c : name) {
    if (c == '-' || c == '_' || c == ' ') continue;
    out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  return out;
}

}  // namespace

std::optional<std::string> near_miss(std::string_view key, const ast::SchemaDecl& schema) {
  const std::string key_folded = folded(key);
  std::optional<std::string> best;
  std::size_t best_distance = 3;
  for (const auto& field : schema.fields) {
    const std::string& name = field.name.text;
    if (folded(name) == key_folded) return name;
    const std::size_t distance = edit_distance(key, name);
    const std::size_t shorter = std::min(key.size(), name.size());
    if (distance < best_distance && 2 * distance < shorter) {
      best_distance = distance;
      best = name;
    }
  }
  return best;
}

bool is_na_marker(std::string_view cell) {
  static constexpr std::string_view kMarkers[] = {"n/a",  "N/A",  "NA",     "na",      "-",       "null",     "NULL", "Null",
                                                  "NaN",  "nan",  "None",   "none",    "#N/A",    "#N/A N/A", "#NA",  "<NA>",
                                                  "-NaN", "-nan", "1.#IND", "-1.#IND", "1.#QNAN", "-1.#QNAN"};
  return std::find(std::begin(kMarkers), std::end(kMarkers), cell) != std::end(kMarkers);
}

std::uint64_t KeyTracker::finish(std::vector<std::size_t>& first_lines, std::size_t shown) {
  // The 256 partitions are independent: they are deduplicated in parallel (this runs after the
  // pipeline, on one thread otherwise: 1 M keys cost tens of milliseconds), each keeping its
  // lowest `shown` repeated lines, merged in partition order below.
  struct Found {
    std::uint64_t duplicates = 0;
    std::vector<std::size_t> lines;
  };
  std::vector<Found> found(std::size(partitions_));
  tbb::parallel_for(std::size_t{0}, std::size(partitions_), [&](std::size_t p) {
    std::vector<Entry>& partition = partitions_[p];
    std::size_t slots = 16;
    while (slots < 2 * partition.size()) slots *= 2;
    std::vector<std::uint64_t> table(slots, 0);  // open addressing; 0 is empty
    const std::size_t mask = slots - 1;
    Found& f = found[p];
    for (const Entry& e : partition) {  // in input order: the first of equal keys is kept
      for (std::size_t i = e.hash & mask;; i = (i + 1) & mask) {
        if (table[i] == e.hash) {
          ++f.duplicates;
          f.lines.push_back(e.line);
          break;
        }
        if (table[i] == 0) {
          table[i] = e.hash;
          break;
        }
      }
    }
    // Lines are ascending within a partition: its first `shown` are its lowest.
    if (f.lines.size() > shown) f.lines.resize(shown);
    std::vector<Entry>().swap(partition);
  });
  std::uint64_t duplicates = 0;
  for (const Found& f : found) {
    duplicates += f.duplicates;
    first_lines.insert(first_lines.end(), f.lines.begin(), f.lines.end());
  }
  std::sort(first_lines.begin(), first_lines.end());
  if (first_lines.size() > shown) first_lines.resize(shown);
  return duplicates;
}

bool InputObservations::add(const InputObservations& part) {
  const auto add_count = [](std::uint64_t& a, std::uint64_t b) { return !__builtin_add_overflow(a, b, &a); };
  bool fits = add_count(decided, part.decided) && add_count(duplicate_keys, part.duplicate_keys);
  for (const auto& [name, n] : part.undeclared_fields) fits = add_count(undeclared_fields[name], n) && fits;
  for (const auto& [name, n] : part.optional_fields_given) fits = add_count(optional_fields_given[name], n) && fits;
  keys_checked = keys_checked && part.keys_checked;
  unterminated_row = std::max(unterminated_row, part.unterminated_row);
  for (const auto& [field, seen] : part.case_variants)
    for (const auto& [value, variant] : seen) {
      auto& total = case_variants[field][value];
      total.matches = variant.matches;
      fits = add_count(total.records, variant.records) && fits;
    }
  for (const auto line : part.duplicate_lines)
    if (duplicate_lines.size() < kDuplicateLinesShown) duplicate_lines.push_back(line);
  return fits;
}

std::vector<std::string> input_warnings(const InputObservations& summary, const Policy& policy, bool csv) {
  std::vector<std::string> out;
  const auto& schema = policy.checked().schema();
  std::set<std::string> meant_fields;                    // named by a warning above: not repeated as absent
  for (const auto& entry : summary.undeclared_fields) {  // its count is in the summary
    const std::string& name = entry.first;
    const auto meant = near_miss(name, schema);
    if (meant) meant_fields.insert(*meant);
    out.push_back(
        fmt::format("{} '{}' is not in the schema; did you mean '{}'?", csv ? "column" : "field", name, meant ? *meant : std::string("?")));
  }
  if (summary.decided > 0) {
    // One line for all of them: an export that lacks most fields would otherwise bury the rest.
    std::vector<std::string> absent;
    for (const auto& field : schema.fields) {
      if (!field.is_optional || meant_fields.count(field.name.text)) continue;
      auto it = summary.optional_fields_given.find(field.name.text);
      if (it == summary.optional_fields_given.end() || it->second == 0) absent.push_back("'" + field.name.text + "'");
    }
    if (absent.size() == 1)
      out.push_back(fmt::format("optional field {} is absent from every record; is it named otherwise in the input?", absent[0]));
    else if (!absent.empty())
      out.push_back(fmt::format("{} optional fields are absent from every record: {}; is one named otherwise in the input?", absent.size(),
                                fmt::join(absent, ", ")));
  }
  for (const auto& [field, seen] : summary.case_variants)
    for (const auto& [value, variant] : seen)
      out.push_back(
          fmt::format("field '{}' is \"{}\" in {} record{}, which the policy compares with \"{}\": case matters, so "
                      "no rule reads it as \"{}\"",
                      field, value, variant.records, variant.records == 1 ? "" : "s", variant.matches, variant.matches));
  if (summary.duplicate_keys > 0) {
    std::string lines;
    for (std::size_t i = 0; i < summary.duplicate_lines.size(); ++i) lines += (i ? ", " : "") + std::to_string(summary.duplicate_lines[i]);
    const auto& key = schema.fields[policy.checked().key_field].name.text;
    out.push_back(fmt::format("{} record{} repeat{} the {} of an earlier record (duplicate keys, {}{}); each was read on its own",
                              summary.duplicate_keys, summary.duplicate_keys == 1 ? "" : "s", summary.duplicate_keys == 1 ? "s" : "", key,
                              summary.duplicate_lines.size() == 1 ? "line " : "lines ",
                              lines + (summary.duplicate_keys > summary.duplicate_lines.size() ? ", ..." : "")));
  }
  if (summary.unterminated_row > 0)
    out.push_back(fmt::format("the last row (line {}) has no line end: if the file was cut short, that record is incomplete",
                              summary.unterminated_row));
  return out;
}

}  // namespace tenet::core
