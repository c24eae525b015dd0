#include "harness/report/markdown_table.h"

#include <cstdio>

namespace tb {
namespace {

std::string number(double v, int precision) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", precision, v);
  return buf;
}

std::string with_thousands(int64_t v) {
  std::string digits = std::to_string(v), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

std::string bytes_text(int64_t bytes) {
  const double kib = double(bytes) / 1024.0;
  return kib < 1024 ? number(kib, 0) + " KiB" : number(kib / 1024.0, 1) + " MiB";
}

std::string range_text(const CountRange& r, std::string (*text)(int64_t)) {
  if (r.empty) return "—";
  return r.min == r.max ? text(r.min) : text(r.min) + "–" + text(r.max);
}

std::string cell_text(const SummaryCell& c, int precision) {
  if (c.n >= 2) return number(c.mean, precision) + " ± " + number(c.stderr_value, precision);
  return number(c.mean, precision);
}

}  // namespace

std::string to_markdown(const SummaryTable& t) {
  std::string out = "| method | runs |";
  std::string rule = "|---|---:|";
  for (const auto& c : t.columns) {
    out += " " + c + " |";
    rule += "---:|";
  }
  out += " trainable params | optimizer state | wall s |\n" + rule + "---:|---:|---:|\n";
  for (const SummaryRow& row : t.rows) {
    out += "| " + row.label + " | " + std::to_string(row.runs) + " |";
    for (const auto& c : t.columns) {
      const auto it = row.cells.find(c);
      out += " " + (it == row.cells.end() ? std::string("—") : cell_text(it->second, 3)) + " |";
    }
    out += " " + range_text(row.trainable_params, &with_thousands) + " |";
    out += " " + range_text(row.optimizer_state_bytes, &bytes_text) + " |";
    out += " " + (row.wall_seconds ? cell_text(*row.wall_seconds, 1) : std::string("—")) + " |\n";
  }
  out +=
      "\nmean ± standard error over runs (seeds); Δ = tuned − base, paired per item within each "
      "run.\n";
  return out;
}

}  // namespace tb
