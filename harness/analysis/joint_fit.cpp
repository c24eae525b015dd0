// Joint scaling-law fits across groups; see joint_fit.h for the models and the tests.
#include "harness/analysis/joint_fit.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <thread>

#include "harness/analysis/f_distribution.h"
#include "harness/analysis/huber_log_objective.h"
#include "harness/analysis/stats.h"
#include "harness/common/check.h"
#include "harness/common/parallel_for.h"
#include "harness/common/strings.h"

namespace tb {
namespace {

// Each group's bootstrap draws from its own stream: groups of equal size must not resample
// the same indices, or their draws would be correlated.
constexpr uint64_t kGroupSeedStride = 0x9E3779B97F4A7C15ULL;

struct Groups {
  std::vector<std::string> names;  // in order of first appearance
  std::vector<FitPoints> points;
};

Groups split_groups(const FitPoints& points) {
  TB_CHECK(points.groups.size() == points.y.size(), "every point of a joint fit needs a group");
  Groups out;
  std::vector<std::vector<size_t>> members;
  for (size_t i = 0; i < points.y.size(); ++i) {
    const size_t g =
        size_t(std::find(out.names.begin(), out.names.end(), points.groups[i]) - out.names.begin());
    if (g == out.names.size()) {
      out.names.push_back(points.groups[i]);
      members.emplace_back();
    }
    members[g].push_back(i);
  }
  for (const auto& m : members) out.points.push_back(select_points(points, m));
  return out;
}

// The groups with more points than the law has parameters (a warning for each other one);
// UserError unless at least 2 remain.
Groups fittable_groups(const Groups& all, const ScalingLaw& law,
                       std::vector<std::string>& warnings) {
  const size_t k = law.parameters.size();
  Groups kept;
  std::string counts;
  for (size_t g = 0; g < all.names.size(); ++g) {
    const size_t n = all.points[g].y.size();
    counts += (counts.empty() ? "" : ", ") + ("\"" + all.names[g] + "\" has ") + std::to_string(n);
    if (n > k) {
      kept.names.push_back(all.names[g]);
      kept.points.push_back(all.points[g]);
    } else {
      warnings.push_back("group \"" + all.names[g] + "\" left out: " + std::to_string(n) +
                         " points for the law's " + std::to_string(k) + " parameters");
    }
  }
  if (kept.names.size() < 2) {
    throw UserError("a joint fit needs at least 2 groups with more points than the law's " +
                    std::to_string(k) + " parameters; " +
                    (counts.empty() ? "there are no points" : counts));
  }
  return kept;
}

// Where each group's law parameters sit in the shared model's parameter vector: the shared
// parameters once, first; then each group's own ("A[lora]").
struct JointLayout {
  std::vector<std::vector<size_t>> index;  // [group][law parameter]
  std::vector<std::string> names;
  std::vector<size_t> law_parameter;  // [joint parameter] -> law parameter
  std::vector<int> group;             // [joint parameter] -> its group, -1 when shared

