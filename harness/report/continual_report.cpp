#include "harness/report/continual_report.h"

#include <algorithm>
#include <cstdio>

#include "harness/analysis/continual_metrics.h"
#include "harness/report/svg_chart.h"
#include "harness/report/table_formats.h"
#include "harness/store/store.h"

namespace tb {

TextTable continual_table(Store& store, const RunFilter& filter) {
  TextTable t;
  t.title = "Continual learning: the accuracy matrix's summaries";
  t.headers = {"method", "seeds", "ACC (after the last stage)", "BWT", "FWT", "forgetting F", "f_j per task (means)"};
  for (const auto& [variant, by_seed] : accuracy_matrices(store.stage_evals(filter))) {
    const ContinualIntervals c = continual_intervals(by_seed);
    std::string per_task;
    for (const Interval& f : c.forgetting_per_task) {
      char cell[32];
      std::snprintf(cell, sizeof cell, "%s%.3f", per_task.empty() ? "" : ", ", f.value);
      per_task += cell;
    }
    t.rows.push_back({variant, std::to_string(by_seed.size()), interval_text(c.average_accuracy, 3),
                      interval_text(c.backward_transfer, 3), interval_text(c.forward_transfer, 3),
                      interval_text(c.forgetting, 3), per_task});
  }
  return t;
}

namespace {

Chart matrix_chart(const std::string& variant, const AccuracyMatrix& mean, size_t index) {
  svg::Heatmap map;
  map.title = "Accuracy matrix R: " + variant;
  map.x_label = "task (stage it is trained in)";
  map.y_label = "after stage";
  for (size_t j = 0; j < mean.base.size(); ++j) map.x_labels.push_back(std::to_string(j + 1));
  map.y_labels.push_back("base");
  map.values.push_back({});
  for (double b : mean.base) map.values.back().push_back(b);
  for (size_t i = 0; i < mean.r.size(); ++i) {
    map.y_labels.push_back(std::to_string(i + 1));
    map.values.push_back({});
    for (double v : mean.r[i]) map.values.back().push_back(v);
  }
  return {"continual-r-" + std::to_string(index + 1), map.title,
          "Task accuracy after each stage (rows) on each stage's task (columns), mean over seeds; the diagonal is "
          "what a stage learned, below it what later stages kept, above it transfer to tasks not yet trained.",
          svg::heatmap(map)};
}

// The forgetting suite's `metric` of the tuned model after each stage, per variant (mean over seeds).
std::optional<Chart> forgetting_curve(const std::vector<StageEvalRow>& rows, const std::string& metric,
                                      const std::string& label) {
  std::map<std::string, std::map<int64_t, std::pair<double, int64_t>>> sums;  // variant -> stage -> (sum, n)
  double base = 0;
  int64_t base_n = 0, last_stage = 0;
  for (const StageEvalRow& row : rows) {
    if (row.task != -1 || row.eval.suite != "forgetting" || row.eval.metric != metric) continue;
    if (row.eval.model == "base") base += row.eval.value, ++base_n;
    if (row.eval.model != "tuned") continue;
    auto& cell = sums[row.eval.variant][row.stage];
    cell.first += row.eval.value;
    ++cell.second;
    last_stage = std::max(last_stage, row.stage);
  }
  if (sums.empty()) return std::nullopt;
  svg::XYChart chart;
  chart.title = label + " after each stage";
  chart.x = {"stage", false};
  chart.y = {label, false};
  for (const auto& [variant, by_stage] : sums) {
    svg::Series s{.name = variant, .markers = true};
    for (const auto& [stage, sum] : by_stage) {
      s.x.push_back(double(stage + 1));
      s.y.push_back(sum.first / double(sum.second));
    }
    chart.series.push_back(std::move(s));
  }
  if (base_n > 0) {  // the same base model under every run: its level, for reference
    const double level = base / double(base_n);
    chart.series.push_back({.name = "base model", .x = {1.0, double(last_stage + 1)}, .y = {level, level}, .dashed = true});
  }
  return Chart{"continual-" + metric, chart.title,
               "The forgetting suite against the base model's pretraining abilities, after each stage (mean over seeds); "
               "dashed: the base model.",
               svg::line_chart(chart)};
}

}  // namespace

std::vector<Chart> continual_charts(Store& store, const RunFilter& filter) {
  const std::vector<StageEvalRow> rows = store.stage_evals(filter);
  std::vector<Chart> out;
  for (const auto& [variant, by_seed] : accuracy_matrices(rows))
    out.push_back(matrix_chart(variant, continual_intervals(by_seed).mean, out.size()));
  for (const auto& [metric, label] : std::vector<std::pair<std::string, std::string>>{
           {"held_out_ce", "held-out pretraining cross-entropy"}, {"control_retention", "control-task retention"}}) {
    if (auto chart = forgetting_curve(rows, metric, label)) out.push_back(std::move(*chart));
  }
  return out;
}

}  // namespace tb
