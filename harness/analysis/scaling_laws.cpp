// Scaling-law fitting (Hoffmann et al. 2022, "Training Compute-Optimal Large Language
// Models", App. D.2, "Approach 3"; Besiroglu et al. 2024, "Chinchilla Scaling: A
// replication attempt", §2 and App. A). Objective:
//   min_θ Σ_i Huber_δ( LSE_k(t_k(θ, x_i)) - log L_i ),  δ = 1e-3,
// with coefficients as logs (A = e^a), minimised by L-BFGS from every point of a start
// grid (4,500 for Chinchilla), keeping the lowest objective. Analytic gradients; tight
// tolerances, since Besiroglu et al. trace Hoffmann's implausible intervals to an optimiser
// stopped early. Intervals: non-parametric bootstrap, each resample refitted from the
// point estimate (their §3), reported as percentiles.
#include "harness/analysis/scaling_laws.h"

#include "harness/analysis/fit_diagnostics.h"
#include "harness/analysis/huber_log_objective.h"

#include <algorithm>
#include <cmath>
#include <thread>

#include "harness/analysis/stats.h"
#include "harness/common/check.h"
#include "harness/common/parallel_for.h"
#include "harness/data/rng.h"

namespace tb {
namespace {

LbfgsResult minimize_from(const ScalingLaw& law, const LogPoints& p,
                          const std::vector<size_t>* sample, std::vector<double> start,
                          const FitOptions& options) {
  HuberLogObjective objective(law, p, sample, options.huber_delta);
  return minimize_lbfgs(
      [&](const std::vector<double>& theta, std::vector<double>& grad) {
        return objective(theta, &grad);
      },
      std::move(start), options.lbfgs);
}

}  // namespace

LogPoints to_log_points(const FitPoints& points, size_t variables) {
  LogPoints lp;
  lp.variables = variables;
  for (size_t i = 0; i < points.y.size(); ++i) {
    for (size_t v = 0; v < variables; ++v) lp.log_x.push_back(std::log(points.x[i][v]));
    lp.log_y.push_back(std::log(points.y[i]));
  }
  return lp;
}

double huber_log_objective(const ScalingLaw& law, const LogPoints& p,
                           const std::vector<size_t>* sample, const std::vector<double>& theta,
                           double delta, std::vector<double>* gradient) {
  return HuberLogObjective(law, p, sample, delta)(theta, gradient);
}

double log_residual_sum_of_squares(const ScalingLaw& law, const LogPoints& p,
                                   const std::vector<double>& theta) {
  double sq = 0;
  for (size_t i = 0; i < p.size(); ++i) {
    const double r = law.log_predict(&p.log_x[i * p.variables], theta) - p.log_y[i];
    sq += r * r;
  }
  return sq;
}

void set_bootstrap_interval(ParameterFit& parameter, std::vector<double> v) {
  double mean = 0, var = 0;
  for (double x : v) mean += x;
  mean /= double(v.size());
  for (double x : v) var += (x - mean) * (x - mean);
  parameter.stderr_value = v.size() > 1 ? std::sqrt(var / double(v.size() - 1)) : 0.0;
  std::sort(v.begin(), v.end());
  parameter.ci_low = percentile(v, 0.025);
  parameter.ci_high = percentile(v, 0.975);
}

void check_fit_points(const ScalingLaw& law, const FitPoints& points, const std::string& what) {
  auto where = [&](size_t i) {
    return what + " point " + (i < points.labels.size() ? points.labels[i] : std::to_string(i + 1));
  };
  if (points.x.size() != points.y.size()) throw UserError(what + ": x and y differ in length");
  for (size_t i = 0; i < points.y.size(); ++i) {
    if (points.x[i].size() != law.variables.size()) {
      throw UserError(where(i) + ": expected " + std::to_string(law.variables.size()) +
                      " variables");
    }
    for (size_t v = 0; v < law.variables.size(); ++v) {
      if (!(points.x[i][v] > 0) || !std::isfinite(points.x[i][v])) {
        throw UserError(where(i) + ": " + law.variables[v] + " = " +
                        std::to_string(points.x[i][v]) +
                        "; a power law needs positive finite values");
      }
    }
    if (!(points.y[i] > 0) || !std::isfinite(points.y[i])) {
      throw UserError(where(i) + ": y = " + std::to_string(points.y[i]) +
                      "; the fit is in log space and needs positive finite values");
    }
  }
}

double huber_log_objective(const ScalingLaw& law, const FitPoints& points,
                           const std::vector<double>& theta, double delta,
                           std::vector<double>* gradient) {
  return huber_log_objective(law, to_log_points(points, law.variables.size()), nullptr, theta,
                             delta, gradient);
}

std::vector<std::vector<double>> default_start_values(const ScalingLaw& law) {
  std::vector<std::vector<double>> grid;
  for (const auto& p : law.parameters) {
    if (!p.is_coefficient) {
      grid.push_back({0, 0.5, 1, 1.5, 2});
    } else if (p.is_constant_term) {
      grid.push_back({-1, -0.5, 0, 0.5, 1});
    } else {
      grid.push_back({0, 5, 10, 15, 20, 25});
    }
  }
  return grid;
}

FitPoints select_points(const FitPoints& points, const std::vector<size_t>& indices) {
  FitPoints out;
  for (size_t i : indices) {
    out.x.push_back(points.x[i]);
    out.y.push_back(points.y[i]);
    if (i < points.labels.size()) out.labels.push_back(points.labels[i]);
    if (i < points.groups.size()) out.groups.push_back(points.groups[i]);
  }
  return out;
}

std::vector<size_t> bootstrap_resample(size_t n, uint64_t seed, int64_t b) {
  // SplitMix64 streams seeded a fixed stride apart are shifted copies of each other; one
  // scrambling step first makes the streams of neighbouring b unrelated.
  Rng rng(Rng(seed * 0x632be59bd9b4e019ULL + uint64_t(b)).next());
  std::vector<size_t> sample(n);
  for (auto& i : sample) i = size_t(rng.below(n));
  return sample;
}

double predict(const ScalingLaw& law, const std::vector<double>& theta,
               const std::vector<double>& x) {
  std::vector<double> log_x(x.size());
  for (size_t v = 0; v < x.size(); ++v) log_x[v] = std::log(x[v]);
  return std::exp(law.log_predict(log_x.data(), theta));
}

LawFit fit_scaling_law(const ScalingLaw& law, const FitPoints& points, const FitOptions& options,
                       const FitPoints& held_out) {
  check_fit_points(law, points, "fitted");
  check_fit_points(law, held_out, "held-out");
  const size_t k = law.parameters.size();
  if (points.y.size() <= k) {
    throw UserError("the law has " + std::to_string(k) + " parameters but only " +
                    std::to_string(points.y.size()) +
                    " points to fit; a fit needs more points than parameters");
  }
  auto grid = default_start_values(law);
  for (const auto& [name, values] : options.start_values) {
    const int i = law.parameter_index(name);
    if (i < 0)
      throw UserError("start values for \"" + name + "\", which is not a parameter of " +
                      law.formula);
    if (values.empty()) throw UserError("no start values for \"" + name + "\"");
    grid[size_t(i)] = values;
  }
  int64_t starts = 1;
  for (const auto& g : grid) starts *= int64_t(g.size());
  const int threads =
      options.threads > 0 ? options.threads : std::max(1, int(std::thread::hardware_concurrency()));
  const LogPoints lp = to_log_points(points, law.variables.size());

  // Every start, in grid order (the last parameter varies fastest).
  std::vector<LbfgsResult> results(static_cast<size_t>(starts));
  parallel_for(starts, threads, [&](int64_t s) {
    std::vector<double> start(k);
    int64_t rest = s;
    for (size_t j = k; j-- > 0;) {
      start[j] = grid[j][size_t(rest % int64_t(grid[j].size()))];
      rest /= int64_t(grid[j].size());
    }
    results[size_t(s)] = minimize_from(law, lp, nullptr, std::move(start), options);
  });
  size_t best = 0;
  for (size_t s = 1; s < results.size(); ++s) {
    if (results[s].value < results[best].value) best = s;
  }
  TB_CHECK(std::isfinite(results[best].value), "every start of the fit diverged");

  LawFit fit;
  fit.formula = law.formula;
  fit.variables = law.variables;
  fit.theta = results[best].x;
  fit.objective = results[best].value;
  fit.points = int64_t(points.y.size());
  fit.starts = starts;
  fit.warnings = fit_warnings(law, points, options.bootstrap);
  fit.ols_log_slope = ols_log_slope(points);
  for (const auto& r : results) {
    if (r.value <= fit.objective + 1e-6 * std::abs(fit.objective)) ++fit.starts_at_best;
  }
  fit.log_rmse = std::sqrt(log_residual_sum_of_squares(law, lp, fit.theta) / double(lp.size()));
  const auto natural = law.natural_values(fit.theta);
  for (size_t j = 0; j < k; ++j)
    fit.parameters.push_back({law.parameters[j].name, natural[j], {}, {}, {}});
  // A term that is under kVanishedShare of L̂ at every point leaves its parameters
  // unidentified: the optimiser drove its coefficient toward 0 and its exponents are free.
  // d log L̂ / d c_k is term k's share of L̂ (c_k appears in no other term).
  constexpr double kVanishedShare = 1e-6;
  std::vector<bool> identified(k, false);
  std::vector<double> share(k);
  for (size_t i = 0; i < lp.size(); ++i) {
    std::fill(share.begin(), share.end(), 0.0);
    law.log_predict(&lp.log_x[i * lp.variables], fit.theta, share.data());
    for (const auto& term : law.terms) {
      if (share[size_t(term.coefficient)] < kVanishedShare) continue;
      identified[size_t(term.coefficient)] = true;
      for (const auto& f : term.factors) identified[size_t(f.exponent)] = true;
    }
  }
  for (size_t j = 0; j < k; ++j) fit.parameters[j].identified = identified[j];

  if (options.bootstrap > 0) {
    fit.bootstrap = options.bootstrap;
    std::vector<std::vector<double>> draws(static_cast<size_t>(options.bootstrap));
    parallel_for(options.bootstrap, threads, [&](int64_t b) {
      const auto sample = bootstrap_resample(lp.size(), options.seed, b);
      draws[size_t(b)] = law.natural_values(minimize_from(law, lp, &sample, fit.theta, options).x);
    });
    for (size_t j = 0; j < k; ++j) {
      if (!identified[j]) continue;  // an interval would only echo the start point
      std::vector<double> v;
      for (const auto& d : draws) v.push_back(d[j]);
      set_bootstrap_interval(fit.parameters[j], std::move(v));
    }
    fit.bootstrap_draws = std::move(draws);
  }

  if (!held_out.y.empty()) {
    double abs_err = 0, rel_err = 0;
    for (size_t i = 0; i < held_out.y.size(); ++i) {
      HeldOutPoint h;
      h.label = i < held_out.labels.size() ? held_out.labels[i] : std::to_string(i + 1);
      h.x = held_out.x[i];
      h.y = held_out.y[i];
      h.predicted = predict(law, fit.theta, h.x);
      abs_err += std::abs(h.predicted - h.y);
      rel_err += std::abs(h.predicted - h.y) / h.y;
      fit.held_out.push_back(h);
    }
    fit.held_out_abs_error = abs_err / double(held_out.y.size());
    fit.held_out_rel_error = rel_err / double(held_out.y.size());
  }
  return fit;
}

nlohmann::json LawFit::to_json() const {
  nlohmann::json params = nlohmann::json::array();
  for (const auto& p : parameters) {
    nlohmann::json j{{"name", p.name}, {"value", p.value}, {"identified", p.identified}};
    if (p.stderr_value) j["stderr"] = *p.stderr_value;
    if (p.ci_low) j["ci_low"] = *p.ci_low, j["ci_high"] = *p.ci_high;
    params.push_back(j);
  }
  nlohmann::json j{{"formula", formula},    {"variables", variables},
                   {"parameters", params},  {"objective", objective},
                   {"log_rmse", log_rmse},  {"points", points},
                   {"starts", starts},      {"starts_at_best", starts_at_best},
                   {"bootstrap", bootstrap}};
  if (!held_out.empty()) {
    nlohmann::json h = nlohmann::json::array();
    for (const auto& p : held_out) {
      h.push_back({{"label", p.label}, {"x", p.x}, {"y", p.y}, {"predicted", p.predicted}});
    }
    j["held_out"] = h;
    j["held_out_abs_error"] = *held_out_abs_error;
    j["held_out_rel_error"] = *held_out_rel_error;
  }
  if (!warnings.empty()) j["warnings"] = warnings;
  if (ols_log_slope) j["ols_log_slope"] = *ols_log_slope;
  return j;
}

}  // namespace tb
