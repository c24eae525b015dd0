#include "harness/analysis/fit_request.h"

#include <algorithm>
#include <limits>

#include "harness/analysis/csv_fit_points.h"
#include "harness/analysis/store_fit_points.h"
#include "harness/common/check.h"

namespace tb {
namespace {

// The points whose `variable` is at its largest value move from `points` to the result.
FitPoints take_largest(FitPoints& points, size_t variable) {
  double largest = -std::numeric_limits<double>::infinity();
  for (const auto& p : points.x) largest = std::max(largest, p[variable]);
  std::vector<size_t> kept, held;
  for (size_t i = 0; i < points.y.size(); ++i) (points.x[i][variable] == largest ? held : kept).push_back(i);
  FitPoints held_points = select_points(points, held);
  points = select_points(points, kept);
  return held_points;
}

// The parameters a joint fit shares: those asked for, or every exponent of the law.
std::vector<std::string> shared_parameters(const FitRequest& r, const ScalingLaw& law) {
  return r.shared.empty() ? law_exponents(law) : r.shared;
}

void check_grouping(const FitRequest& r, const ScalingLaw& law) {
  if (r.by.empty()) {
    if (!r.shared.empty()) throw UserError("shared parameters need groups to share them across (by)");
    return;
  }
  if (!r.sweep.empty() && r.by != "method")
    throw UserError("a sweep's points are grouped by \"method\", not \"" + r.by + "\"");
  if (!r.method.empty()) throw UserError("a joint fit by method takes every method's runs; drop the method filter");
  if (!r.holdout_largest.empty())
    throw UserError("a joint fit does not hold out points yet; fit each group on its own for extrapolation errors");
  const auto shared = shared_parameters(r, law);
  if (shared.empty()) throw UserError(law.formula + " has no exponent to share; name the shared parameters");
  for (const auto& name : shared) {
    if (law.parameter_index(name) < 0)
      throw UserError("cannot share \"" + name + "\": not a parameter of " + law.formula);
  }
}

// The record's "points": each fitted point with the law's prediction (and its group; the
// points of a group the joint fit left out are not among them).
nlohmann::json fitted_points(const ScalingLaw& law, const FitPoints& all, const FitOutcome& outcome) {
  std::vector<size_t> fitted_indices;
  for (size_t i = 0; i < all.y.size(); ++i) {
    if (!outcome.joint || std::find(outcome.joint->groups.begin(), outcome.joint->groups.end(),
                                    all.groups[i]) != outcome.joint->groups.end())
      fitted_indices.push_back(i);
  }
  const FitPoints points = select_points(all, fitted_indices);
  nlohmann::json fitted = {{"x", points.x}, {"y", points.y}, {"labels", points.labels}};
  fitted["predicted"] = nlohmann::json::array();
  for (size_t i = 0; i < points.y.size(); ++i) {
    fitted["predicted"].push_back(outcome.joint ? outcome.joint->predict_shared(law, points.groups[i], points.x[i])
                                                : predict(law, outcome.fit.theta, points.x[i]));
  }
  if (outcome.joint) fitted["groups"] = points.groups;
  return fitted;
}

}  // namespace

FitRequest spec_fit_request(const nlohmann::json& fit, const std::string& sweep) {
  FitRequest request;
  request.law = fit.at("law").get<std::string>();
  request.sweep = sweep;
  request.method = fit.at("method").get<std::string>();
  request.x = fit.at("x").get<std::map<std::string, std::string>>();
  request.y = fit.at("y").get<std::string>();
  request.holdout_largest = fit.at("holdout_largest").get<std::string>();
  request.by = fit.at("by").get<std::string>();
  request.shared = fit.at("shared").get<std::vector<std::string>>();
  return request;
}

void check_fit_request(const FitRequest& r) {
  if (r.law.empty()) throw UserError("no law given (a name such as chinchilla, or a formula)");
  if (r.data.empty() == r.sweep.empty())
    throw UserError("give exactly one source of points: a CSV file or a sweep");
  if (!r.method.empty() && r.sweep.empty())
    throw UserError("a method selects runs of a sweep, not rows of a CSV file");
  if (r.y.empty()) throw UserError("no y given: the quantity the law predicts");
  const ScalingLaw law = scaling_law(r.law);
  check_variable_sources(law, r.x);
  if (!r.sweep.empty()) {
    for (const auto& [var, source] : r.x) check_store_source(source);
    check_store_source(r.y);
  }
  if (!r.holdout_largest.empty() && std::find(law.variables.begin(), law.variables.end(),
                                              r.holdout_largest) == law.variables.end()) {
    throw UserError("cannot hold out the largest \"" + r.holdout_largest +
                    "\": not a variable of " + law.formula);
  }
  if (r.drop_highest < 0) throw UserError("the number of points to drop must be >= 0");
  check_grouping(r, law);
}

FitOutcome run_fit_request(const FitRequest& r, const FitOptions& options, Store* store) {
  check_fit_request(r);
  const ScalingLaw law = scaling_law(r.law);
  FitPoints points;
  if (!r.sweep.empty()) {
    TB_CHECK(store != nullptr, "a sweep fit needs the store");
    points = store_fit_points(*store, r.sweep, law, r.x, r.y, r.method);
  } else {
    points = csv_fit_points(CsvTable::read(r.data), law, r.x, r.y, r.by);
  }
  drop_highest(points, size_t(r.drop_highest));
  FitPoints held_out;
  if (!r.holdout_largest.empty()) {
    const size_t v =
        size_t(std::find(law.variables.begin(), law.variables.end(), r.holdout_largest) -
               law.variables.begin());
    held_out = take_largest(points, v);
  }
  FitOutcome outcome;
  if (r.by.empty()) {
    outcome.fit = fit_scaling_law(law, points, options, held_out);
  } else {
    outcome.joint = fit_jointly(law, points, shared_parameters(r, law), options);
    outcome.fit = outcome.joint->shared_fit;
  }
  outcome.source = r.sweep.empty()
                       ? "csv:" + r.data
                       : "sweep:" + r.sweep + (r.method.empty() ? "" : " method=" + r.method);
  if (!r.by.empty()) outcome.source += " by=" + r.by;
  outcome.record = {{"law", r.law},
                    {"source", outcome.source},
                    {"x", r.x},
                    {"y", r.y},
                    {"holdout_largest", r.holdout_largest},
                    {"drop_highest", r.drop_highest},
                    {"huber_delta", options.huber_delta},
                    {"bootstrap_seed", options.seed},
                    {"fit", outcome.fit.to_json()}};
  if (outcome.joint) {
    outcome.record["by"] = r.by;
    outcome.record["joint"] = outcome.joint->to_json();
  }
  // The fitted points with the law's prediction at each, so reports can plot data and fit.
  outcome.record["points"] = fitted_points(law, points, outcome);
  return outcome;
}

}  // namespace tb
