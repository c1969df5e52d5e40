#include "engine/report/svg_chart.hpp"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

namespace tenet::core {

namespace {

constexpr int kWidth = 720;
constexpr int kLabelWidth = 220;
constexpr int kRowHeight = 22;

std::string open_svg(const std::string& title, const std::string& description, int height, const std::string& id) {
  return fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" viewBox=\"0 0 {} {}\" width=\"{}\" height=\"{}\" "
      "aria-labelledby=\"{}-title {}-desc\"><title id=\"{}-title\">{}</title><desc id=\"{}-desc\">{}</desc>",
      kWidth, height, kWidth, height, id, id, id, escape_html(title), id, escape_html(description));
}

// An id for the chart's title and description, from its title.
std::string id_of(const std::string& title) {
  std::string id = "chart-";
  for (char c : title)
    id += (std::isalnum(static_cast<unsigned char>(c)) ? static_cast<char>(std::tolower(static_cast<unsigned char>(c))) : '-');
  return id;
}

std::string number_text(double v) { return fmt::format("{:.6g}", v); }

}  // namespace

std::string escape_html(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

const char* series_colour(std::size_t i) {
  // Okabe and Ito's palette, then Tol's muted one: told apart with the common colour
  // blindnesses; 16 before a colour repeats (tables beside the charts carry every number).
  static constexpr const char* palette[] = {"#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000",
                                            "#882255", "#44AA99", "#999933", "#AA4499", "#332288", "#DDCC77", "#117733", "#7F7F7F"};
  return palette[i % std::size(palette)];
}

std::string bar_chart(const std::string& title, const std::string& description, const std::vector<Bar>& bars) {
  const int height = static_cast<int>(bars.size()) * kRowHeight + 10;
  std::uint64_t most = 1;
  for (const auto& b : bars) most = std::max(most, b.value);
  std::string out = open_svg(title, description, height, id_of(title));
  const int room = kWidth - kLabelWidth - 150;
  for (std::size_t i = 0; i < bars.size(); ++i) {
    const Bar& b = bars[i];
    const int y = 5 + static_cast<int>(i) * kRowHeight;
    const int w = static_cast<int>(static_cast<double>(b.value) / static_cast<double>(most) * room);
    out +=
        fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"end\" class=\"label\">{}</text>", kLabelWidth - 8, y + 15, escape_html(b.label));
    out += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"><title>{}: {}{}</title></rect>", kLabelWidth, y + 3,
                       std::max(w, b.value ? 1 : 0), kRowHeight - 6, series_colour(0), escape_html(b.label), b.value,
                       b.note.empty() ? "" : " (" + escape_html(b.note) + ")");
    out += fmt::format("<text x=\"{}\" y=\"{}\" class=\"value\">{}{}</text>", kLabelWidth + w + 6, y + 15, b.value,
                       b.note.empty() ? "" : " · " + escape_html(b.note));
  }
  return out + "</svg>";
}

