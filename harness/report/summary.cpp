#include "harness/report/summary.h"

#include <algorithm>

#include "harness/analysis/stats.h"
#include "harness/common/check.h"
#include "harness/store/store.h"

namespace tb {

void CountRange::add(int64_t v) {
  min = empty ? v : std::min(min, v);
  max = empty ? v : std::max(max, v);
  empty = false;
}
namespace {

SummaryCell cell_of(const std::vector<double>& values) {
  const Estimate e = mean_estimate(values);
  return {e.value, e.stderr_value, e.n};
}

std::string column_name(const std::string& suite, const std::string& model,
                        const std::string& metric) {
  return (model == "delta" ? "Δ " : "") + suite + " " + metric;
}

}  // namespace

SummaryTable summarize_sweep(Store& store, const std::string& requested) {
  const auto names = store.sweep_names();
  if (names.empty()) throw UserError("the store has no sweeps yet; run `tunebench run SPEC` first");
  const std::string sweep = requested.empty() ? names.back() : requested;
  if (std::find(names.begin(), names.end(), sweep) == names.end()) {
    std::string known;
    for (const auto& n : names) known += (known.empty() ? "" : ", ") + n;
    throw UserError("no sweep named \"" + sweep + "\" in the store; known sweeps: " + known);
  }
  SummaryTable table;
  table.sweep = sweep;

  std::vector<std::string> variants;  // in run order
  std::map<std::string, std::map<std::string, std::vector<double>>>
      values;  // variant -> column -> per run
  std::map<std::string, std::vector<double>> base_values;
  for (const EvalRow& e : store.evals(sweep)) {
    if (std::find(variants.begin(), variants.end(), e.variant) == variants.end())
      variants.push_back(e.variant);
    const std::string tuned_column = column_name(e.suite, "tuned", e.metric);
    if (e.model == "base") {
      base_values[tuned_column].push_back(e.value);
      continue;
    }
    const std::string column = column_name(e.suite, e.model, e.metric);
    if (std::find(table.columns.begin(), table.columns.end(), column) == table.columns.end())
      table.columns.push_back(column);
    values[e.variant][column].push_back(e.value);
  }
  // Suites and metrics in alphabetical order, each paired difference right after its metric.
  auto plain = [](const std::string& c) {
    return c.rfind("Δ ", 0) == 0 ? c.substr(std::string("Δ ").size()) + "~" : c;
  };
  std::sort(table.columns.begin(), table.columns.end(),
            [&](const std::string& a, const std::string& b) { return plain(a) < plain(b); });
  if (!base_values.empty()) {
    SummaryRow base{"base model", 0, {}, {}, {}, std::nullopt};
    for (const auto& [column, v] : base_values) base.cells[column] = cell_of(v);
    base.runs = int64_t(base_values.begin()->second.size());
    table.rows.push_back(base);
  }
  const auto runs = store.runs(sweep);
  for (const std::string& variant : variants) {
    SummaryRow row{variant, 0, {}, {}, {}, std::nullopt};
    for (const auto& [column, v] : values[variant]) row.cells[column] = cell_of(v);
    std::vector<double> walls;
    for (const RunRecord& r : runs) {
      if (r.variant != variant || r.status != "done") continue;
      ++row.runs;
      row.trainable_params.add(r.trainable_params);
      row.optimizer_state_bytes.add(r.optimizer_state_bytes);
      if (r.wall_seconds) walls.push_back(*r.wall_seconds);
    }
    if (!walls.empty()) row.wall_seconds = cell_of(walls);
    table.rows.push_back(row);
  }
  return table;
}

}  // namespace tb
