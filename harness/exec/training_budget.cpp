#include "harness/exec/training_budget.h"

#include <torch/torch.h>

#include "harness/exec/method_preparation.h"
#include "harness/exec/run_evaluation.h"
#include "harness/model/llama_config.h"
#include "harness/model/model_io.h"
#include "harness/train/optimizer_state.h"
#include "harness/train/base_model_source.h"

namespace tb {

TrainingBudget training_budget(const nlohmann::json& config,
                               const std::filesystem::path& models_dir) {
  TrainingBudget budget;
  torch::manual_seed(config.at("seed").get<uint64_t>());
  budget.base_model_pretrained = base_model_ready(models_dir, config.at("base_model"));
  // The worker loads the base model, then the copy it tunes: two draws of initial weights.
  auto load = [&] {
    return budget.base_model_pretrained
               ? load_base_model(models_dir, config.at("base_model"))
               : LlamaForCausalLM(
                     LlamaConfig::from_json(config.at("base_model").at("architecture")));
  };
  load();
  LlamaForCausalLM tuned = load();
  const ModelText text(config.at("base_model"));
  const TaskData data = task_data_of(config, text);
  const PreparedMethod prepared = prepare_method(config, tuned, data, text.tokenizer());
  budget.trainable_params = element_count(prepared.params);
  const auto optimizer = prepared.method->make_optimizer(prepared.params, prepared.options);
  if (!prepared.method->zeroth_order()) {  // MeZO's optimiser keeps no state
    for (const torch::Tensor& p : prepared.params) p.mutable_grad() = torch::zeros_like(p);
    optimizer->step();
  }
  budget.optimizer_state_bytes = optimizer_state_bytes(*optimizer);
  return budget;
}

}  // namespace tb