std::string stacked_chart(const std::string& title, const std::string& description, const std::vector<std::string>& keys,
                          const std::vector<StackedRow>& rows) {
  const int legend_rows = static_cast<int>((keys.size() + 2) / 3);
  const int height = static_cast<int>(rows.size()) * kRowHeight + 16 + legend_rows * 18;
  std::uint64_t most = 1;
  for (const auto& r : rows) {
    std::uint64_t total = 0;
    for (auto v : r.values) total += v;
    most = std::max(most, total);
  }
  std::string out = open_svg(title, description, height, id_of(title));
  const int room = kWidth - kLabelWidth - 80;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const StackedRow& r = rows[i];
    const int y = 5 + static_cast<int>(i) * kRowHeight;
    out +=
        fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"end\" class=\"label\">{}</text>", kLabelWidth - 8, y + 15, escape_html(r.label));
    double x = kLabelWidth;
    std::uint64_t total = 0;
    for (std::size_t k = 0; k < keys.size() && k < r.values.size(); ++k) {
      total += r.values[k];
      if (!r.values[k]) continue;
      const double w = static_cast<double>(r.values[k]) / static_cast<double>(most) * room;
      out += fmt::format(
          "<rect x=\"{:.1f}\" y=\"{}\" width=\"{:.1f}\" height=\"{}\" fill=\"{}\" stroke=\"#fff\" stroke-width=\"0.5\"><title>{}, {}: "
          "{}</title></rect>",
          x, y + 3, w, kRowHeight - 6, series_colour(k), escape_html(r.label), escape_html(keys[k]), r.values[k]);
      x += w;
    }
    out += fmt::format("<text x=\"{:.1f}\" y=\"{}\" class=\"value\">{}</text>", x + 6, y + 15, total);
  }
  const int legend_y = 10 + static_cast<int>(rows.size()) * kRowHeight;
  for (std::size_t k = 0; k < keys.size(); ++k) {
    const int x = 10 + static_cast<int>(k % 3) * 240;
    const int y = legend_y + static_cast<int>(k / 3) * 18;
    out += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"12\" height=\"12\" fill=\"{}\"/><text x=\"{}\" y=\"{}\" class=\"legend\">{}</text>",
                       x, y, series_colour(k), x + 18, y + 11, escape_html(keys[k]));
  }
  return out + "</svg>";
}

std::string histogram_chart(const std::string& title, const std::string& description, const std::vector<HistogramBin>& bins,
                            const std::vector<Threshold>& thresholds) {
  constexpr int kHeight = 280, kLeft = 60, kBottom = 40, kTop = 44;
  std::string out = open_svg(title, description, kHeight, id_of(title));
  if (bins.empty()) return out + "</svg>";
  std::uint64_t most = 1;
  for (const auto& b : bins) most = std::max(most, b.count);
  const double low = bins.front().low, high = bins.back().high;
  const double span = high > low ? high - low : 1;
  const int plot_w = kWidth - kLeft - 20, plot_h = kHeight - kBottom - kTop;
  const auto x_of = [&](double v) { return kLeft + (v - low) / span * plot_w; };
  for (const auto& b : bins) {
    const double h = static_cast<double>(b.count) / static_cast<double>(most) * plot_h;
    out += fmt::format(
        "<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" fill=\"{}\" stroke=\"#fff\" stroke-width=\"0.5\"><title>{} to "
        "{}: {}</title></rect>",
        x_of(b.low), kTop + plot_h - h, std::max(0.5, x_of(b.high) - x_of(b.low)), h, series_colour(4), number_text(b.low),
        number_text(b.high), b.count);
  }
  out +=
      fmt::format("<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#333\"/>", kLeft, kTop + plot_h, kLeft + plot_w, kTop + plot_h);
  out += fmt::format("<text x=\"{}\" y=\"{}\" class=\"axis\">{}</text>", kLeft, kTop + plot_h + 16, number_text(low));
  out += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"end\" class=\"axis\">{}</text>", kLeft + plot_w, kTop + plot_h + 16,
                     number_text(high));
  out += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"end\" class=\"axis\">{}</text>", kLeft - 6, kTop + 8, most);
  for (std::size_t i = 0; i < thresholds.size(); ++i) {
    const Threshold& t = thresholds[i];
    if (t.value < low || t.value > high) continue;
    const double x = x_of(t.value);
    out += fmt::format(
        "<line x1=\"{:.1f}\" y1=\"{}\" x2=\"{:.1f}\" y2=\"{}\" stroke=\"{}\" stroke-width=\"2\" stroke-dasharray=\"5 "
        "3\"><title>{}</title></line>",
        x, kTop - 4 - static_cast<int>(i % 2) * 14, x, kTop + plot_h, series_colour(5), escape_html(t.label));
    out += fmt::format("<text x=\"{:.1f}\" y=\"{}\" class=\"threshold\" text-anchor=\"middle\">{}</text>", x,
                       kTop - 8 - static_cast<int>(i % 2) * 14, escape_html(t.label));
  }
  return out + "</svg>";
}

}  // namespace tenet::core
