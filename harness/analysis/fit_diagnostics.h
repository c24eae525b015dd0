// Whether measured points can support a scaling-law fit, said before anyone reads its
// parameters: too few distinct values of a variable for the law's parameters, or too few
// points for a bootstrap to mean anything. And, for a one-variable law, the ordinary
// least-squares slope of log y on log x, the number a researcher checks a robust fit of
// L = A·x^(−α) (+ E) against (Kaplan et al. 2020 fit their power laws this way).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tb {

struct FitPoints;
struct ScalingLaw;

// Sentences, empty when the data can support the law. A law of P parameters needs at least
// P + 2 distinct values of each variable (two degrees of freedom left to see misfit); a
// bootstrap of fewer than 10 points mostly redraws the same few.
std::vector<std::string> fit_warnings(const ScalingLaw& law, const FitPoints& points,
                                      int64_t bootstrap);

// The OLS slope of log y on log x over points with one variable; nullopt for other laws or
// fewer than 2 distinct x values.
std::optional<double> ols_log_slope(const FitPoints& points);

}  // namespace tb
