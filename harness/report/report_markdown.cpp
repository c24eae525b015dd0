#include "harness/report/report_markdown.h"

#include "harness/report/escape.h"
#include "harness/report/markdown_table.h"
#include "harness/report/report.h"
#include "harness/report/table_formats.h"

namespace tb {

std::string text_table_markdown(const TextTable& t) {
  std::string out = "|", rule = "|";
  for (size_t i = 0; i < t.headers.size(); ++i) {
    out += " " + markdown_cell(t.headers[i]) + " |";
    rule += i == 0 ? "---|" : "---:|";
  }
  out += "\n" + rule + "\n";
  for (const auto& row : t.rows) {
    out += "|";
    for (const auto& cell : row) out += " " + markdown_cell(cell) + " |";
    out += "\n";
  }
  return out + "\n";
}

std::string report_markdown(const Report& r) {
  std::string out = "# " + markdown_cell(r.sweep) + "\n\n" + std::to_string(r.runs_done) + " runs done, " +
                    std::to_string(r.runs_failed) + " failed, " + std::to_string(r.runs_other) +
                    " pending or running; generated " + r.generated_at + ". Charts: index.html.\n\n";
  out += "## Methods\n\n" + method_table_markdown(r.methods) + "\n";
  out += "## Every metric\n\n" + to_markdown(r.summary);
  if (!r.curve_tables.empty()) {
    out += "## During training\n\nEvaluations taken during training (evaluation.every), mean over seeds with 95% "
           "intervals.\n\n";
    for (const auto& t : r.curve_tables) out += "### " + markdown_cell(t.title) + "\n\n" + text_table_markdown(t);
  }
  if (!r.continual.rows.empty())
    out += "## " + markdown_cell(r.continual.title) + "\n\n" + text_table_markdown(r.continual);
  if (!r.spectral_summary.rows.empty())
    out += "## " + markdown_cell(r.spectral_summary.title) + "\n\n" +
           text_table_markdown(r.spectral_summary);
  if (!r.fit_parameters.empty()) {
    out += "## Fitted scaling laws\n\n";
    for (const auto& t : r.fit_parameters) out += "### " + markdown_cell(t.title) + "\n\n" + text_table_markdown(t);
  }
  if (!r.failed.empty()) {
    out += "## Failed runs\n\n| run | method | seed | kind | reason |\n|---|---|---:|---|---|\n";
    for (const auto& f : r.failed) {
      out += "| " + markdown_cell(f.key) + " | " + markdown_cell(f.variant) + " | " +
             std::to_string(f.seed) + " | " + markdown_cell(f.kind) + " | " +
             markdown_cell(f.reason) + " |\n";
    }
  }
  return out;
}

}  // namespace tb
