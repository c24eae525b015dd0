#include "harness/analysis/store_fit_points.h"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>

#include "harness/common/check.h"
#include "harness/store/store.h"

namespace tb {
namespace {

const char* kSources =
    "trainable_params, optimizer_state_bytes, wall_seconds, param:NAME, "
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

FitPoints store_fit_points(Store& store, const std::string& sweep, const ScalingLaw& law,
                           const std::map<std::string, std::string>& x, const std::string& y,
                           const std::string& method) {
  check_variable_sources(law, x);
  for (const auto& [name, source] : x) check_store_source(source);
  check_store_source(y);
  std::map<std::string, RunValues> by_run;
  for (const auto& e : store.evals(sweep)) by_run[e.run_key].evals[e.suite + "/" + e.model + "/" + e.metric] = e.value;
  FitPoints points;
  const auto runs = store.runs(sweep);
  for (const auto& run : runs) {
    if (run.status != "done" || (!method.empty() && run.method != method)) continue;
    RunValues& values = by_run[run.key];
    values.run = &run;
    for (auto& [name, value_json] : store.params(run.key)) values.params[name] = value_json;
    std::vector<double> xs;
    for (const auto& v : law.variables) xs.push_back(source_value(store, values, x.at(v)));
    points.x.push_back(xs);
    points.y.push_back(source_value(store, values, y));
    points.labels.push_back(run.key + " (" + run.variant + " seed=" + std::to_string(run.seed) + ")");
    points.groups.push_back(run.method);
  }
  if (points.y.empty()) {
    throw UserError("sweep \"" + sweep + "\" has no finished runs" + (method.empty() ? "" : " of method " + method) +
                    " to fit (see `tunebench runs --sweep " + sweep + "`)");
  }
  return points;
}

}  // namespace tb
