// Name -> method, as used in specs and in the store. Free of LibTorch so that spec
// validation can check hyperparameters without pulling in the model.
#pragma once
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "harness/model/llama_config.h"
#include "harness/spec/schema.h"

namespace tb {

class Method;         // methods/method.h
class PosthocMethod;  // methods/posthoc.h

// How a post-hoc method's cells take their parents from the entries it names in "of".
enum class ParentGrouping {
  kNone,     // a trained method: no parents
  kEachRun,  // one cell per parent run (LiNeS of each tuned model)
  kPerSeed,  // one cell per seed, over every run of the named entries with that seed (soups)
};

struct MethodInfo {
  std::string name;
  std::string summary;
  Schema hyperparameters;
  // Rules that need the model shape (e.g. rank <= min(in, out)); may be null.
  void (*check)(const nlohmann::json& hyperparameters, const LlamaConfig& model,
                const JsonLocation& where);
  std::unique_ptr<Method> (*make)(const nlohmann::json& hyperparameters);
  // Post-hoc methods train nothing: `make` is null and these say how they combine runs.
  std::unique_ptr<PosthocMethod> (*make_posthoc)(const nlohmann::json& hyperparameters) = nullptr;
  ParentGrouping parents = ParentGrouping::kNone;
  int64_t min_parents = 0;  // per cell
  // False for a method whose merged model has parameters the base model lacks (prompt
  // tuning's embeddings, the biases SSF and BitFit add): its runs cannot be parents of
  // weight-space methods, which combine parameters with the base model's, and in a spec with
  // stages they continue between stages (training.between_stages "continue").
  bool keeps_base_parameters = true;
  // Validation items of the task a cell with these hyperparameters needs (greedy soups);
  // null: none. Lets spec validation check that the task has that many.
  int64_t (*validation_items)(const nlohmann::json& hyperparameters) = nullptr;
  // Raised when a fix changes what the method computes for the same hyperparameters. A
  // revision above 0 is part of every run config ("revision" in its method section), so a
  // sweep never reuses the results of an earlier revision as if they were current.
  int64_t revision = 0;
  // The hyperparameter that sizes what the method trains ("rank", "density"), which a
  // method entry may give as a budget instead ("trainable_params": N); null: none.
  const char* budget_knob = nullptr;
  // True for hyperparameters that take rewards from the task's verifier (GRPO, RFT, DPO with
  // pairs built from the task): spec validation refuses them on a task without one. Null: never.
  bool (*needs_verifier)(const nlohmann::json& hyperparameters) = nullptr;

  bool posthoc() const { return make_posthoc != nullptr; }
};

const std::vector<MethodInfo>& all_methods();
const MethodInfo* find_method(const std::string& name);
std::string method_names();  // "full_ft, lora" for messages
std::string budget_method_names();  // the methods with a budget_knob, for messages

}  // namespace tb
