// Fitting scaling laws (scaling_law_formula.h) to measured points, as Hoffmann et al. 2022
// (App. D.2) and Besiroglu et al. 2024 prescribe: minimise the Huber loss of log-space
// residuals over a grid of L-BFGS starts, keep the best, then bootstrap the points for
// intervals and optionally score extrapolation on held-out points.
#pragma once
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "harness/analysis/lbfgs.h"
#include "harness/analysis/scaling_law_formula.h"

namespace tb {

// Measured points: x[i][v] is variable v (in ScalingLaw::variables order) of point i.
struct FitPoints {
  std::vector<std::vector<double>> x;
  std::vector<double> y;
  std::vector<std::string> labels;  // optional: where each point came from (run key, file:line)
  std::vector<std::string> groups;  // optional: the method (or CSV column value) of each point
};

// The points at `indices`, in that order, labels included.
FitPoints select_points(const FitPoints& points, const std::vector<size_t>& indices);

struct FitOptions {
  double huber_delta = 1e-3;
  // Start values per parameter name on the fitted scale (log C for coefficients); missing
  // names use default_start_values.
  std::map<std::string, std::vector<double>> start_values;
  LbfgsOptions lbfgs;
  int64_t bootstrap = 0;  // resamples of the points for intervals; 0: none
  uint64_t seed = 0;
  int threads = 0;  // 0: all hardware threads
};

struct ParameterFit {
  std::string name;
  double value = 0;                                     // natural units: A, not log A
  std::optional<double> stderr_value, ci_low, ci_high;  // bootstrap SD and 95% percentiles
  // False when the parameter's term is a negligible share (< 1e-6) of the prediction at
  // every point: the fit drove it to zero, so it has no interval (e.g. an offset E that
  // the data do not support).
  bool identified = true;
};

struct HeldOutPoint {
  std::string label;
  std::vector<double> x;
  double y = 0, predicted = 0;
};

struct LawFit {
  std::string formula;
  std::vector<std::string> variables;
  std::vector<ParameterFit> parameters;
  std::vector<double> theta;  // on the fitted scale
  double objective = 0;       // Σ Huber(log prediction - log y) at theta
  double log_rmse = 0;        // root mean squared log residual on the fitted points
  int64_t points = 0, starts = 0;
  int64_t starts_at_best = 0;  // starts that ended within 1e-6 (relative) of the best objective
  int64_t bootstrap = 0;
  std::vector<HeldOutPoint> held_out;
  // Extrapolation error on held-out points: mean |L̂ - L| and mean |L̂ - L| / L.
  std::optional<double> held_out_abs_error, held_out_rel_error;
  std::vector<std::string> warnings;    // what the data cannot support (fit_diagnostics.h)
  std::optional<double> ols_log_slope;  // one-variable laws: OLS slope of log y on log x
  // Each bootstrap resample's parameters in natural units (not recorded; joint fits
  // difference them across groups).
  std::vector<std::vector<double>> bootstrap_draws;

  nlohmann::json to_json() const;
};

// Σ_i Huber_δ(log L̂(x_i) - log y_i); adds the gradient to `gradient` when not null.
double huber_log_objective(const ScalingLaw& law, const FitPoints& points,
                           const std::vector<double>& theta, double delta,
                           std::vector<double>* gradient = nullptr);

// The points in log space, laid out for the objective's inner loop.
struct LogPoints {
  size_t variables = 0;
  std::vector<double> log_x;  // n × variables
  std::vector<double> log_y;
  size_t size() const { return log_y.size(); }
};
LogPoints to_log_points(const FitPoints& points, size_t variables);

// huber_log_objective over the points at `sample` (all points when null; repeats count).
double huber_log_objective(const ScalingLaw& law, const LogPoints& points,
                           const std::vector<size_t>* sample, const std::vector<double>& theta,
                           double delta, std::vector<double>* gradient);

// Σ_i (log L̂(x_i) - log y_i)²: the residual sum of squares in log space.
double log_residual_sum_of_squares(const ScalingLaw& law, const LogPoints& points,
                                   const std::vector<double>& theta);

// UserError unless every point has the law's variables, all positive and finite, and a
// positive finite y; `what` names the points in the message ("fitted", "group lora").
void check_fit_points(const ScalingLaw& law, const FitPoints& points, const std::string& what);

// A parameter's bootstrap SE (SD of the draws) and 95% percentile interval.
void set_bootstrap_interval(ParameterFit& parameter, std::vector<double> draws);

// Hoffmann et al.'s grid: exponents {0, 0.5, ..., 2}; the log of a coefficient that
// multiplies variables {0, 5, ..., 25}; the log of the constant offset {-1, -0.5, ..., 1}.
std::vector<std::vector<double>> default_start_values(const ScalingLaw& law);

// Throws UserError for non-positive or non-finite values, fewer points than parameters, or
// start values for unknown parameters.
LawFit fit_scaling_law(const ScalingLaw& law, const FitPoints& points, const FitOptions& options,
                       const FitPoints& held_out = {});

// The point indices of bootstrap resample `b`: n draws with replacement, from a stream
// seeded by (seed, b) through a scrambler, so that resamples are independent of each other.
std::vector<size_t> bootstrap_resample(size_t n, uint64_t seed, int64_t b);

// L̂ at one point.
double predict(const ScalingLaw& law, const std::vector<double>& theta,
               const std::vector<double>& x);

}  // namespace tb
