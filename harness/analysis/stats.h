// Summary statistics with uncertainty, as reported on every aggregate: mean with the
// standard error of the mean and a Student-t 95% interval; proportions with the Wilson
// score interval (Wilson 1927), which stays inside [0, 1] and is sane at 0% and 100%.
// Ratios of paired means carry a percentile bootstrap interval (Efron & Tibshirani 1993, §13).
#pragma once
#include <cstdint>
#include <optional>
#include <vector>

namespace tb {

struct Estimate {
  double value = 0;
  double stderr_value = 0;  // 0 when n < 2
  double ci_low = 0, ci_high = 0;
  int64_t n = 0;
};

// Mean, SE = s / sqrt(n) with the n-1 sample deviation, and mean ± t(0.975, n-1)·SE.
Estimate mean_estimate(const std::vector<double>& values);

// Proportion successes / n with SE = sqrt(p(1-p)/n) and the Wilson 95% interval.
Estimate proportion_estimate(int64_t successes, int64_t n);

// mean(after) / mean(before) over paired items (e.g. control-task accuracy after / before
// fine-tuning), with a paired percentile bootstrap over items (`resamples` draws, seeded;
// resamples whose mean(before) is 0 are redrawn) for the SE and the 95% interval. Returns
// nullopt when mean(before) is 0: the ratio is undefined.
std::optional<Estimate> paired_ratio_estimate(const std::vector<double>& before,
                                              const std::vector<double>& after,
                                              int64_t resamples = 2000, uint64_t seed = 0);

// The q-quantile of sorted values, interpolating linearly between order statistics.
double percentile(const std::vector<double>& sorted, double q);

// Two-sided 97.5% quantile of Student's t with `df` degrees of freedom.
double t_quantile_975(int64_t df);

}  // namespace tb
