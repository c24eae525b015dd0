#include "harness/spec/grid.h"

#include <algorithm>
#include <map>
#include <unordered_set>

#include "harness/common/check.h"
#include "harness/common/sha256.h"
#include "harness/spec/evaluation_section.h"
#include "harness/spec/variant_labels.h"
#include "harness/train/training_options.h"
#include "methods/registry.h"

namespace tb {
namespace {

// A list naming every allowed choice reads "all" (e.g. LoRA on every projection).
std::string variant_value(const nlohmann::json& v, const Schema& schema, const std::string& key) {
  const auto field = std::find_if(schema.begin(), schema.end(), [&](const Field& f) { return f.name == key; });
  if (field != schema.end() && field->type == FieldType::kStringList && !field->choices.empty() && v.is_array()) {
    const bool all = std::all_of(field->choices.begin(), field->choices.end(), [&](const std::string& c) {
      return std::find(v.begin(), v.end(), c) != v.end();
    });
    if (all) return "all";
  }
  return setting_text(v);
}

// What tells a trained variant apart: its hyperparameters and its sweepable training options.
VariantSettings settings_of(size_t entry, const std::string& method, const nlohmann::json& method_section,
                            const nlohmann::json& training, const Schema& schema) {
  VariantSettings out{entry, method, {}};
  for (const auto& [key, value] : method_section.items()) {
    if (key != "name" && key != "revision") out.values[key] = variant_value(value, schema, key);
  }
  for (const Field& f : training_schema()) {
    if (f.sweepable) out.values[f.name] = variant_value(training.value(f.name, f.default_value), schema, f.name);
  }
  return out;
}

// Gives runs[first..] their labels (variant_labels.h), settings[i] being run i's; a post-hoc
// run's variant holds " of <parents>" until then, which its label keeps. UserError when two
// variants would share a label (entries labelled alike).
void label_runs(std::vector<RunConfig>& runs, size_t first, const std::vector<VariantSettings>& all_settings,
                const Spec& spec) {
  std::vector<std::string> entry_labels;
  for (const MethodEntry& m : spec.methods) entry_labels.push_back(m.label);
  const std::vector<VariantSettings> settings(all_settings.begin() + long(first), all_settings.end());
  std::vector<std::string> labels = variant_labels(settings, entry_labels);
  std::map<std::string, const VariantSettings*> settings_of_label;
  for (size_t i = 0; i < labels.size(); ++i) {
    labels[i] += runs[first + i].variant;
    runs[first + i].variant = labels[i];
    const auto [it, added] = settings_of_label.emplace(labels[i], &settings[i]);
    if (!added && (it->second->values != settings[i].values || it->second->method != settings[i].method)) {
      throw UserError(spec.file + ": methods[" + std::to_string(settings[i].entry) + "]: its variant label \"" +
                      labels[i] + "\" also names a different variant of methods[" + std::to_string(it->second->entry) +
                      "]; give the entries different \"label\"s");
    }
  }
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

nlohmann::json content_identity(const nlohmann::json& j) {
  if (j.is_object() && j.size() == 2 && j.contains("path") && j.contains("sha256")) {
    return "sha256:" + j.at("sha256").get<std::string>();
  }
  if (!j.is_structured()) return j;
  nlohmann::json out = j;
  for (auto& [key, value] : out.items()) value = content_identity(value);
  return out;
}

std::string run_key(const nlohmann::json& config) {
  return sha256_hex(content_identity(config).dump()).substr(0, 16);
}

std::string base_model_key(const nlohmann::json& base_model) {
  return sha256_hex(content_identity(base_model).dump()).substr(0, 16);
}

std::vector<RunConfig> expand_grid(const Spec& spec) {
  std::vector<RunConfig> runs;
  std::vector<std::vector<size_t>> runs_of_entry(spec.methods.size());  // indices into `runs`
  std::vector<VariantSettings> settings;                                // of each run, in order
  auto entry_label = [&](size_t j) {
    return spec.methods[j].id.empty() ? spec.methods[j].values.at("method").get<std::string>() : spec.methods[j].id;
  };
  for (bool posthoc : {false, true}) {
    if (posthoc) label_runs(runs, 0, settings, spec);  // post-hoc labels name their parents'
    const size_t first = runs.size();
    for (size_t e = 0; e < spec.methods.size(); ++e) {
      const nlohmann::json& entry = spec.methods[e].values;
      const std::vector<size_t>& of = spec.methods[e].of;
      const std::string method = entry.at("method").get<std::string>();
      const MethodInfo* info = find_method(method);
      if (info->posthoc() != posthoc) continue;
      const Schema entry_schema = method_entry_schema(method);
      for (const auto& combo : expand_sweeps(entry, entry_schema)) {
        nlohmann::json method_section = {{"name", method}};
        if (info->revision > 0) method_section["revision"] = info->revision;
        // The budget the knob was resolved from (exec/budget_resolution.h) stays on record.
        if (spec.methods[e].trainable_params > 0) method_section["trainable_params"] = spec.methods[e].trainable_params;
        nlohmann::json training = spec.training;
        for (const auto& [key, value] : combo.items()) {
          if (key == "method") continue;
          const bool is_hyperparameter = std::any_of(
              info->hyperparameters.begin(), info->hyperparameters.end(),
              [&](const Field& f) { return f.name == key; });
          (is_hyperparameter ? method_section : training)[key] = value;
        }
        const VariantSettings variant_settings = settings_of(e, method, method_section, training, entry_schema);
        for (const std::string& key : training_keys_omitted_at_default()) {
          const auto field = std::find_if(training_schema().begin(), training_schema().end(),
                                          [&](const Field& f) { return f.name == key; });
          if (training.contains(key) && training.at(key) == field->default_value) training.erase(key);
        }
        auto add = [&](int64_t seed, const std::vector<const RunConfig*>& parents, const std::string& of_label) {
          RunConfig run;
          run.method = method;
          run.variant = of_label.empty() ? "" : " of " + of_label;  // the label's head comes in label_runs
          run.seed = seed;
          run.config = {{"base_model", spec.base_model}, {"task", spec.task},
                        {"method", method_section},      {"evaluation", spec.evaluation},
                        {"spectral", spec.spectral},     {"seed", seed}};
          if (!spec.stages.empty()) run.config["stages"] = spec.stages;
          if (posthoc) {
            for (const RunConfig* p : parents) run.parents.push_back(p->key);
            run.config["parents"] = run.parents;
          } else {
            run.config["training"] = training;
            const auto during = evaluation_during_for_run(spec.evaluation_during, training.at("steps").get<int64_t>());
            if (!during.is_null()) run.config["evaluation_during"] = during;
          }
          run.key = run_key(run.config);
          runs_of_entry[e].push_back(runs.size());
          runs.push_back(std::move(run));
          settings.push_back(variant_settings);
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
    if (posthoc) label_runs(runs, first, settings, spec);
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
