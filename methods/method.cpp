#include "methods/method.h"

namespace tb {

std::unique_ptr<torch::optim::Optimizer> Method::make_optimizer(const std::vector<torch::Tensor>& params,
                                                                const TrainingOptions& o) {
  return std::make_unique<torch::optim::AdamW>(
      params, torch::optim::AdamWOptions(o.lr).betas({0.9, 0.999}).eps(1e-8).weight_decay(o.weight_decay));
}

void freeze_all(torch::nn::Module& model) {
  for (auto& p : model.parameters()) p.set_requires_grad(false);
}

void merge_all_projections(LlamaForCausalLM& model) {
  for (auto& [name, proj] : model->projections()) proj->merge_adapters();
}

}  // namespace tb
