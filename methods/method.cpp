#include "methods/method.h"

#include "harness/train/trainer.h"
#include "methods/target_modules.h"

namespace tb {

std::unique_ptr<torch::optim::Optimizer> Method::make_optimizer(
    const std::vector<torch::Tensor>& params, const TrainingOptions& o) {
  return std::make_unique<torch::optim::AdamW>(params, adamw_options(o));
}

void freeze_all(torch::nn::Module& model) {
  for (auto& p : model.parameters()) p.set_requires_grad(false);
}

std::vector<torch::Tensor> attach_adapters(
    LlamaForCausalLM& model, const std::vector<std::string>& target_modules,
    const std::string& name,
    const std::function<std::shared_ptr<LinearAdapter>(const std::string& name, AdaptedLinear&)>&
        make) {
  freeze_all(*model);
  const auto targets = selected_names(target_modules, model->config);
  std::vector<torch::Tensor> params;
  torch::NoGradGuard no_grad;  // initialisation only
  for (auto& [projection_name, proj] : model->projections()) {
    if (targets.count(projection_name) == 0) continue;
    auto adapter = make(projection_name, proj);
    proj->add_adapter(name, adapter);
    for (const auto& p : adapter->parameters()) params.push_back(p);
  }
  return params;
}

void merge_all_projections(LlamaForCausalLM& model) {
  for (auto& [name, proj] : model->projections()) proj->merge_adapters();
}

}  // namespace tb
