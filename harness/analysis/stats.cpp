// Estimators for evaluation aggregates. Wilson score interval: Wilson, "Probable
// inference, the law of succession, and statistical inference", JASA 1927, with z = 1.96:
// (p + z²/2n ± z sqrt(p(1-p)/n + z²/4n²)) / (1 + z²/n).
#include "harness/analysis/stats.h"

#include <algorithm>
#include <cmath>

#include "harness/data/rng.h"

namespace tb {

double t_quantile_975(int64_t df) {
  static const double kTable[] = {0,      12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
                                  2.201,  2.179,  2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
                                  2.080,  2.074,  2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042};
  if (df <= 0) return std::nan("");
  if (df <= 30) return kTable[df];
  // Beyond the table: the Cornish-Fisher expansion around z, accurate to ~1e-3 here.
  const double z = 1.959964, d = double(df);
  return z + (z * z * z + z) / (4 * d) + (5 * std::pow(z, 5) + 16 * z * z * z + 3 * z) / (96 * d * d);
}

double percentile(const std::vector<double>& sorted, double q) {
  const double pos = q * double(sorted.size() - 1);
  const auto lo = size_t(pos);
  const double frac = pos - double(lo);
  return lo + 1 < sorted.size() ? sorted[lo] * (1 - frac) + sorted[lo + 1] * frac : sorted[lo];
}

Estimate mean_estimate(const std::vector<double>& values) {
  Estimate e;
  e.n = int64_t(values.size());
  if (values.empty()) return e;
  double sum = 0;
  for (double v : values) sum += v;
  e.value = sum / double(e.n);
  if (e.n >= 2) {
    double ss = 0;
    for (double v : values) ss += (v - e.value) * (v - e.value);
    e.stderr_value = std::sqrt(ss / double(e.n - 1)) / std::sqrt(double(e.n));
  }
  const double half = e.n >= 2 ? t_quantile_975(e.n - 1) * e.stderr_value : 0.0;
  e.ci_low = e.value - half;
  e.ci_high = e.value + half;
  return e;
}

Estimate proportion_estimate(int64_t successes, int64_t n) {
  Estimate e;
  e.n = n;
  if (n == 0) return e;
  const double p = double(successes) / double(n), z = 1.959964, nn = double(n);
  e.value = p;
  e.stderr_value = std::sqrt(p * (1 - p) / nn);
  const double denom = 1 + z * z / nn;
  const double center = (p + z * z / (2 * nn)) / denom;
  const double half = z * std::sqrt(p * (1 - p) / nn + z * z / (4 * nn * nn)) / denom;
  e.ci_low = std::max(0.0, center - half);
  e.ci_high = std::min(1.0, center + half);
  return e;
}

}  // namespace tb

namespace tb {

std::optional<Estimate> paired_ratio_estimate(const std::vector<double>& before, const std::vector<double>& after,
                                              int64_t resamples, uint64_t seed) {
  const size_t n = before.size();
  if (n == 0 || after.size() != n) return std::nullopt;
  auto ratio = [&](const std::vector<size_t>* idx) -> std::optional<double> {
    double b = 0, a = 0;
    for (size_t k = 0; k < n; ++k) {
      const size_t i = idx ? (*idx)[k] : k;
      b += before[i];
      a += after[i];
    }
    if (b == 0) return std::nullopt;
    return a / b;
  };
  const auto point = ratio(nullptr);
  if (!point) return std::nullopt;
  Rng rng(seed ^ 0xb00757a9ULL);
  std::vector<double> replicates;
  std::vector<size_t> idx(n);
  for (int64_t draws = 0; int64_t(replicates.size()) < resamples && draws < 20 * resamples; ++draws) {
    for (auto& i : idx) i = size_t(rng.below(n));
    if (const auto r = ratio(&idx)) replicates.push_back(*r);
  }
  Estimate e;
  e.value = *point;
  e.n = int64_t(n);
  if (replicates.size() < 2) return e;
  std::sort(replicates.begin(), replicates.end());
  double mean = 0, ss = 0;
  for (double r : replicates) mean += r;
  mean /= double(replicates.size());
  for (double r : replicates) ss += (r - mean) * (r - mean);
  e.stderr_value = std::sqrt(ss / double(replicates.size() - 1));
  e.ci_low = percentile(replicates, 0.025);
  e.ci_high = percentile(replicates, 0.975);
  return e;
}

}  // namespace tb
