// McNemar's test for two methods' 0/1 scores on the same items (McNemar 1947,
// Psychometrika 12(2), exact binomial form).
#pragma once
#include <cstdint>
#include <vector>

namespace tb {

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
