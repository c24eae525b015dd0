// The scaling-law fit's objective, Σ_i w_i Huber_δ(LSE_k t_k(θ, x_i) − log y_i) (Hoffmann
// et al. 2022, App. D.2), laid out for the optimiser's inner loop: the points are stored
// by variable (one contiguous column of log x each), repeated points of a bootstrap
// resample become one point with weight w_i = its count, and each evaluation runs over all
// points term by term, so the linear parts vectorise and nothing is allocated per call.
#pragma once
#include <cstddef>
#include <vector>

#include "harness/analysis/scaling_law_formula.h"

namespace tb {

struct LogPoints;

class HuberLogObjective {
 public:
  // Over the points at `sample` (indices into `points`; repeats count), or every point
  // when null. `law` and `points` must outlive the objective.
  HuberLogObjective(const ScalingLaw& law, const LogPoints& points,
                    const std::vector<size_t>* sample, double delta);

  // The objective at theta; adds its gradient to `gradient` when not null.
  double operator()(const std::vector<double>& theta, std::vector<double>* gradient);

 private:
  void fill_term_exponents(const std::vector<double>& theta);
  double huber_and_slopes();
  void add_gradient(std::vector<double>& gradient) const;

  const ScalingLaw& law_;
  double delta_;
  size_t n_ = 0;
  std::vector<double> log_x_;  // variables × n, one column per variable
  std::vector<double> log_y_, weight_;
  // Scratch, per evaluation: exp(t_k − max_k t_k) (terms × n), the max, the sum over k,
  // and w_i dHuber/dr_i / Σ_k exp(t_k − max) (the factor every gradient entry shares).
  std::vector<double> term_, top_, sum_, slope_;
};

}  // namespace tb
