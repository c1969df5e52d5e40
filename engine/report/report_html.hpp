// `tenet report`'s page: one self-contained HTML file (no request leaves it: styles, charts and
// the few lines of script are inline) with the provenance first, then the decisions, the rules,
// the breakdown and histogram, and explained samples. Deterministic: the same run, byte for byte.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "engine/report/report_run.hpp"

namespace tenet::core {

struct ReportInput {
  std::string name;  // as given on the command line
  std::uint64_t bytes = 0;
  std::string sha256;  // of the whole file
};

struct ReportPage {
  const Policy& policy;
  const ReportData& data;
  ReportInput input;
  std::string run_date;  // as given (--run-date, or the `today` param); "" when not given
  std::optional<std::uint32_t> by, histogram;
  std::size_t samples = 3;
};

std::string render_report(const ReportPage& page);

}  // namespace tenet::core
