// One scaling law fitted to several groups of points at once (the methods of a sweep, or
// the values of a CSV column), to ask whether the groups scale alike: do LoRA and full
// fine-tuning forget with the same exponent?
//   - separate: every parameter per group (each group fitted on its own, as fit_scaling_law);
//   - shared: the chosen parameters (by default every exponent) common to all groups, the
//     others per group, fitted jointly by the same Huber objective summed over groups;
//   - the test that the shared parameters do not differ, two ways:
//       * the extra-sum-of-squares F test of the two models refitted by least squares in
//         log space (nested nonlinear models; Bates & Watts 1988, "Nonlinear Regression
//         Analysis and Its Applications", ch. 3; the shared-versus-separate comparison
//         of curve-fitting tools such as GraphPad Prism): with q = (G − 1)·|shared| and
//         p = G·k parameters in the separate model, on n points,
//           F = ((RSS_shared − RSS_separate) / q) / (RSS_separate / (n − p)) ~ F(q, n − p);
//       * per shared parameter, each group's value minus the first group's, with a
//         percentile interval from the groups' independent bootstraps (points resampled
//         within each group) and the two-sided bootstrap p-value 2·min(P(d ≤ 0), P(d ≥ 0)).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "harness/analysis/scaling_laws.h"

namespace tb {

struct GroupFit {
  std::string group;
  LawFit fit;
};

struct ParameterDifference {
  std::string parameter, group, reference;  // group's value minus the reference group's
  double value = 0;
  std::optional<double> ci_low, ci_high, p_value;  // bootstrap; absent without one
};

struct JointLawFit {
  std::string formula;
  std::vector<std::string> groups;  // in order of first appearance
  std::vector<std::string> shared;  // the parameters common to all groups in `shared_fit`
  std::vector<GroupFit> separate;
  // The shared model: shared parameters by their name, the others as "NAME[group]".
  LawFit shared_fit;
  std::vector<std::vector<double>> shared_theta;  // per group, the law's parameters (fitted scale)
  double separate_rss = 0, shared_rss = 0;        // least-squares refits, log space
  int64_t restrictions = 0;                       // q
  int64_t residual_df = 0;                        // n − p of the separate model
  std::optional<double> f_statistic, p_value;
  std::vector<ParameterDifference> differences;
  std::vector<std::string> warnings;

  // The shared model's prediction for a point of `group`.
  double predict_shared(const ScalingLaw& law, const std::string& group,
                        const std::vector<double>& x) const;
  nlohmann::json to_json() const;
};

// The parameters shared by default: every exponent of the law.
std::vector<std::string> law_exponents(const ScalingLaw& law);

// Fits `points` (whose `groups` name each point's group) both ways and tests the shared
// parameters. UserError when there are fewer than 2 groups, a shared name is not a
// parameter of the law, or a group has no more points than the law has parameters.
JointLawFit fit_jointly(const ScalingLaw& law, const FitPoints& points,
                        const std::vector<std::string>& shared, const FitOptions& options);

}  // namespace tb
