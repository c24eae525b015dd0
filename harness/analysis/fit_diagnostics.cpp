#include "harness/analysis/fit_diagnostics.h"

#include <cmath>
#include <set>

#include "harness/analysis/scaling_laws.h"

namespace tb {

std::vector<std::string> fit_warnings(const ScalingLaw& law, const FitPoints& points,
                                      int64_t bootstrap) {
  std::vector<std::string> out;
  const size_t parameters = law.parameters.size();
  for (size_t v = 0; v < law.variables.size(); ++v) {
    std::set<double> distinct;
    for (const auto& x : points.x) distinct.insert(x[v]);
    if (distinct.size() < parameters + 2) {
      out.push_back(std::to_string(distinct.size()) + " distinct values of " + law.variables[v] +
                    " for a law of " + std::to_string(parameters) + " parameters (at least " +
                    std::to_string(parameters + 2) +
                    " are needed to see whether it fits): the data cannot support this law; read "
                    "its parameters "
                    "as a description of these points only");
    }
  }
  if (bootstrap > 0 && points.y.size() < 10) {
    out.push_back("a bootstrap of " + std::to_string(points.y.size()) +
                  " points mostly redraws the same few: its intervals are unreliable (measure 10 "
                  "or more points)");
  }
  return out;
}

std::optional<double> ols_log_slope(const FitPoints& points) {
  if (points.x.empty() || points.x[0].size() != 1) return std::nullopt;
  const double n = double(points.y.size());
  double mx = 0, my = 0;
  for (size_t i = 0; i < points.y.size(); ++i) {
    mx += std::log(points.x[i][0]) / n;
    my += std::log(points.y[i]) / n;
  }
  double sxy = 0, sxx = 0;
  for (size_t i = 0; i < points.y.size(); ++i) {
    const double dx = std::log(points.x[i][0]) - mx;
    sxy += dx * (std::log(points.y[i]) - my);
    sxx += dx * dx;
  }
  if (sxx <= 0) return std::nullopt;
  return sxy / sxx;
}

}  // namespace tb
