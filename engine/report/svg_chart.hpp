// The report's charts as inline SVG, drawn here (no script, no font or file fetched): each has a
// <title> and <desc> for screen readers and prints as it shows. Every chart sits next to a table
// of the same numbers, so nothing is read from colour alone.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace tenet::core {

// A label and its count; `note` is shown after the count ("40.7%").
struct Bar {
  std::string label;
  std::uint64_t value = 0;
  std::string note;
};

// Horizontal bars, one per label, longest = widest.
std::string bar_chart(const std::string& title, const std::string& description, const std::vector<Bar>& bars);

// One horizontal bar per row, cut into segments (the same keys in every row, in `keys` order,
// each with its fill), and a legend naming each key.
struct StackedRow {
  std::string label;
  std::vector<std::uint64_t> values;  // per key
};
std::string stacked_chart(const std::string& title, const std::string& description, const std::vector<std::string>& keys,
                          const std::vector<StackedRow>& rows);

// A histogram: bins of equal width from `low` to `high`, and vertical lines at the thresholds.
struct HistogramBin {
  double low = 0, high = 0;
  std::uint64_t count = 0;
};
struct Threshold {
  double value = 0;
  std::string label;  // the param or literal it is: "satisfied_score = 7"
};
std::string histogram_chart(const std::string& title, const std::string& description, const std::vector<HistogramBin>& bins,
                            const std::vector<Threshold>& thresholds);

// The fill of the i-th series: a fixed palette, distinct in print and for common colour blindness.
const char* series_colour(std::size_t i);

// Text for HTML and SVG: & < > " ' escaped.
std::string escape_html(const std::string& text);

}  // namespace tenet::core
