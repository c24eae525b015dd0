// `tunebench regress`: is a candidate sweep worse than a stored baseline on any metric by
// more than that metric's tolerance, with 95% confidence? For each baseline variant, paired
// with the candidate variant of the same label or the one `--map` names, and each metric in
// the tolerance file, "worse by" w = baseline − candidate (candidate − baseline where lower
// is better) with the interval of intervals.h — the one `compare` prints for the same pair:
// over seeds at 3 or more paired seeds, otherwise conditional on these runs (item-level).
// A check regresses when the interval's lower end exceeds the tolerance: the candidate is
// worse by more than the tolerance even in the most favourable reading of the noise. A
// baseline variant without a finished candidate run is "missing", not a regression.
#pragma once
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "harness/analysis/intervals.h"

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

enum class CheckStatus { kOk, kRegressed, kMissing };

struct MetricCheck {
  std::string variant, candidate_variant, metric;
  double tolerance = 0;
  std::optional<double> baseline, candidate;  // means over runs; nullopt: not measured
  Interval worse;                             // worse by, with its interval and basis
  int64_t baseline_runs = 0, candidate_runs = 0;
  CheckStatus status = CheckStatus::kOk;
  std::string missing;  // why it could not be checked (status kMissing)
};

struct StoreSweep {
  Store* store;
  std::string sweep;  // resolved name
};

// BASELINE_VARIANT=CANDIDATE_VARIANT, as given to --map (labels may hold '=' themselves:
// the split is chosen where both sides name a variant).
using VariantMap = std::vector<std::string>;

struct RegressionResult {
  std::vector<MetricCheck> checks;     // regressions first, then missing, then ok
  std::vector<std::string> unmatched;  // candidate variants no check used
  bool regressed() const;
  bool missing() const;
};

// Checks every variant of the baseline against its candidate. UserError when a tolerance
// names a metric the baseline never recorded, or a --map entry names no variant.
RegressionResult check_regressions(const StoreSweep& baseline, const StoreSweep& candidate,
                                   const std::vector<MetricTolerance>& tolerances,
                                   const VariantMap& map = {});

// One line per check, the unmatched candidate variants, and a verdict line.
std::string regression_text(const RegressionResult& result);

}  // namespace tb
