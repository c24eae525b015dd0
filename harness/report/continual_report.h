// The continual-learning part of a report (sweeps whose runs trained through stages,
// harness/exec/continual_run.h): the ACC / BWT / FWT / forgetting table with intervals over
// seeds (harness/analysis/continual_metrics.h), the accuracy matrix R of each variant as a
// heatmap (mean over seeds), and the forgetting suite over the stages.
#pragma once
#include <vector>

#include "harness/report/report.h"

namespace tb {

// Empty (no rows) when no run of the filter has stage evaluations.
TextTable continual_table(Store& store, const RunFilter& filter);
std::vector<Chart> continual_charts(Store& store, const RunFilter& filter);

}  // namespace tb
