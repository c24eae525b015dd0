// The intervals every command prints — `run`'s table, `report` (tables and plots), `compare`
// and `regress` — from this one module, so the same question gets the same interval and the
// same verdict everywhere. Each interval says what it generalises over (Miller 2024, "Adding
// Error Bars to Evals: A Statistical Approach to Language Model Evaluations", §2–§4):
//
//  - over training seeds: runs are the unit. A seed's value is the mean over its items, so
//    items are nested within seeds and the spread of the per-seed values already carries the
//    item-level noise (the clustered, two-level estimate with seeds as clusters). Student t
//    with k − 1 degrees of freedom over k >= 3 seeds; differences pair by seed.
//  - conditional on these runs: items are the unit. It says how precisely these runs were
//    measured, not what another seed would give. Used below 3 seeds, where a t interval with
//    1 degree of freedom is uninformative: the seeds' own values are listed beside it, and the
//    interval is normal with the item-level standard errors, SE = sqrt(Σ_s SE_s²) / k;
//    differences pair by item within each seed when the items are known.
//
// Intervals are clipped to the metric's range (a proportion stays in [0, 1]).
#pragma once
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace tb {

// Fewer seeds than this give a conditional interval instead of one over seeds.
inline constexpr int64_t kMinSeedsForSeedInterval = 3;

struct ValueRange {
  double low = -std::numeric_limits<double>::infinity();
  double high = std::numeric_limits<double>::infinity();
};

// The range of a stored metric: accuracies and retention-free proportions [0, 1]; the paired
// "Δ" of an accuracy [−1, 1]; cross-entropies and KL [0, ∞); anything else unbounded.
// `metric` is the stored name ("passkey_accuracy@length=64"), `model` "base", "tuned" or "delta".
ValueRange metric_range(const std::string& metric, const std::string& model = "tuned");

// The range of B − A for values in `r`.
ValueRange difference_range(const ValueRange& r);

// Whether lower values of a metric are better (cross-entropies, KL divergences, losses).
bool lower_is_better(const std::string& metric);

// One run's value of a metric (a mean over its items) with its item-level standard error.
struct SeedValue {
  double value = 0;
  std::optional<double> stderr_value;
};
using SeedValues = std::map<int64_t, SeedValue>;  // by seed

enum class IntervalBasis {
  kNone,         // no interval: one run without an item-level standard error
  kOverSeeds,    // Student t over seeds (runs as the unit)
  kConditional,  // items as the unit, conditional on these runs (fewer than 3 seeds)
};

struct Interval {
  double value = 0, low = 0, high = 0, stderr_value = 0;
  IntervalBasis basis = IntervalBasis::kNone;
  int64_t seeds = 0;             // seeds (runs, or paired seeds for a difference) it rests on
  std::vector<double> per_seed;  // the seeds' values (differences), listed when conditional
  std::string pairing;  // differences: "paired by seed", "paired by item within N seeds", ...
  bool has_interval() const { return basis != IntervalBasis::kNone; }
  bool excludes_zero() const { return has_interval() && (low > 0 || high < 0); }
};

// The mean over seeds of a metric's per-seed values.
Interval mean_interval(const SeedValues& seeds, const ValueRange& range);

// B − A. `paired_item_se`, when given, holds per seed the standard error of the mean of the
// item-by-item differences B − A (what a conditional interval uses for a paired seed instead
// of sqrt(SE_A² + SE_B²)). Seeds both sides ran pair; with fewer than 3 paired seeds but 3 or
// more on each side, Welch's unpaired interval over seeds (Welch 1947) with min(k) − 1 df.
Interval difference_interval(const SeedValues& a, const SeedValues& b, const ValueRange& range,
                             const std::map<int64_t, double>& paired_item_se = {});

// "over seeds (t, 2 df)", "conditional on these 2 runs (items; seeds: 0.51, 0.53)", "no interval".
std::string basis_text(const Interval& interval, int digits = 3);

// The verdict a difference's interval supports, never one it contradicts: "distinguishable
// from seed-to-seed noise", "not distinguishable ...", or for a conditional interval what it
// says about these runs only.
std::string difference_verdict(const Interval& difference);

}  // namespace tb
