// The upper tail of Fisher's F distribution, for the extra-sum-of-squares test of nested
// least-squares fits (joint_fit.h), through the regularized incomplete beta function:
//   P(F > f | d1, d2) = I_{d2 / (d2 + d1 f)}(d2 / 2, d1 / 2)
// (Abramowitz & Stegun 1964, 26.6.2 and 26.5.8). Free of LibTorch.
#pragma once

namespace tb {

// I_x(a, b) for a, b > 0 and x in [0, 1], by the continued fraction of A&S 26.5.8 (modified
// Lentz evaluation), on the side of x where it converges fast (26.5.2's symmetry).
double regularized_incomplete_beta(double a, double b, double x);

// P(F > f) for F with (d1, d2) degrees of freedom; 1 for f <= 0.
double f_distribution_sf(double f, double d1, double d2);

}  // namespace tb
