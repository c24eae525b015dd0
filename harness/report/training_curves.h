// Learning and forgetting during training, from the evaluations taken during training
// (evaluation.every): the method table at each evaluated step — so every value is a mean
// over seeds with the interval of intervals.h, as in the final table — drawn as curves per
// variant against the step, tabled by step, and walked as each variant's path through the
// learning-vs-forgetting plane (report_charts.h's pareto_charts).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "harness/report/chart.h"
#include "harness/report/method_table.h"
#include "harness/report/text_table.h"

namespace tb {

class Store;
struct RunFilter;

struct TablesByStep {
  std::vector<int64_t> steps;  // ascending
  std::vector<MethodTable> tables;  // tables[i]: the evaluations taken after steps[i] steps
  bool empty() const { return steps.empty(); }
};

// Empty when no run of the filter was evaluated during training.
TablesByStep method_tables_by_step(Store& store, const RunFilter& filter);

// The fields drawn as curves: target accuracy (learning) and the forgetting measures
// (Δ held-out CE, KL from base), each where the sweep has it.
const std::vector<std::string>& curve_field_ids();

// One line chart per curve field: the field against the step, one line per variant with
// 95% intervals as bars.
std::vector<Chart> training_curve_charts(const TablesByStep& by_step);

// One table per curve field: a row per variant, a column per step, intervals as text.
std::vector<TextTable> training_curve_tables(const TablesByStep& by_step);

// The (x, y) path of variant `label` over the steps, in the fields' shown units; points where
// either is missing are left out.
struct PathPoint {
  Interval x, y;
};
std::vector<PathPoint> variant_path(const TablesByStep& by_step, const std::string& label, const std::string& x_field,
                                    const std::string& y_field);

}  // namespace tb
