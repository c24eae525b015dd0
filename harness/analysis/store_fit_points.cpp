#include "harness/analysis/store_fit_points.h"

#include <algorithm>
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

double source_value(Store& store, const RunRecord& run, const std::vector<EvalRow>& evals,
                    const std::string& source) {
  if (source == "trainable_params") return double(run.trainable_params);
  if (source == "optimizer_state_bytes") return double(run.optimizer_state_bytes);
  if (source == "wall_seconds") return run.wall_seconds.value_or(NAN);
  const auto colon = source.find(':');
  const std::string kind = colon == std::string::npos ? source : source.substr(0, colon);
  const std::string name = colon == std::string::npos ? "" : source.substr(colon + 1);
  if (kind == "param") {
    std::string names;
    for (const auto& [param, value_json] : store.params(run.key)) {
      if (param == name) {
        const auto v = nlohmann::json::parse(value_json);
        if (!v.is_number())
          throw UserError(describe(run) + ": param " + name + " is " + value_json +
                          ", not a number");
        return v.get<double>();
      }
      names += (names.empty() ? "" : ", ") + param;
    }
    throw UserError(describe(run) + " has no param \"" + name + "\"; it has " + names);
  }
  if (kind == "eval") {
    std::string names;
    for (const auto& e : evals) {
      if (e.run_key != run.key) continue;
      const std::string full = e.suite + "/" + e.model + "/" + e.metric;
      if (full == name) return e.value;
      if (e.metric.find('@') == std::string::npos) names += (names.empty() ? "" : ", ") + full;
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
  for (const auto& [name, source] : x) {
    check_store_source(source);
    if (std::find(law.variables.begin(), law.variables.end(), name) == law.variables.end()) {
      throw UserError("--x " + name + "=...: the law " + law.formula + " has no variable \"" +
                      name + "\"");
    }
  }
  for (const auto& v : law.variables) {
    if (!x.count(v))
      throw UserError("the law " + law.formula + " needs --x " + v + "=SOURCE (" + kSources + ")");
  }
  const auto evals = store.evals(sweep);
  FitPoints points;
  for (const auto& run : store.runs(sweep)) {
    if (run.status != "done" || (!method.empty() && run.method != method)) continue;
    std::vector<double> xs;
    for (const auto& v : law.variables) xs.push_back(source_value(store, run, evals, x.at(v)));
    points.x.push_back(xs);
    points.y.push_back(source_value(store, run, evals, y));
    points.labels.push_back(run.key + " (" + run.variant + " seed=" + std::to_string(run.seed) +
                            ")");
  }
  if (points.y.empty()) {
    throw UserError("sweep \"" + sweep +
                    "\" has no finished runs to fit (see `tunebench runs --sweep " + sweep + "`)");
  }
  return points;
}

}  // namespace tb
