// Markdown rendering of a scaling-law fit: the parameters with bootstrap SE and 95%
// intervals, the objective and how many starts reached it, and held-out extrapolation.
#pragma once
#include <string>

#include "harness/analysis/scaling_laws.h"

namespace tb {

std::string fit_to_markdown(const LawFit& fit);

// `v` with `digits` significant digits (printf %g), as the fit and spectrum tables print.
std::string significant(double v, int digits);

}  // namespace tb
