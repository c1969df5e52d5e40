#include "engine/report/report_html.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "dsl/printer.hpp"
#include "engine/report/svg_chart.hpp"

namespace tenet::core {

namespace {

// Inline and small: the page must open from disk, print, and read without colour.
constexpr const char* kStyle = R"(
body{font-family:"DejaVu Sans",Verdana,sans-serif;margin:2rem auto;max-width:72rem;padding:0 1rem;color:#111;line-height:1.4}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{margin-top:2.2rem;border-bottom:2px solid #333}h3{margin-top:1.4rem}
table{border-collapse:collapse;margin:.6rem 0;width:100%}th,td{border:1px solid #999;padding:.25rem .45rem;text-align:left;vertical-align:top}
th{background:#eee}table#rules{font-size:.85rem}.source{font-style:italic;color:#333;font-size:.8rem}ul.params{columns:2;margin:0;padding-left:1.2rem}th[aria-sort]{cursor:pointer}td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
tr.never td:first-child{border-left:6px double #D55E00}.badge{font-weight:bold;border:1px solid #333;padding:0 .3rem;font-size:.8rem}
code,pre{font-family:"DejaVu Sans Mono",monospace;font-size:.85rem}pre{background:#f6f6f6;padding:.5rem;white-space:pre-wrap}
svg text{font-family:"DejaVu Sans",Verdana,sans-serif;font-size:12px}svg .threshold{font-size:11px;font-weight:bold}
ul.tree{list-style:none;padding-left:1.2rem;margin:.2rem 0}ul.tree li{margin:.1rem 0}.where{color:#555;font-size:.8rem}
.status{font-weight:bold}article.sample{border:1px solid #bbb;padding:.4rem .8rem;margin:.8rem 0}
dl.counts{display:grid;grid-template-columns:max-content auto;gap:.2rem 1rem}dl.counts dt{font-weight:bold}
@media print{body{margin:0;max-width:none}h2{break-before:auto}article.sample,svg,table{break-inside:avoid}th[aria-sort]{cursor:auto}}
)";

// Sorting by a click on a header, and every <details> opened for print: the page's only script.
constexpr const char* kScript = R"(
document.querySelectorAll('table.sortable th').forEach(function (th, i) {
  th.setAttribute('aria-sort', 'none');
  th.addEventListener('click', function () {
    var body = th.closest('table').tBodies[0], rows = Array.prototype.slice.call(body.rows);
    var up = th.getAttribute('aria-sort') !== 'ascending';
    th.closest('tr').querySelectorAll('th').forEach(function (h) { h.setAttribute('aria-sort', 'none'); });
    th.setAttribute('aria-sort', up ? 'ascending' : 'descending');
    var key = function (r) { var c = r.cells[i], v = c.getAttribute('data-sort') || c.textContent, n = parseFloat(v); return isNaN(n) ? v : n; };
    rows.sort(function (a, b) { var x = key(a), y = key(b); return (x < y ? -1 : x > y ? 1 : 0) * (up ? 1 : -1); });
    rows.forEach(function (r) { body.appendChild(r); });
  });
});
window.addEventListener('beforeprint', function () { document.querySelectorAll('details').forEach(function (d) { d.open = true; }); });
)";

std::string percent(std::uint64_t part, std::uint64_t whole) {
  return whole ? fmt::format("{:.1f}%", 100.0 * static_cast<double>(part) / static_cast<double>(whole)) : "0.0%";
}

std::string h(const std::string& text) { return escape_html(text); }

// The numbers the policy compares `field` with (a literal, or a param by name), for the histogram.
void collect_thresholds(const Policy& policy, const ast::Expr& e, std::uint32_t field, std::vector<Threshold>& out) {
  const bool comparison = (e.kind == ast::ExprKind::binary && (e.op == ast::Op::lt || e.op == ast::Op::le || e.op == ast::Op::gt ||
                                                               e.op == ast::Op::ge || e.op == ast::Op::eq || e.op == ast::Op::ne)) ||
                          e.kind == ast::ExprKind::between;
  if (comparison && !e.operands.empty()) {
    const CheckedPolicy& checked = policy.checked();
    const bool reads =
        std::any_of(e.operands.begin(), e.operands.end(), [&](const auto& o) { return checked.field_named_by(*o) == field; });
    for (const auto& other : e.operands) {
      const Value* v = reads && !checked.field_named_by(*other) ? policy.program().constant_of(*other) : nullptr;
      if (!v || v->kind != Value::Kind::number) continue;
      std::string label = v->number.to_string();
      if (other->kind == ast::ExprKind::name && other->ref == ast::RefKind::param) label = other->name + " = " + label;
      out.push_back({std::stod(v->number.to_string()), label});
    }
  }
  for (const auto& operand : e.operands) collect_thresholds(policy, *operand, field, out);
}

class Page {
 public:
  explicit Page(const ReportPage& p) : p_(p), rules_(p.policy.checked().module.rules) {}

  std::string render() {
    const PolicyInfo& info = p_.policy.info();
    out_ += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
    out_ += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
    out_ += fmt::format("<title>Tenet report: {} {}</title>\n<style>{}</style>\n</head>\n<body>\n", h(info.name), h(info.version), kStyle);
    out_ += fmt::format(
        "<header><h1>{}</h1><p>Policy <code>{}</code> version {}, decided by Tenet {}, over <code>{}</code>.</p></header>\n<main>\n",
        h(info.title), h(info.name), h(info.version), h(tenet_version()), h(p_.input.name));
    provenance();
    decisions();
    rules();
    if (p_.by) breakdown();
    if (p_.histogram) histogram();
    flags_and_errors();
    samples();
    out_ += fmt::format("</main>\n<script>{}</script>\n</body>\n</html>\n", kScript);
    return std::move(out_);
  }

 private:
  void provenance() {
    const PolicyInfo& info = p_.policy.info();
    const Summary& s = p_.data.summary;
    out_ += "<section id=\"provenance\" aria-labelledby=\"provenance-h\"><h2 id=\"provenance-h\">Provenance</h2>\n<table>\n<tbody>\n";
    const auto row = [&](const std::string& name, const std::string& value) {
      out_ += fmt::format("<tr><th scope=\"row\">{}</th><td>{}</td></tr>\n", name, value);
    };
    row("Policy", fmt::format("<code>{}</code> version {} “{}”", h(info.name), h(info.version), h(info.title)));
    row("Policy file SHA-256", fmt::format("<code id=\"policy-sha256\">{}</code>", h(info.sha256)));
    for (const auto& [path, sha] : info.imports) row("Imports <code>" + h(path) + "</code>", fmt::format("<code>{}</code>", h(sha)));
    std::string params;
    const auto& declared = p_.policy.checked().module.params;
    const auto& program = p_.policy.program();
    for (std::size_t i = 0; i < declared.size(); ++i) {
      const bool set = std::any_of(info.params.begin(), info.params.end(), [&](const auto& q) { return q.first == declared[i].name.text; });
      std::string value;
      append_value_text(value, program.initial_frame[program.param_slots[i]]);
      params += fmt::format("<li><code>{}</code> = {}{}</li>", h(declared[i].name.text), h(value),
                            set ? " <strong>(set for this run)</strong>" : "");
    }
    row("Params", params.empty() ? "none" : "<ul class=\"params\">" + params + "</ul>");
    row("Tenet version", h(tenet_version()));
    row("Input", fmt::format("<code>{}</code>, {} bytes, SHA-256 <code id=\"input-sha256\">{}</code>", h(p_.input.name), p_.input.bytes,
                             h(p_.input.sha256)));
    row("Records", fmt::format("<span data-count=\"records\">{}</span> in = <span data-count=\"decided\">{}</span> decided + "
                               "<span data-count=\"errors\">{}</span> errors{}",
                               s.records, s.decided, s.errors,
                               s.records == s.decided + s.errors ? " (reconciled)" : " <strong>(NOT reconciled)</strong>"));
    row("Run date", p_.run_date.empty() ? "not given (<code>--run-date</code>)" : h(p_.run_date));
    out_ += "</tbody>\n</table>\n</section>\n";
  }

  void decisions() {
    const Summary& s = p_.data.summary;
    out_ += "<section id=\"decisions-section\" aria-labelledby=\"decisions-h\"><h2 id=\"decisions-h\">Decisions</h2>\n";
    std::vector<Bar> bars;
    for (const auto& [decision, n] : s.decisions) bars.push_back({decision, n, percent(n, s.decided)});
    std::sort(bars.begin(), bars.end(),
              [](const Bar& a, const Bar& b) { return a.value != b.value ? a.value > b.value : a.label < b.label; });
    out_ += bar_chart("Decisions", fmt::format("Records per decision, of {} decided", s.decided), bars);
    out_ +=
        "\n<table id=\"decisions\" class=\"sortable\">\n<thead><tr><th scope=\"col\">Decision</th><th scope=\"col\" "
        "class=\"num\">Records</th>"
        "<th scope=\"col\" class=\"num\">Share of decided</th></tr></thead>\n<tbody>\n";
    for (const auto& b : bars)
      out_ +=
          fmt::format("<tr data-decision=\"{}\"><td>{}</td><td class=\"num\" data-records=\"{}\">{}</td><td class=\"num\">{}</td></tr>\n",
                      h(b.label), h(b.label), b.value, b.value, b.note);
    out_ += "</tbody>\n</table>\n";
    out_ += fmt::format(
        "<h3>Provisional decisions</h3>\n<p>A decision is provisional when a rule that could have changed it was unknown "
        "(a fact was missing). <span data-count=\"provisional\">{}</span> of {} decided ({}).</p>\n",
        s.provisional, s.decided, percent(s.provisional, s.decided));
    out_ += bar_chart("Provisional share", "Decisions that were firm and provisional",
                      {{"firm", s.decided - s.provisional, percent(s.decided - s.provisional, s.decided)},
                       {"provisional", s.provisional, percent(s.provisional, s.decided)}});
    out_ += "\n</section>\n";
  }

  void rules() {
    const Summary& s = p_.data.summary;
    out_ += "<section id=\"rules-section\" aria-labelledby=\"rules-h\"><h2 id=\"rules-h\">Rules</h2>\n";
    std::vector<StackedRow> rows;
    for (const auto& rule : rules_) {
      const RuleCounts& c = s.rules.at(rule.name.text);
      rows.push_back({rule.name.text, {c.chosen, c.overridden, c.fired - c.chosen - c.overridden, c.unknown}});
    }
    out_ += stacked_chart("Rules: chosen, overridden, flagged, unknown",
                          "Per rule, the records where it was chosen, fired but was overridden, raised a flag, or was unknown",
                          {"chosen", "overridden", "flag raised", "unknown"}, rows);
    out_ += "\n<p>Rules that never fired are marked <span class=\"badge\">never fired</span>.</p>\n";
    out_ +=
        "<table id=\"rules\" class=\"sortable\">\n<thead><tr><th scope=\"col\">Rule, its title and source</th><th scope=\"col\">When, "
        "then</th>"
        "<th scope=\"col\" class=\"num\">Fired</th><th scope=\"col\" class=\"num\">Chosen</th>"
        "<th scope=\"col\" class=\"num\">Overridden</th><th scope=\"col\" class=\"num\">Unknown</th><th "
        "scope=\"col\">Samples</th></tr></thead>\n<tbody>\n";
    for (std::size_t i = 0; i < rules_.size(); ++i) {
      const auto& rule = rules_[i];
      const RuleCounts& c = s.rules.at(rule.name.text);
      std::string then;
      if (rule.then) {
        then = rule.then->kind == ast::ActionClause::Kind::recommend
                   ? fmt::format("recommend <code>{}</code> priority {}", h(rule.then->name.text), rule.then->priority)
                   : fmt::format("flag <code>{}</code>", h(rule.then->name.text));
      }
      const bool sampled = !p_.data.samples[i].empty();
      out_ += fmt::format(
          "<tr data-rule=\"{}\"{}><td><code>{}</code>{}{}{}</td><td><code>{}</code><br>{}</td>"
          "<td class=\"num\" data-fired=\"{}\">{}</td><td class=\"num\" data-chosen=\"{}\">{}</td><td class=\"num\" "
          "data-overridden=\"{}\">{}</td>"
          "<td class=\"num\" data-unknown=\"{}\">{}</td><td>{}</td></tr>\n",
          h(rule.name.text), c.fired ? "" : " class=\"never\"", h(rule.name.text), rule.title ? "<br>" + h(*rule.title) : "",
          c.fired ? "" : " <span class=\"badge\">never fired</span>",
          rule.source ? "<br><span class=\"source\">" + h(*rule.source) + "</span>" : "", rule.when ? h(print_expr(*rule.when)) : "", then,
          c.fired, c.fired, c.chosen, c.chosen, c.overridden, c.overridden, c.unknown, c.unknown,
          sampled ? fmt::format("<a href=\"#samples-{}\">{} chosen</a>", h(rule.name.text), p_.data.samples[i].size()) : "");
    }
    out_ += "</tbody>\n</table>\n</section>\n";
  }

  void breakdown() {
    const auto& fields = p_.policy.checked().schema().fields;
    const std::string name = fields[*p_.by].name.text;
    const auto& data = p_.data;
    std::vector<std::string> keys;
    for (const auto& [decision, n] : data.summary.decisions) keys.push_back(decision);
    // The 20 values with the most records, then the rest as one row.
    std::vector<std::pair<std::uint64_t, std::string>> values;
    for (const auto& value : data.value_order) {
      std::uint64_t total = 0;
      for (const auto& [decision, n] : data.by_value.at(value)) total += n;
      values.emplace_back(total, value);
    }
    std::stable_sort(values.begin(), values.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    std::vector<StackedRow> rows;
    std::map<std::string, std::uint64_t> rest;
    for (std::size_t i = 0; i < values.size(); ++i) {
      const auto& counts = data.by_value.at(values[i].second);
      if (i < 20) {
        StackedRow row{value_label(values[i].second), {}};
        for (const auto& k : keys) row.values.push_back(counts.count(k) ? counts.at(k) : 0);
        rows.push_back(std::move(row));
      } else {
        for (const auto& [decision, n] : counts) rest[decision] += n;
      }
    }
    if (!rest.empty()) {
      StackedRow row{fmt::format("{} more values", values.size() - 20), {}};
      for (const auto& k : keys) row.values.push_back(rest.count(k) ? rest.at(k) : 0);
      rows.push_back(std::move(row));
    }
    out_ += fmt::format(
        "<section id=\"breakdown-section\" aria-labelledby=\"breakdown-h\"><h2 id=\"breakdown-h\">Decisions by <code>{}</code></h2>\n",
        h(name));
    out_ += stacked_chart("Decisions by " + name, fmt::format("Records per value of {} and decision", name), keys, rows);
    out_ +=
        "\n<table id=\"breakdown\" class=\"sortable\">\n<thead><tr><th scope=\"col\">" + h(name) +
        "</th><th scope=\"col\" class=\"num\">Records</th><th scope=\"col\">Decisions, most frequent first</th></tr></thead>\n<tbody>\n";
    for (const auto& row : rows) {
      std::uint64_t total = 0;
      std::vector<std::pair<std::uint64_t, std::string>> counts;
      for (std::size_t k = 0; k < keys.size(); ++k) {
        total += row.values[k];
        if (row.values[k]) counts.emplace_back(row.values[k], keys[k]);
      }
      std::stable_sort(counts.begin(), counts.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
      std::string cell;
      for (const auto& [n, decision] : counts) cell += fmt::format("{}{} {}", cell.empty() ? "" : " · ", h(decision), n);
      out_ += fmt::format("<tr><td>{}</td><td class=\"num\">{}</td><td>{}</td></tr>\n", h(row.label), total, cell);
    }
    out_ += "</tbody>\n</table>\n</section>\n";
  }

  void histogram() {
    const auto& data = p_.data;
    const std::string name = p_.policy.checked().schema().fields[*p_.histogram].name.text;
    std::vector<Threshold> thresholds;
    for (const auto& rule : rules_)
      if (rule.when) collect_thresholds(p_.policy, *rule.when, *p_.histogram, thresholds);
    for (const auto& let : p_.policy.checked().module.lets)
      if (let.value) collect_thresholds(p_.policy, *let.value, *p_.histogram, thresholds);
    std::sort(thresholds.begin(), thresholds.end(),
              [](const Threshold& a, const Threshold& b) { return a.value < b.value || (a.value == b.value && a.label < b.label); });
    thresholds.erase(
        std::unique(thresholds.begin(), thresholds.end(), [](const Threshold& a, const Threshold& b) { return a.label == b.label; }),
        thresholds.end());
    std::vector<HistogramBin> bins;
    if (data.histogram_min) {
      double low = std::stod(data.histogram_min->to_string()), high = std::stod(data.histogram_max->to_string());
      for (const auto& t : thresholds) low = std::min(low, t.value), high = std::max(high, t.value);
      const int count = high > low ? 24 : 1;
      const double width = high > low ? (high - low) / count : 1;
      for (int i = 0; i < count; ++i) bins.push_back({low + i * width, low + (i + 1) * width, 0});
      for (const auto& [value, n] : data.histogram) {
        const int i = std::clamp(static_cast<int>((value - low) / width), 0, count - 1);
        bins[static_cast<std::size_t>(i)].count += n;
      }
    }
    out_ += fmt::format(
        "<section id=\"histogram-section\" aria-labelledby=\"histogram-h\"><h2 id=\"histogram-h\">Distribution of <code>{}</code></h2>\n",
        h(name));
    std::string drawn;
    for (const auto& t : thresholds) drawn += (drawn.empty() ? "" : ", ") + t.label;
    out_ += histogram_chart("Distribution of " + name,
                            fmt::format("Records per range of {} ({} bins); dashed lines: the policy's thresholds{}", name, bins.size(),
                                        drawn.empty() ? " (none)" : ": " + drawn),
                            bins, thresholds);
    if (data.histogram_min) {
      out_ += fmt::format(
          "\n<p>{} records have a value, from {} to {}; {} have none. Values are binned at 3 significant digits, then drawn "
          "in {} equal ranges.</p>\n",
          data.summary.decided - data.histogram_absent, data.histogram_min->to_string(), data.histogram_max->to_string(),
          data.histogram_absent, bins.size());
    } else {
      out_ += fmt::format("\n<p>No record has a value of <code>{}</code> ({} without one): nothing to draw.</p>\n", h(name),
                          data.histogram_absent);
    }
    out_ += "<table id=\"thresholds\">\n<thead><tr><th scope=\"col\">Threshold the policy compares <code>" + h(name) +
            "</code> with</th></tr></thead>\n<tbody>\n";
    for (const auto& t : thresholds) out_ += fmt::format("<tr><td>{}</td></tr>\n", h(t.label));
    if (thresholds.empty()) out_ += "<tr><td>none: no rule compares it with a number</td></tr>\n";
    out_ += "</tbody>\n</table>\n</section>\n";
  }

  void flags_and_errors() {
    const Summary& s = p_.data.summary;
    out_ += "<section id=\"flags-section\" aria-labelledby=\"flags-h\"><h2 id=\"flags-h\">Flags and record errors</h2>\n";
    out_ +=
        "<table id=\"flags\" class=\"sortable\">\n<thead><tr><th scope=\"col\">Flag</th><th scope=\"col\" "
        "class=\"num\">Records</th></tr></thead>\n<tbody>\n";
    for (const auto& [flag, n] : s.flags)
      out_ += fmt::format("<tr data-flag=\"{}\"><td>{}</td><td class=\"num\">{}</td></tr>\n", h(flag), h(flag), n);
    out_ += "</tbody>\n</table>\n";
    out_ +=
        "<table id=\"errors\" class=\"sortable\">\n<thead><tr><th scope=\"col\">Record error</th><th scope=\"col\" "
        "class=\"num\">Records</th></tr></thead>\n<tbody>\n";
    for (const auto& [kind, n] : s.errors_by_kind) out_ += fmt::format("<tr><td>{}</td><td class=\"num\">{}</td></tr>\n", h(kind), n);
    if (s.errors_by_kind.empty()) out_ += "<tr><td>none</td><td class=\"num\">0</td></tr>\n";
    out_ += "</tbody>\n</table>\n</section>\n";
  }

  // The trees of the rules that fired or were unknown; the others by name only (their trees
  // say "false" all the way down and would bury the ones that matter).
  void trace(const std::vector<RuleTrace>& rules) {
    out_ += "<details><summary>Rule trace</summary>\n";
    std::string quiet;
    for (const auto& rule : rules)
      if (rule.status == RuleStatus::not_fired)
        quiet += (quiet.empty() ? "" : ", ") + fmt::format("<code>{}</code>", h(rules_[rule.rule].name.text));
    if (!quiet.empty()) out_ += "<p>Did not fire: " + quiet + ".</p>\n";
    for (const auto& rule : rules) {
      if (rule.status == RuleStatus::not_fired) continue;
      out_ += fmt::format("<details><summary><code>{}</code>: <span class=\"status\">{}</span></summary>\n", h(rules_[rule.rule].name.text),
                          status_name(rule.status));
      int depth = -1;
      for (const auto& node : rule.nodes) {
        if (node.depth > depth) out_ += "<ul class=\"tree\">";
        for (; depth > node.depth; --depth) out_ += "</li></ul>";
        if (node.depth == depth) out_ += "</li>";
        depth = node.depth;
        out_ += fmt::format("<li><code>{}</code> = <strong>{}</strong> <span class=\"where\">{}</span>", h(node.text), h(node.value),
                            h(node.where));
      }
      for (; depth >= 0; --depth) out_ += "</li></ul>";
      out_ += "\n</details>\n";
    }
    out_ += "</details>\n";
  }

  void samples() {
    out_ += fmt::format(
        "<section id=\"samples-section\" aria-labelledby=\"samples-h\"><h2 id=\"samples-h\">Explained samples</h2>\n"
        "<p>The first {} records (in input order) that each rule decided, and that no rule did: the explanation as "
        "<code>tenet eval --format text</code> writes it, and every rule's trace.</p>\n",
        p_.samples);
    const auto& data = p_.data;
    for (std::size_t b = 0; b < data.samples.size(); ++b) {
      if (data.samples[b].empty()) continue;
      const bool is_default = b == rules_.size();
      const std::string anchor = is_default ? "samples-default" : "samples-" + rules_[b].name.text;
      out_ += fmt::format("<h3 id=\"{}\">{}</h3>\n", h(anchor),
                          is_default ? std::string("No rule recommended anything: the default")
                                     : fmt::format("Chosen rule <code>{}</code>", h(rules_[b].name.text)));
      for (const auto& sample : data.samples[b]) {
        out_ += fmt::format("<article class=\"sample\" data-id=\"{}\"><h4>{} <span class=\"where\">(line {})</span></h4>\n<pre>{}</pre>\n",
                            h(sample.id), h(sample.id), sample.line, h(sample.explanation));
        trace(sample.trace);
        out_ += "</article>\n";
      }
    }
    out_ += "</section>\n";
  }

  const ReportPage& p_;
  const std::vector<ast::RuleDecl>& rules_;
  std::string out_;
};

}  // namespace

std::string render_report(const ReportPage& page) { return Page(page).render(); }

}  // namespace tenet::core
