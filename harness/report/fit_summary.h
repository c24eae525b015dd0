// Markdown rendering of a scaling-law fit: the parameters with bootstrap SE and 95%
// intervals, the objective and how many starts reached it, and held-out extrapolation.
#pragma once
#include <string>

#include "harness/analysis/scaling_laws.h"

namespace tb {

std::string fit_to_markdown(const LawFit& fit);

}  // namespace tb
