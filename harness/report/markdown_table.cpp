#include "harness/report/markdown_table.h"

#include <algorithm>
#include <cstdio>

#include "harness/common/strings.h"
#include "harness/report/escape.h"
#include "harness/report/table_formats.h"

namespace tb {
namespace {

std::string number(double v, int precision) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", precision, v);
  return buf;
}

std::string bytes_text(int64_t bytes) {
  const double kib = double(bytes) / 1024.0;
  return kib < 1024 ? number(kib, 0) + " KiB" : number(kib / 1024.0, 1) + " MiB";
}

std::string range_text(const CountRange& r, std::string (*text)(int64_t)) {
  if (r.empty) return "—";
  return r.min == r.max ? text(r.min) : text(r.min) + "–" + text(r.max);
}


// The suite a column belongs to: its first word after an optional "Δ ".
std::string suite_of(const std::string& column) {
  const std::string plain =
      column.rfind("Δ ", 0) == 0 ? column.substr(std::string("Δ ").size()) : column;
  return plain.substr(0, plain.find(' '));
}

// The column header inside its suite's table: the suite name dropped.
std::string header_of(const std::string& column, const std::string& suite) {
  const bool delta = column.rfind("Δ ", 0) == 0;
  const std::string plain = delta ? column.substr(std::string("Δ ").size()) : column;
  const std::string rest = plain.substr(suite.size() + 1);
  return (delta ? "Δ " : "") + rest;
}


std::string grid_markdown(const SliceGrid& g) {
  std::string out =
      "#### " + markdown_cell(g.title) + "\n\n| " + markdown_cell(g.row_header) + " |";
  std::string rule = "|---|";
  for (const auto& c : g.column_labels) {
    out += " " + markdown_cell(c) + " |";
    rule += "---:|";
  }
  out += "\n" + rule + "\n";
  for (const auto& r : g.row_labels) {
    out += "| " + markdown_cell(r) + " |";
    for (const auto& c : g.column_labels) {
      const auto it = g.cells.find({r, c});
      out += " " + (it == g.cells.end() ? std::string("—") : number(it->second.value, 2)) + " |";
    }
    out += "\n";
  }
  return out + "\n";
}

}  // namespace

std::string to_markdown(const SummaryTable& t) {
  std::vector<std::string> suites;
  for (const auto& c : t.columns) {
    if (std::find(suites.begin(), suites.end(), suite_of(c)) == suites.end())
      suites.push_back(suite_of(c));
  }
  std::string out;
  for (const auto& suite : suites) {
    // Paired differences of log-probabilities stay in the store: the table keeps to scores.
    std::vector<std::string> columns;
    for (const auto& c : t.columns) {
      if (suite_of(c) == suite && !(c.rfind("Δ ", 0) == 0 && ends_with(c, "answer_logprob")))
        columns.push_back(c);
    }
    out += "### " + markdown_cell(suite) + "\n\n| method | runs |";
    std::string rule = "|---|---:|";
    for (const auto& c : columns) {
      out += " " + markdown_cell(header_of(c, suite)) + " |";
      rule += "---:|";
    }
    out += "\n" + rule + "\n";
    for (const SummaryRow& row : t.rows) {
      out += "| " + markdown_cell(row.label) + " | " + std::to_string(row.runs) + " |";
      for (const auto& c : columns) {
        const auto it = row.cells.find(c);
        out += " " + (it == row.cells.end() ? std::string("—") : markdown_cell(interval_text(it->second, 3))) + " |";
      }
      out += "\n";
    }
    out += "\n";
  }
  out +=
      "### cost\n\n| method | runs | trainable params | optimizer state | wall s "
      "|\n|---|---:|---:|---:|---:|\n";
  for (const SummaryRow& row : t.rows) {
    if (row.label == t.rows.front().label && row.trainable_params.empty)
      continue;  // the base model
    out += "| " + markdown_cell(row.label) + " | " + std::to_string(row.runs) + " |";
    out += " " + range_text(row.trainable_params, &with_thousands) + " |";
    out += " " + range_text(row.optimizer_state_bytes, &bytes_text) + " |";
    out += " " + (row.wall_seconds ? interval_text(*row.wall_seconds, 1) : std::string("—")) + " |\n";
  }
  out +=
      "\nmean [95% interval over runs (seeds), Student t]; † fewer than 3 seeds: the seeds' values in "
      "parentheses and a 95% interval conditional on these runs (items as the unit). Δ = tuned − base, paired "
      "per item within each run. Length x depth grids: means over seeds.\n\n";
  for (const SliceGrid& g : t.grids) out += grid_markdown(g);
  return out;
}

}  // namespace tb
