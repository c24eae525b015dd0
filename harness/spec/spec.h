// An experiment spec: the JSON file a researcher writes, validated in full before
// anything is written. See experiments/quickstart.json for the shape.
#pragma once
#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "harness/spec/schema.h"

namespace tb {

struct MethodEntry {
  nlohmann::json values;           // {"method": name, hyperparameters (defaults filled), training overrides}
  std::string id;                  // the entry's optional "id", by which post-hoc entries name it
  std::string label;               // the entry's optional "label" for its variants ("" = a default)
  // "trainable_params": a budget the run command resolves to the method's budget_knob
  // (rank or density) before the grid is expanded (exec/budget_resolution.h); 0 = none.
  int64_t trainable_params = 0;
  std::vector<size_t> of;          // post-hoc entries: the indices of their parent entries
};

// The longest sweep name a spec may give (the rule is in spec.cpp, parse_sweep_name).
inline constexpr size_t kMaxSweepNameLength = 100;

struct Spec {
  std::string file;  // as given, for messages
  std::string name;
  nlohmann::json base_model;  // {"architecture", "pretraining", "mixture_version"}, defaults filled
  nlohmann::json task;        // {"name": ..., options...}, defaults filled; with stages the last stage's
  nlohmann::json stages = nlohmann::json::array();  // [{"task", "steps"?, "lr_scale"?}]; empty: one task
  nlohmann::json training;    // defaults filled
  std::vector<MethodEntry> methods;
  std::vector<int64_t> seeds;
  nlohmann::json evaluation;  // {suite name: options}
  // Evaluation during training (harness/spec/evaluation_section.h); null: none.
  nlohmann::json evaluation_during;
  nlohmann::json spectral;    // {"enabled", "intruder_k", "intruder_epsilon"}, defaults filled
  nlohmann::json fits = nlohmann::json::array();  // scaling-law fits run when the sweep ends
  int64_t threads = 1;        // intra-op threads per worker process (not part of run keys)
  nlohmann::json execution;   // threads, workers, limits, retries, checkpoints; defaults filled (not part of run keys)
  nlohmann::json document;    // the JSON after overrides, as recorded with the sweep
};

// Reads, applies `key=value` overrides, validates. Throws UserError naming the file,
// the JSON path and what was expected.
Spec load_spec(const std::filesystem::path& file, const std::vector<std::string>& overrides = {});

// Validates an already parsed document; `file` labels messages.
Spec parse_spec(const nlohmann::json& document, const std::string& file);

// Every schema a spec's sections are validated against, named by where it applies
// ("training", "methods[] (lora)", "evaluation.forgetting"): for contract tests.
std::vector<std::pair<std::string, const Schema*>> spec_schemas();

}  // namespace tb
