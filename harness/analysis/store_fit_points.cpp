#include "harness/analysis/store_fit_points.h"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>

#include "harness/common/check.h"
#include "harness/store/store.h"

namespace tb {
namespace {

const char* kSources =
    "trainable_params, optimizer_state_bytes, wall_seconds, param:NAME (param:step: per evaluation during "
    "training), "
    "eval:SUITE/MODEL/METRIC or metric:NAME";

std::string describe(const RunRecord& run) {
  return "run " + run.key + " (" + run.variant + " seed=" + std::to_string(run.seed) + ")";
}

// Everything a run's sources can name, read once per run.
struct RunValues {
  const RunRecord* run = nullptr;
  std::map<std::string, std::string> params;  // name -> JSON text
  std::map<std::string, double> evals;        // "suite/model/metric" -> value
};

double source_value(Store& store, const RunValues& values, const std::string& source) {
  const RunRecord& run = *values.run;
  if (source == "trainable_params") return double(run.trainable_params);
  if (source == "optimizer_state_bytes") return double(run.optimizer_state_bytes);
  if (source == "wall_seconds") return run.wall_seconds.value_or(NAN);
  const auto colon = source.find(':');
  const std::string kind = colon == std::string::npos ? source : source.substr(0, colon);
  const std::string name = colon == std::string::npos ? "" : source.substr(colon + 1);
  if (kind == "param") {
    const auto it = values.params.find(name);
    if (it == values.params.end()) {
      std::string names;
      for (const auto& [param, value] : values.params) names += (names.empty() ? "" : ", ") + param;
      throw UserError(describe(run) + " has no param \"" + name + "\"; it has " + names);
    }
    const auto v = nlohmann::json::parse(it->second);
    if (!v.is_number()) throw UserError(describe(run) + ": param " + name + " is " + it->second + ", not a number");
    return v.get<double>();
  }
  if (kind == "eval") {
    const auto it = values.evals.find(name);
    if (it != values.evals.end()) return it->second;
    std::string names;
    for (const auto& [full, value] : values.evals) {
      if (full.find('@') == std::string::npos) names += (names.empty() ? "" : ", ") + full;
    }
    throw UserError(describe(run) + " has no eval \"" + name + "\"; it has " + names);
  }
  if (kind == "metric") {
    if (const auto v = store.final_metric(run.key, name)) return *v;
    throw UserError(describe(run) + " has no per-step metric \"" + name + "\"");
  }
  throw UserError("unknown source \"" + source + "\"; expected " + kSources);
}

}  // namespace

void check_store_source(const std::string& source) {
  if (source == "trainable_params" || source == "optimizer_state_bytes" || source == "wall_seconds")
    return;
  const auto colon = source.find(':');
  const std::string kind = colon == std::string::npos ? "" : source.substr(0, colon);
  const std::string name = colon == std::string::npos ? "" : source.substr(colon + 1);
  const bool known = kind == "param" || kind == "metric" || kind == "eval";
  const bool eval_shape = kind != "eval" || std::count(name.begin(), name.end(), '/') >= 2;
  if (!known || name.empty() || !eval_shape) {
    throw UserError("unknown source \"" + source + "\"; expected " + kSources);
  }
}

namespace {

const char* kStepSource = "param:step";

// Each run's evaluations by key: the final ones (step 0), or, when the fit reads
// param:step, those taken during training, by step.
std::map<std::string, std::map<int64_t, std::map<std::string, double>>> evals_by_run(Store& store, const std::string& sweep,
                                                                               bool by_step) {
  std::map<std::string, std::map<int64_t, std::map<std::string, double>>> out;
  auto add = [&](const std::vector<EvalRow>& rows, int64_t step) {
    for (const auto& e : rows) out[e.run_key][step][e.suite + "/" + e.model + "/" + e.metric] = e.value;
  };
  if (!by_step) {
    add(store.evals(sweep), 0);
    return out;
  }
  for (const int64_t step : store.evaluation_steps(RunFilter{sweep, {}})) add(store.evals(RunFilter{sweep, {}, step}), step);
  return out;
}

}  // namespace

FitPoints store_fit_points(Store& store, const std::string& sweep, const ScalingLaw& law,
                           const std::map<std::string, std::string>& x, const std::string& y,
                           const std::string& method) {
  check_variable_sources(law, x);
  for (const auto& [name, source] : x) check_store_source(source);
  check_store_source(y);
  const bool by_step = std::any_of(x.begin(), x.end(), [](const auto& v) { return v.second == kStepSource; });
  auto evals = evals_by_run(store, sweep, by_step);
  FitPoints points;
  const auto runs = store.runs(sweep);
  for (const auto& run : runs) {
    if (run.status != "done" || (!method.empty() && run.method != method)) continue;
    RunValues values;
    values.run = &run;
    for (auto& [name, value_json] : store.params(run.key)) values.params[name] = value_json;
    if (!by_step) evals[run.key][0];  // a point even for a run without evaluations
    for (auto& [step, at_step] : evals[run.key]) {
      values.evals = std::move(at_step);
      if (by_step) values.params["step"] = std::to_string(step);
      std::vector<double> xs;
      for (const auto& v : law.variables) xs.push_back(source_value(store, values, x.at(v)));
      points.x.push_back(xs);
      points.y.push_back(source_value(store, values, y));
      points.labels.push_back(run.key + " (" + run.variant + " seed=" + std::to_string(run.seed) +
                              (by_step ? " step=" + std::to_string(step) : "") + ")");
      points.groups.push_back(run.method);
    }
  }
  if (points.y.empty()) {
    throw UserError("sweep \"" + sweep + "\" has no finished runs" + (method.empty() ? "" : " of method " + method) +
                    (by_step ? " evaluated during training (evaluation.every)" : "") +
                    " to fit (see `tunebench runs --sweep " + sweep + "`)");
  }
  return points;
}

}  // namespace tb
