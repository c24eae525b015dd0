// Paired comparison of two methods evaluated on the same items with the same seeds:
// a paired bootstrap interval of the mean difference (Efron & Tibshirani 1993, "An
// Introduction to the Bootstrap", §13 percentile interval; Koehn 2004, "Statistical
// Significance Tests for Machine Translation Evaluation", paired resampling of test items),
// resampling seeds and items, and McNemar's test for 0/1 scores (McNemar 1947,
// Psychometrika 12(2), exact binomial form).
#pragma once
#include <cstdint>
#include <vector>

namespace tb {

struct BootstrapInterval {
  double mean = 0;             // the observed mean difference (every pair weighted equally)
  double low = 0, high = 0;    // 95% percentile interval
  double stderr_value = 0;     // standard deviation of the bootstrap replicates
  int64_t pairs = 0, seeds = 0;
};

// `differences[s][i]`: score_B − score_A of item i under seed s (paired: same seed, same
// item). Each replicate draws seeds with replacement (when there are two or more), then
// items with replacement within each drawn seed, and averages every drawn difference, so
// the interval covers both seed-to-seed and item-to-item variation. Deterministic given
// `seed`. Seeds without items are ignored.
BootstrapInterval paired_bootstrap(const std::vector<std::vector<double>>& differences,
                                   int64_t resamples = 10000, uint64_t seed = 0);

struct McNemarResult {
  int64_t only_a = 0;  // b: pairs where A scored 1 and B scored 0
  int64_t only_b = 0;  // c: pairs where B scored 1 and A scored 0
  int64_t both = 0, neither = 0;
  double p_value = 1;  // exact two-sided: 2·P(X <= min(b, c)), X ~ Binomial(b + c, 1/2), capped at 1
};

// McNemar's exact test over 0/1 pairs (a[k], b[k]). Values must be 0 or 1.
McNemarResult mcnemar(const std::vector<double>& a, const std::vector<double>& b);

// True when every value is 0 or 1.
bool all_binary(const std::vector<double>& values);

}  // namespace tb
