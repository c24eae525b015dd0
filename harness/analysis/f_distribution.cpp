#include "harness/analysis/f_distribution.h"

#include <cmath>
#include <initializer_list>

namespace tb {
namespace {

// The continued fraction 1 / (1 + d1 / (1 + d2 / (1 + ...))) of A&S 26.5.8, with
// d_{2m+1} = -(a + m)(a + b + m) x / ((a + 2m)(a + 2m + 1)) and
// d_{2m} = m (b - m) x / ((a + 2m - 1)(a + 2m)), evaluated by the modified Lentz method.
double beta_continued_fraction(double a, double b, double x) {
  constexpr double kTiny = 1e-300, kEpsilon = 1e-15;
  constexpr int kMaxTerms = 10000;
  double c = 1, d = 1 - (a + b) * x / (a + 1);
  if (std::abs(d) < kTiny) d = kTiny;
  d = 1 / d;
  double h = d;
  for (int m = 1; m <= kMaxTerms; ++m) {
    const double even = m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m));
    const double odd = -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1));
    for (const double coefficient : {even, odd}) {
      d = 1 + coefficient * d;
      if (std::abs(d) < kTiny) d = kTiny;
      c = 1 + coefficient / c;
      if (std::abs(c) < kTiny) c = kTiny;
      d = 1 / d;
      h *= d * c;
    }
    if (std::abs(d * c - 1) < kEpsilon) break;
  }
  return h;
}

}  // namespace

double regularized_incomplete_beta(double a, double b, double x) {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  // x^a (1 - x)^b / B(a, b), in logs.
  const double front = std::exp(std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) +
                                a * std::log(x) + b * std::log1p(-x));
  if (x < (a + 1) / (a + b + 2)) return front * beta_continued_fraction(a, b, x) / a;
  return 1 - front * beta_continued_fraction(b, a, 1 - x) / b;
}

double f_distribution_sf(double f, double d1, double d2) {
  if (!(f > 0)) return 1;
  return regularized_incomplete_beta(d2 / 2, d1 / 2, d2 / (d2 + d1 * f));
}

}  // namespace tb
