// Markdown rendering of a scaling-law fit: the parameters with bootstrap SE and 95%
// intervals, the objective and how many starts reached it, and held-out extrapolation;
// of a joint fit, each group's fit, the shared model and the tests.
#pragma once
#include <string>

#include "harness/analysis/fit_request.h"
#include "harness/analysis/joint_fit.h"
#include "harness/analysis/scaling_laws.h"

namespace tb {

std::string fit_to_markdown(const LawFit& fit);

// A joint fit: each group's own fit, the shared model, the F test and the differences of
// the shared parameters between groups.
std::string joint_fit_to_markdown(const JointLawFit& fit);

// The joint fit's markdown when the request grouped its points, else the one fit's.
std::string fit_outcome_markdown(const FitOutcome& outcome);

// `v` with `digits` significant digits (printf %g), as the fit and spectrum tables print.
std::string significant(double v, int digits);

}  // namespace tb
