// `tunebench regress`: is a candidate sweep worse than a stored baseline on any metric by
// more than that metric's tolerance, with 95% confidence? For each variant both sweeps
// ran and each metric in the tolerance file, "worse by" w = baseline − candidate (or
// candidate − baseline where lower is better), with a 95% interval from
//   - seeds both sides ran (2+): the paired t interval of the per-seed differences;
//   - one run each: the stored per-item standard errors of the two aggregates, normal;
//   - different seeds: Welch's standard error with min(n) − 1 degrees of freedom.
// A metric regresses when the interval's lower end exceeds the tolerance: the candidate is
// worse by more than the tolerance even in the most favourable reading of the noise.
#pragma once
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace tb {

class Store;

struct MetricTolerance {
  std::string metric;  // "suite metric" of the tuned model, e.g. "task_accuracy accuracy"
  double tolerance = 0;
  bool higher_is_better = true;
};

// {"metrics": {"task_accuracy accuracy": {"tolerance": 0.02},
//              "forgetting held_out_ce": {"tolerance": 0.05, "better": "lower"}}}
// "better" defaults from the name (lower for cross-entropy, KL and loss metrics). UserError
// naming the file and JSON path when malformed.
std::vector<MetricTolerance> read_tolerances(const std::filesystem::path& file);

// Whether lower values of a metric are better (cross-entropies, KL divergences, losses).
bool lower_is_better(const std::string& metric);

struct MetricCheck {
  std::string variant, metric;
  double tolerance = 0;
  std::optional<double> baseline, candidate;  // means over runs; nullopt: not measured
  double worse_by = 0, worse_low = 0, worse_high = 0;
  int64_t baseline_runs = 0, candidate_runs = 0;
  std::string pairing;  // "paired over N seeds", "one run each", "unpaired (Welch)"
  bool regressed = false;
  std::string missing;  // why it could not be checked ("" when checked); counts as regressed
};

struct StoreSweep {
  Store* store;
  std::string sweep;  // resolved name
};

// Checks every variant of the baseline against the candidate. UserError when a tolerance
// names a metric the baseline never recorded.
std::vector<MetricCheck> check_regressions(const StoreSweep& baseline, const StoreSweep& candidate,
                                           const std::vector<MetricTolerance>& tolerances);

// One line per check, regressions first, and a verdict line.
std::string regression_text(const std::vector<MetricCheck>& checks);

}  // namespace tb
