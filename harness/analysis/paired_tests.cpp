// Paired bootstrap (Efron & Tibshirani 1993, §13; Koehn 2004) and McNemar's exact test
// (McNemar 1947). The exact McNemar p-value is the two-sided binomial sign test on the
// discordant pairs: p = min(1, 2 Σ_{k<=min(b,c)} C(b+c, k) / 2^(b+c)), summed in log space
// so it stays exact for thousands of pairs.
#include "harness/analysis/paired_tests.h"

#include <algorithm>
#include <cmath>

#include "harness/analysis/stats.h"
#include "harness/common/check.h"
#include "harness/data/rng.h"

namespace tb {
BootstrapInterval paired_bootstrap(const std::vector<std::vector<double>>& differences, int64_t resamples,
                                   uint64_t seed) {
  std::vector<const std::vector<double>*> seeds;
  for (const auto& d : differences) {
    if (!d.empty()) seeds.push_back(&d);
  }
  BootstrapInterval out;
  out.seeds = int64_t(seeds.size());
  double sum = 0;
  for (const auto* d : seeds) {
    for (double v : *d) sum += v;
    out.pairs += int64_t(d->size());
  }
  if (out.pairs == 0) return out;
  out.mean = sum / double(out.pairs);
  Rng rng(seed ^ 0x9a12edb0075ULL);
  std::vector<double> replicates(size_t(std::max<int64_t>(resamples, 2)));
  for (double& r : replicates) {
    double total = 0;
    int64_t count = 0;
    for (size_t s = 0; s < seeds.size(); ++s) {
      const auto& d = seeds.size() > 1 ? *seeds[rng.below(seeds.size())] : *seeds[s];
      for (size_t i = 0; i < d.size(); ++i) total += d[rng.below(d.size())];
      count += int64_t(d.size());
    }
    r = total / double(count);
  }
  double mean = 0, ss = 0;
  for (double r : replicates) mean += r;
  mean /= double(replicates.size());
  for (double r : replicates) ss += (r - mean) * (r - mean);
  out.stderr_value = std::sqrt(ss / double(replicates.size() - 1));
  std::sort(replicates.begin(), replicates.end());
  out.low = percentile(replicates, 0.025);
  out.high = percentile(replicates, 0.975);
  return out;
}

bool all_binary(const std::vector<double>& values) {
  return std::all_of(values.begin(), values.end(), [](double v) { return v == 0.0 || v == 1.0; });
}

McNemarResult mcnemar(const std::vector<double>& a, const std::vector<double>& b) {
  TB_CHECK(a.size() == b.size() && all_binary(a) && all_binary(b), "McNemar needs paired 0/1 scores");
  McNemarResult r;
  for (size_t k = 0; k < a.size(); ++k) {
    if (a[k] == 1 && b[k] == 1) ++r.both;
    else if (a[k] == 1) ++r.only_a;
    else if (b[k] == 1) ++r.only_b;
    else ++r.neither;
  }
  const int64_t n = r.only_a + r.only_b, k_max = std::min(r.only_a, r.only_b);
  if (n == 0) return r;  // no discordant pairs: no evidence of a difference, p = 1
  double tail = 0;
  for (int64_t k = 0; k <= k_max; ++k) {
    const double log_term = std::lgamma(double(n + 1)) - std::lgamma(double(k + 1)) -
                            std::lgamma(double(n - k + 1)) - double(n) * std::log(2.0);
    tail += std::exp(log_term);
  }
  r.p_value = std::min(1.0, 2 * tail);
  return r;
}

}  // namespace tb
