#include "harness/spec/grid.h"

#include <algorithm>
#include <unordered_set>

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
    if (f.sweepable && !info->posthoc()) schema.push_back(f);
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
  std::vector<std::vector<size_t>> runs_of_entry(spec.methods.size());  // indices into `runs`
  auto entry_label = [&](size_t j) {
    return spec.methods[j].id.empty() ? spec.methods[j].values.at("method").get<std::string>() : spec.methods[j].id;
  };
  for (bool posthoc : {false, true}) {
    for (size_t e = 0; e < spec.methods.size(); ++e) {
      const auto& [entry, given, id, of] = spec.methods[e];
      const std::string method = entry.at("method").get<std::string>();
      const MethodInfo* info = find_method(method);
      if (info->posthoc() != posthoc) continue;
      const Schema entry_schema = method_entry_schema(method);
      for (const auto& combo : expand_sweeps(entry, entry_schema)) {
        nlohmann::json method_section = {{"name", method}};
        if (info->revision > 0) method_section["revision"] = info->revision;
        nlohmann::json training = spec.training;
        std::string variant = method;
        for (const auto& [key, value] : combo.items()) {
          if (key == "method") continue;
          const bool is_hyperparameter = std::any_of(
              info->hyperparameters.begin(), info->hyperparameters.end(),
              [&](const Field& f) { return f.name == key; });
          (is_hyperparameter ? method_section : training)[key] = value;
        }
        for (const std::string& key : training_keys_omitted_at_default()) {
          const auto field = std::find_if(training_schema().begin(), training_schema().end(),
                                          [&](const Field& f) { return f.name == key; });
          if (training.contains(key) && training.at(key) == field->default_value) training.erase(key);
        }
        // The variant names what the entry set explicitly, so rows read like the spec.
        for (const auto& key : given) variant += " " + key + "=" + variant_value(combo.at(key), entry_schema, key);
        auto add = [&](int64_t seed, const std::vector<const RunConfig*>& parents, const std::string& of_label) {
          RunConfig run;
          run.method = method;
          run.variant = of_label.empty() ? variant : variant + " of " + of_label;
          run.seed = seed;
          run.config = {{"base_model", spec.base_model}, {"task", spec.task},
                        {"method", method_section},      {"evaluation", spec.evaluation},
                        {"spectral", spec.spectral},     {"seed", seed}};
          if (posthoc) {
            for (const RunConfig* p : parents) run.parents.push_back(p->key);
            run.config["parents"] = run.parents;
          } else {
            run.config["training"] = training;
          }
          run.key = run_key(run.config);
          runs_of_entry[e].push_back(runs.size());
          runs.push_back(std::move(run));
        };
        if (!posthoc) {
          for (int64_t seed : spec.seeds) add(seed, {}, "");
          continue;
        }
        // Parents are copied out first: `add` grows `runs`.
        std::vector<RunConfig> parent_runs;
        std::string of_label;
        for (size_t j : of) {
          for (size_t r : runs_of_entry[j]) {
            // A cell two named entries share (the same config) is one parent.
            const bool seen = std::any_of(parent_runs.begin(), parent_runs.end(),
                                          [&](const RunConfig& p) { return p.key == runs[r].key; });
            if (!seen) parent_runs.push_back(runs[r]);
          }
          of_label += (of_label.empty() ? "" : " + ") + entry_label(j);
        }
        if (info->parents == ParentGrouping::kEachRun) {
          for (const RunConfig& p : parent_runs) add(p.seed, {&p}, "(" + p.variant + ")");
        } else {
          for (int64_t seed : spec.seeds) {
            std::vector<const RunConfig*> same_seed;
            for (const RunConfig& p : parent_runs) {
              if (p.seed == seed) same_seed.push_back(&p);
            }
            add(seed, same_seed, of_label);
          }
        }
      }
    }
  }
  return runs;
}

}  // namespace tb

namespace tb {

size_t drop_duplicate_runs(std::vector<RunConfig>& runs) {
  std::unordered_set<std::string> seen;
  const auto end = std::remove_if(
      runs.begin(), runs.end(), [&](const RunConfig& run) { return !seen.insert(run.key).second; });
  const size_t dropped = size_t(runs.end() - end);
  runs.erase(end, runs.end());
  return dropped;
}

}  // namespace tb
