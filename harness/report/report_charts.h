// The charts of a sweep's report, each an inline SVG (svg_chart.h): the learning-vs-
// forgetting Pareto plot, training-loss curves per method, long-context length × depth
// heatmaps, spectral summaries per layer, and fitted scaling laws with their data.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "harness/report/chart.h"
#include "harness/report/compared_spectra.h"
#include "harness/report/method_table.h"
#include "harness/report/summary.h"
#include "harness/report/training_curves.h"

namespace tb {

class Store;
struct FitRecord;
struct RunFilter;

// Target accuracy against forgetting (Δ held-out CE, else KL from base), one point per
// variant with its 95% intervals as error bars, the Pareto frontier dashed. Empty when the
// sweep lacks either metric. With evaluations during training, each variant is its path
// through the plane over the steps, ending at its final point.
std::vector<Chart> pareto_charts(const MethodTable& table, const TablesByStep& by_step = {});

// Mean training loss over seeds per step, one line per variant (log scale).
std::vector<Chart> loss_curve_charts(Store& store, const RunFilter& filter);

// One heatmap per sliced accuracy grid of the summary (length × depth per variant and task;
// method × slice for one-key slices).
std::vector<Chart> slice_heatmaps(const SummaryTable& summary);

// Intruder dimensions and the effective rank of ΔW per layer (summed / averaged over the
// layer's matrices of the compared set, then averaged over runs), one line per variant.
std::vector<Chart> spectral_charts(Store& store, const RunFilter& filter,
                                   SpectralMatrices which = SpectralMatrices::kProjections);

// Whether a recorded fit was fitted to this sweep's runs (source "sweep:NAME[ method=M]").
bool fit_of_sweep(const FitRecord& fit, const std::string& sweep);

// Each recorded fit of this sweep that stored its points: data and fitted curve (one
// variable: y against x, log-log) or observed against predicted (several variables).
std::vector<Chart> fit_charts(Store& store, const std::string& sweep);

}  // namespace tb
