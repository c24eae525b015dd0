// McNemar's exact test (McNemar 1947): the two-sided binomial sign test on the discordant pairs: p = min(1, 2 Σ_{k<=min(b,c)} C(b+c, k) / 2^(b+c)), summed in log space
// so it stays exact for thousands of pairs.
#include "harness/analysis/paired_tests.h"

#include <algorithm>
#include <cmath>

#include "harness/common/check.h"

namespace tb {

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