  void add(const std::string& name, size_t j, int g) {
    names.push_back(name);
    law_parameter.push_back(j);
    group.push_back(g);
  }
  // The joint parameters in natural units (coefficients are fitted as logs).
  std::vector<double> natural(const ScalingLaw& law, const std::vector<double>& theta) const {
    std::vector<double> out;
    for (size_t i = 0; i < theta.size(); ++i)
      out.push_back(law.parameters[law_parameter[i]].is_coefficient ? std::exp(theta[i])
                                                                    : theta[i]);
    return out;
  }
};

JointLayout joint_layout(const ScalingLaw& law, const std::vector<std::string>& groups,
                         const std::vector<bool>& is_shared) {
  JointLayout layout;
  layout.index.assign(groups.size(), std::vector<size_t>(law.parameters.size()));
  for (size_t j = 0; j < law.parameters.size(); ++j) {
    if (!is_shared[j]) continue;
    for (auto& group : layout.index) group[j] = layout.names.size();
    layout.add(law.parameters[j].name, j, -1);
  }
  for (size_t g = 0; g < groups.size(); ++g) {
    for (size_t j = 0; j < law.parameters.size(); ++j) {
      if (is_shared[j]) continue;
      layout.index[g][j] = layout.names.size();
      layout.add(law.parameters[j].name + "[" + groups[g] + "]", j, int(g));
    }
  }
  return layout;
}

std::vector<double> group_theta(const JointLayout& layout, size_t g,
                                const std::vector<double>& theta) {
  std::vector<double> out;
  for (size_t i : layout.index[g]) out.push_back(theta[i]);
  return out;
}

// One objective per group over its points at `samples` (one per group, or null for every
// point), built once per minimisation: each keeps its points laid out for evaluation.
std::vector<HuberLogObjective> group_objectives(const ScalingLaw& law,
                                                const std::vector<LogPoints>& points,
                                                const std::vector<std::vector<size_t>>* samples,
                                                double delta) {
  std::vector<HuberLogObjective> objectives;
  for (size_t g = 0; g < points.size(); ++g)
    objectives.emplace_back(law, points[g], samples ? &(*samples)[g] : nullptr, delta);
  return objectives;
}

// Σ over groups of each group's objective at its slice of `theta`.
double joint_objective(const ScalingLaw& law, const JointLayout& layout,
                       std::vector<HuberLogObjective>& objectives,
                       const std::vector<double>& theta, std::vector<double>* gradient) {
  double total = 0;
  std::vector<double> group_gradient;
  for (size_t g = 0; g < objectives.size(); ++g) {
    group_gradient.assign(law.parameters.size(), 0.0);
    total += objectives[g](group_theta(layout, g, theta), gradient ? &group_gradient : nullptr);
    if (gradient == nullptr) continue;
    for (size_t j = 0; j < law.parameters.size(); ++j)
      (*gradient)[layout.index[g][j]] += group_gradient[j];
  }
  return total;
}

LbfgsResult minimize_joint(const ScalingLaw& law, const JointLayout& layout,
                           const std::vector<LogPoints>& points,
                           const std::vector<std::vector<size_t>>* samples,
                           std::vector<double> start, double delta, const LbfgsOptions& lbfgs) {
  auto objectives = group_objectives(law, points, samples, delta);
  return minimize_lbfgs(
      [&](const std::vector<double>& theta, std::vector<double>& grad) {
        return joint_objective(law, layout, objectives, theta, &grad);
      },
      std::move(start), lbfgs);
}

// Starts of the shared model from the separate fits: each shared parameter at every group's
// estimate and at their mean (all combinations), the others at their own group's estimate.
std::vector<std::vector<double>> shared_starts(const ScalingLaw& law, const JointLayout& layout,
                                               const std::vector<bool>& is_shared,
                                               const std::vector<GroupFit>& separate) {
  std::vector<double> base(layout.names.size());
  std::vector<std::pair<size_t, std::vector<double>>> choices;  // joint index -> candidates
  for (size_t j = 0; j < law.parameters.size(); ++j) {
    std::vector<double> values;
    for (size_t g = 0; g < separate.size(); ++g) {
      base[layout.index[g][j]] = separate[g].fit.theta[j];
      values.push_back(separate[g].fit.theta[j]);
    }
    if (!is_shared[j]) continue;
    double mean = 0;
    for (double v : values) mean += v / double(values.size());
    values.push_back(mean);
    choices.emplace_back(layout.index[0][j], values);
  }
  std::vector<std::vector<double>> starts = {base};
  for (const auto& [index, values] : choices) {
    std::vector<std::vector<double>> next;
    for (const auto& s : starts) {
      for (double v : values) {
        next.push_back(s);
        next.back()[index] = v;
      }
    }
    starts = std::move(next);
  }
  return starts;
}

std::vector<bool> shared_mask(const ScalingLaw& law, const std::vector<std::string>& shared) {
  if (shared.empty()) throw UserError("a joint fit needs at least one shared parameter");
  std::vector<bool> mask(law.parameters.size(), false);
  for (const auto& name : shared) {
    const int j = law.parameter_index(name);
    if (j < 0) {
      std::vector<std::string> names;
      for (const auto& p : law.parameters) names.push_back(p.name);
      throw UserError("cannot share \"" + name + "\": not a parameter of " + law.formula +
                      " (its parameters: " + joined(names) + ")");
    }
    mask[size_t(j)] = true;
  }
  return mask;
}

int threads_of(const FitOptions& options) {
  return options.threads > 0 ? options.threads
                             : std::max(1, int(std::thread::hardware_concurrency()));
}

// Whether the separate fits identify joint parameter i: its group's fit for a per-group
// parameter, any group's for a shared one (a term that vanishes in every group's own fit
// leaves its parameters free in the joint fit too).
bool identified_in_separate_fits(const JointLayout& layout, size_t i,
                                 const std::vector<GroupFit>& separate) {
  const size_t j = layout.law_parameter[i];
  if (layout.group[i] >= 0) return separate[size_t(layout.group[i])].fit.parameters[j].identified;
  return std::any_of(separate.begin(), separate.end(),
                     [&](const GroupFit& g) { return g.fit.parameters[j].identified; });
}

// Bootstrap of the shared model: each resample draws every group's points with replacement
// within the group (a stratified bootstrap), refitted from the estimate.
void bootstrap_shared_model(const ScalingLaw& law, const JointLayout& layout,
                            const std::vector<LogPoints>& points, const FitOptions& options,
                            LawFit& fit) {
  std::vector<std::vector<double>> draws(size_t(options.bootstrap));
  parallel_for(options.bootstrap, threads_of(options), [&](int64_t b) {
    std::vector<std::vector<size_t>> samples;
    for (size_t g = 0; g < points.size(); ++g)
      samples.push_back(
          bootstrap_resample(points[g].size(), options.seed + kGroupSeedStride * g, b));
    draws[size_t(b)] = layout.natural(law, minimize_joint(law, layout, points, &samples, fit.theta,
                                                          options.huber_delta, options.lbfgs)
                                               .x);
  });
  for (size_t i = 0; i < fit.parameters.size(); ++i) {
    if (!fit.parameters[i].identified) continue;  // an interval would only echo the start
    std::vector<double> v;
    for (const auto& d : draws) v.push_back(d[i]);
    set_bootstrap_interval(fit.parameters[i], std::move(v));
  }
  fit.bootstrap = options.bootstrap;
}

// The shared model: fitted from every start, bootstrapped by resampling within groups.
LawFit fit_shared_model(const ScalingLaw& law, const JointLayout& layout,
                        const std::vector<bool>& is_shared, const std::vector<LogPoints>& points,
                        const std::vector<GroupFit>& separate, const FitOptions& options) {
  const auto starts = shared_starts(law, layout, is_shared, separate);
  LawFit fit;
  fit.formula = law.formula;
  fit.variables = law.variables;
  fit.starts = int64_t(starts.size());
  fit.objective = std::numeric_limits<double>::infinity();
  std::vector<double> values;
  for (const auto& start : starts) {
    const auto r =
        minimize_joint(law, layout, points, nullptr, start, options.huber_delta, options.lbfgs);
    values.push_back(r.value);
    if (r.value < fit.objective) fit.objective = r.value, fit.theta = r.x;
  }
  TB_CHECK(std::isfinite(fit.objective), "every start of the shared fit diverged");
  for (double v : values) fit.starts_at_best += v <= fit.objective + 1e-6 * std::abs(fit.objective);
  double rss = 0;
  for (size_t g = 0; g < points.size(); ++g) {
    rss += log_residual_sum_of_squares(law, points[g], group_theta(layout, g, fit.theta));
    fit.points += int64_t(points[g].size());
  }
  fit.log_rmse = std::sqrt(rss / double(fit.points));
  const auto natural = layout.natural(law, fit.theta);
  for (size_t i = 0; i < layout.names.size(); ++i) {
    fit.parameters.push_back({layout.names[i], natural[i], {}, {}, {}});
    fit.parameters.back().identified = identified_in_separate_fits(layout, i, separate);
  }
  if (options.bootstrap > 0) bootstrap_shared_model(law, layout, points, options, fit);
  return fit;
}

// The least-squares objective (half the residual sum of squares in log space), minimised
// from `start`: the fits the F test compares. Returns the RSS.
double least_squares_rss(const ScalingLaw& law, const JointLayout& layout,
                         const std::vector<LogPoints>& points, const std::vector<double>& start,
                         const LbfgsOptions& lbfgs) {
  constexpr double kNoHuberKink = std::numeric_limits<double>::infinity();
  const auto r = minimize_joint(law, layout, points, nullptr, start, kNoHuberKink, lbfgs);
  auto objectives = group_objectives(law, points, nullptr, kNoHuberKink);
  return 2 * std::min(r.value, joint_objective(law, layout, objectives, start, nullptr));
}

// Group g's value of law parameter j minus group 0's, with the bootstrap's interval and
// two-sided p-value when both groups were bootstrapped and identify the parameter.
ParameterDifference difference_from_first(const std::vector<GroupFit>& separate, size_t g,
                                          size_t j) {
  const LawFit& a = separate[0].fit;
  const LawFit& b = separate[g].fit;
  ParameterDifference d{a.parameters[j].name,
                        separate[g].group,
                        separate[0].group,
                        b.parameters[j].value - a.parameters[j].value,
                        {},
                        {},
                        {}};
  if (a.bootstrap_draws.empty() || b.bootstrap_draws.empty() || !a.parameters[j].identified ||
      !b.parameters[j].identified)
    return d;
  std::vector<double> draws;
  double at_most_zero = 0, at_least_zero = 0;
  for (size_t r = 0; r < std::min(a.bootstrap_draws.size(), b.bootstrap_draws.size()); ++r) {
    draws.push_back(b.bootstrap_draws[r][j] - a.bootstrap_draws[r][j]);
    at_most_zero += draws.back() <= 0;
    at_least_zero += draws.back() >= 0;
  }
  const double n = double(draws.size());
  d.p_value = std::min(1.0, 2 * std::min(at_most_zero, at_least_zero) / n);
  std::sort(draws.begin(), draws.end());
  d.ci_low = percentile(draws, 0.025);
  d.ci_high = percentile(draws, 0.975);
  return d;
}

// The F test of the shared model against the separate one (joint_fit.h).
void test_shared_parameters(const ScalingLaw& law, const std::vector<bool>& is_shared,
                            const std::vector<LogPoints>& points, const FitOptions& options,
                            JointLawFit& out) {
  const size_t groups = points.size(), k = law.parameters.size();
  const JointLayout separate_layout = joint_layout(law, out.groups, std::vector<bool>(k, false));
  std::vector<double> separate_start(separate_layout.names.size());
  int64_t n = 0;
  for (size_t g = 0; g < groups; ++g) {
    for (size_t j = 0; j < k; ++j)
      separate_start[separate_layout.index[g][j]] = out.separate[g].fit.theta[j];
    n += int64_t(points[g].size());
  }
  const JointLayout shared_layout = joint_layout(law, out.groups, is_shared);
  out.separate_rss = least_squares_rss(law, separate_layout, points, separate_start, options.lbfgs);
  out.shared_rss =
      least_squares_rss(law, shared_layout, points, out.shared_fit.theta, options.lbfgs);
  out.restrictions =
      int64_t((groups - 1) * size_t(std::count(is_shared.begin(), is_shared.end(), true)));
  out.residual_df = n - int64_t(groups * k);
  TB_CHECK(out.residual_df > 0, "every group has more points than the law's parameters");
  const double extra = std::max(0.0, out.shared_rss - out.separate_rss) / double(out.restrictions);
  const double scale = out.separate_rss / double(out.residual_df);
  out.f_statistic =
      scale > 0 ? extra / scale : (extra > 0 ? std::numeric_limits<double>::infinity() : 0.0);
  out.p_value =
      f_distribution_sf(*out.f_statistic, double(out.restrictions), double(out.residual_df));
}

}  // namespace

std::vector<std::string> law_exponents(const ScalingLaw& law) {
  std::vector<std::string> out;
  for (const auto& p : law.parameters)
    if (!p.is_coefficient) out.push_back(p.name);
  return out;
}

JointLawFit fit_jointly(const ScalingLaw& law, const FitPoints& points,
                        const std::vector<std::string>& shared, const FitOptions& options) {
  const std::vector<bool> is_shared = shared_mask(law, shared);
  check_fit_points(law, points, "fitted");
  JointLawFit out;
  const Groups groups = fittable_groups(split_groups(points), law, out.warnings);
  out.formula = law.formula;
  out.groups = groups.names;
  for (size_t j = 0; j < law.parameters.size(); ++j)
    if (is_shared[j]) out.shared.push_back(law.parameters[j].name);
  std::vector<LogPoints> log_points;
  for (size_t g = 0; g < groups.names.size(); ++g) {
    FitOptions group_options = options;
    group_options.seed = options.seed + kGroupSeedStride * g;
    try {
      out.separate.push_back(
          {groups.names[g], fit_scaling_law(law, groups.points[g], group_options)});
    } catch (const UserError& e) {
      throw UserError("group \"" + groups.names[g] + "\": " + e.what());
    }
    log_points.push_back(to_log_points(groups.points[g], law.variables.size()));
  }
  const JointLayout layout = joint_layout(law, out.groups, is_shared);
  out.shared_fit = fit_shared_model(law, layout, is_shared, log_points, out.separate, options);
  for (size_t g = 0; g < groups.names.size(); ++g)
    out.shared_theta.push_back(group_theta(layout, g, out.shared_fit.theta));
  test_shared_parameters(law, is_shared, log_points, options, out);
  for (size_t j = 0; j < law.parameters.size(); ++j) {
    if (!is_shared[j]) continue;
    for (size_t g = 1; g < groups.names.size(); ++g)
      out.differences.push_back(difference_from_first(out.separate, g, j));
  }
  return out;
}

double JointLawFit::predict_shared(const ScalingLaw& law, const std::string& group,
                                   const std::vector<double>& x) const {
  const auto it = std::find(groups.begin(), groups.end(), group);
  TB_CHECK(it != groups.end(), "no group " + group + " in the joint fit");
  return predict(law, shared_theta[size_t(it - groups.begin())], x);
}

nlohmann::json JointLawFit::to_json() const {
  nlohmann::json j{{"formula", formula},
                   {"groups", groups},
                   {"shared", shared},
                   {"shared_fit", shared_fit.to_json()},
                   {"separate_rss", separate_rss},
                   {"shared_rss", shared_rss},
                   {"restrictions", restrictions},
                   {"residual_df", residual_df}};
  j["separate"] = nlohmann::json::array();
  for (const auto& g : separate)
    j["separate"].push_back({{"group", g.group}, {"fit", g.fit.to_json()}});
  if (f_statistic) {
    // JSON has no infinity: F is infinite only when the separate fits are exact.
    j["f_statistic"] =
        std::isfinite(*f_statistic) ? nlohmann::json(*f_statistic) : nlohmann::json("inf");
    j["p_value"] = *p_value;
  }
  j["differences"] = nlohmann::json::array();
  for (const auto& d : differences) {
    nlohmann::json e{{"parameter", d.parameter},
                     {"group", d.group},
                     {"reference", d.reference},
                     {"value", d.value}};
    if (d.ci_low) e["ci_low"] = *d.ci_low, e["ci_high"] = *d.ci_high, e["p_value"] = *d.p_value;
    j["differences"].push_back(e);
  }
  if (!warnings.empty()) j["warnings"] = warnings;
  return j;
}

}  // namespace tb
