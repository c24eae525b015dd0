#include "harness/report/report_html.h"

#include "harness/report/escape.h"
#include "harness/report/report.h"
#include "harness/report/table_formats.h"

namespace tb {
namespace {

const char* kStyle = R"css(
body { font-family: system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; margin: 0; color: #1d2433; background: #fff; }
header { background: #1d2433; color: #fff; padding: 18px 32px; }
header h1 { margin: 0 0 4px 0; font-size: 22px; }
header p { margin: 0; color: #c8cfdc; font-size: 13px; }
nav { padding: 10px 32px; border-bottom: 1px solid #e3e7ee; font-size: 14px; }
nav a { margin-right: 16px; color: #2a5db0; text-decoration: none; }
main { padding: 8px 32px 40px 32px; max-width: 1400px; }
h2 { margin-top: 32px; border-bottom: 1px solid #e3e7ee; padding-bottom: 4px; }
table { border-collapse: collapse; font-size: 13px; margin: 8px 0; }
th, td { border-bottom: 1px solid #e3e7ee; padding: 4px 10px; text-align: left; vertical-align: top; }
th { background: #f4f6fa; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.note { color: #5b6475; font-size: 13px; }
.charts { display: flex; flex-wrap: wrap; gap: 24px; }
figure { margin: 8px 0; }
figcaption { color: #5b6475; font-size: 13px; max-width: 640px; }
.failed td { color: #8a1c1c; }
.wide { overflow-x: auto; }
details.more-columns summary { cursor: pointer; color: #2a4d8f; margin: 8px 0; }
)css";

std::string text_table_html(const TextTable& t) {
  std::string out = "<table>\n<thead><tr>";
  for (size_t i = 0; i < t.headers.size(); ++i)
    out += std::string(i == 0 ? "<th>" : "<th class=\"num\">") + html_escape(t.headers[i]) + "</th>";
  out += "</tr></thead>\n<tbody>\n";
  for (const auto& row : t.rows) {
    out += "<tr>";
    for (size_t i = 0; i < row.size(); ++i)
      out += std::string(i == 0 ? "<td>" : "<td class=\"num\">") + html_escape(row[i]) + "</td>";
    out += "</tr>\n";
  }
  return out + "</tbody>\n</table>\n";
}

std::string figures(const std::vector<Chart>& charts) {
  std::string out = "<div class=\"charts\">\n";
  for (const Chart& c : charts) {
    out += "<figure id=\"" + html_escape(c.id) + "\">\n" + c.svg + "\n<figcaption>" + html_escape(c.caption) +
           "</figcaption>\n</figure>\n";
  }
  return out + "</div>\n";
}

struct Section {
  std::string id, title, body;
};

}  // namespace

std::string report_html(const Report& r) {
  std::vector<Section> sections;
  sections.push_back({"methods", "Methods",
                      "<div class=\"wide\">\n" + method_table_html(r.methods) + "</div>\n" +
                          "<p class=\"note\">Hover a column header for its definition. The same table: "
                          "<a href=\"methods.csv\">CSV</a>, <a href=\"methods.tex\">LaTeX</a>, "
                          "<a href=\"report.md\">Markdown</a> (with every metric per suite).</p>\n"});
  if (!r.pareto.empty()) sections.push_back({"learning-vs-forgetting", "Learning vs forgetting", figures(r.pareto)});
  if (!r.curves.empty()) {
    std::string body;
    for (const auto& t : r.curve_tables) body += "<h3>" + html_escape(t.title) + "</h3>\n" + text_table_html(t);
    sections.push_back({"during-training", "Learning and forgetting during training", figures(r.curves) + body});
  }
  if (!r.loss.empty()) sections.push_back({"loss-curves", "Loss curves", figures(r.loss)});
  if (!r.continual.rows.empty()) {
    sections.push_back({"continual", "Continual learning",
                        text_table_html(r.continual) +
                            "<p class=\"note\">ACC: mean accuracy over every stage's task after the last stage; "
                            "BWT: how much later stages changed the accuracy on earlier tasks (below 0: forgetting); FWT: "
                            "accuracy on a task before it is trained, minus the base model's; F: mean drop from a task's "
                            "best accuracy to its last (Lopez-Paz &amp; Ranzato 2017; Chaudhry et al. 2018).</p>\n" +
                            figures(r.continual_charts)});
  }
  if (!r.heatmaps.empty()) sections.push_back({"long-context", "Sliced accuracy (long context, reasoning)", figures(r.heatmaps)});
  if (!r.spectral.empty() || !r.spectral_summary.rows.empty()) {
    sections.push_back({"spectra", "Spectral analysis of the tuned weights",
                        text_table_html(r.spectral_summary) + figures(r.spectral)});
  }
  if (!r.fit_parameters.empty()) {
    std::string body;
    for (const auto& t : r.fit_parameters) body += "<h3>" + html_escape(t.title) + "</h3>\n" + text_table_html(t);
    body += figures(r.fits);
    sections.push_back({"scaling-laws", "Fitted scaling laws", body});
  }
  if (!r.failed.empty()) {
    std::string body = "<table class=\"failed\">\n<thead><tr><th>run</th><th>method</th><th>seed</th><th>kind</th>"
                       "<th>reason</th></tr></thead>\n<tbody>\n";
    for (const auto& f : r.failed) {
      body += "<tr><td>" + html_escape(f.key) + "</td><td>" + html_escape(f.variant) + "</td><td>" +
              std::to_string(f.seed) + "</td><td>" + html_escape(f.kind) + "</td><td>" + html_escape(f.reason) +
              "</td></tr>\n";
    }
    sections.push_back({"failed-runs", "Failed runs", body + "</tbody>\n</table>\n"});
  }

  std::string out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>tunebench report: " +
                    html_escape(r.sweep) + "</title>\n<style>" + kStyle + "</style>\n</head>\n<body>\n<header>\n<h1>" +
                    html_escape(r.sweep) + "</h1>\n<p>" + std::to_string(r.runs_done) + " runs done, " +
                    std::to_string(r.runs_failed) + " failed, " + std::to_string(r.runs_other) +
                    " pending or running";
  if (!r.methods_filter.empty()) {
    std::string methods;
    for (const auto& m : r.methods_filter) methods += (methods.empty() ? "" : ", ") + m;
    out += "; methods: " + html_escape(methods);
  }
  out += " · generated " + html_escape(r.generated_at) + " by tunebench</p>\n</header>\n<nav>";
  for (const auto& s : sections) out += "<a href=\"#" + s.id + "\">" + html_escape(s.title) + "</a>";
  out += "</nav>\n<main>\n";
  for (const auto& s : sections) {
    out += "<section id=\"" + s.id + "\">\n<h2>" + html_escape(s.title) + "</h2>\n" + s.body + "</section>\n";
  }
  return out + "</main>\n</body>\n</html>\n";
}

}  // namespace tb
