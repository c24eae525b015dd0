#include "harness/spec/grid.h"

#include <algorithm>

#include "harness/common/check.h"
#include "harness/common/sha256.h"
#include "harness/train/training_options.h"
#include "methods/registry.h"

namespace tb {
namespace {

std::string short_value(const nlohmann::json& v) {
  if (v.is_array()) {
    std::string out;
    for (const auto& e : v) out += (out.empty() ? "" : ",") + short_value(e);
    return out;
  }
  if (v.is_string()) return v.get<std::string>();
  return v.dump();
}

// A list naming every allowed choice reads "all" (e.g. LoRA on every projection).
std::string variant_value(const nlohmann::json& v, const Schema& schema, const std::string& key) {
  const auto field = std::find_if(schema.begin(), schema.end(), [&](const Field& f) { return f.name == key; });
  if (field != schema.end() && field->type == FieldType::kStringList && !field->choices.empty() && v.is_array()) {
    const bool all = std::all_of(field->choices.begin(), field->choices.end(), [&](const std::string& c) {
      return std::find(v.begin(), v.end(), c) != v.end();
    });
    if (all) return "all";
  }
  return short_value(v);
}

}  // namespace

Schema method_entry_schema(const std::string& method) {
  const MethodInfo* info = find_method(method);
  TB_CHECK(info != nullptr, "method validated before expansion");
  Schema schema = info->hyperparameters;
  for (const Field& f : training_schema()) {
    if (f.sweepable) schema.push_back(f);
  }
  return schema;
}

std::vector<nlohmann::json> expand_sweeps(const nlohmann::json& entry, const Schema& schema) {
  std::vector<nlohmann::json> combos = {nlohmann::json::object()};
  for (const auto& [key, value] : entry.items()) {  // nlohmann objects iterate in key order
    const auto field = std::find_if(schema.begin(), schema.end(), [&](const Field& f) { return f.name == key; });
    const bool sweep = field != schema.end() && is_sweep(value, *field);
    std::vector<nlohmann::json> next;
    for (const auto& combo : combos) {
      if (!sweep) {
        next.push_back(combo);
        next.back()[key] = value;
        continue;
      }
      for (const auto& v : value) {
        next.push_back(combo);
        next.back()[key] = v;
      }
    }
    combos = std::move(next);
  }
  return combos;
}

std::string run_key(const nlohmann::json& config) { return sha256_hex(config.dump()).substr(0, 16); }

std::string base_model_key(const nlohmann::json& base_model) {
  return sha256_hex(base_model.dump()).substr(0, 16);
}

std::vector<RunConfig> expand_grid(const Spec& spec) {
  std::vector<RunConfig> runs;
  for (const auto& [entry, given] : spec.methods) {
    const std::string method = entry.at("method").get<std::string>();
    const MethodInfo* info = find_method(method);
    for (const auto& combo : expand_sweeps(entry, method_entry_schema(method))) {
      nlohmann::json method_section = {{"name", method}};
      nlohmann::json training = spec.training;
      std::string variant = method;
      for (const auto& [key, value] : combo.items()) {
        if (key == "method") continue;
        const bool is_hyperparameter = std::any_of(
            info->hyperparameters.begin(), info->hyperparameters.end(),
            [&](const Field& f) { return f.name == key; });
        (is_hyperparameter ? method_section : training)[key] = value;
      }
      // The variant names what the entry set explicitly, so rows read like the spec.
      const Schema entry_schema = method_entry_schema(method);
      for (const auto& key : given) variant += " " + key + "=" + variant_value(combo.at(key), entry_schema, key);
      for (int64_t seed : spec.seeds) {
        RunConfig run;
        run.method = method;
        run.variant = variant;
        run.seed = seed;
        run.config = {{"base_model", spec.base_model}, {"task", spec.task},
                      {"method", method_section},      {"training", training},
                      {"evaluation", spec.evaluation}, {"spectral", spec.spectral}, {"seed", seed}};
        run.key = run_key(run.config);
        runs.push_back(std::move(run));
      }
    }
  }
  return runs;
}

}  // namespace tb
