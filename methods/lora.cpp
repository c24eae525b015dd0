// LoRA (Hu et al., "LoRA: Low-Rank Adaptation of Large Language Models", ICLR 2022),
// eq. (3): h = W0 x + ΔW x = W0 x + B A x, with the update scaled by alpha / r (§4.1).
// As in PEFT's LoraLayer: A ~ kaiming_uniform(a=sqrt(5)) = U(-1/sqrt(in), 1/sqrt(in)),
// B = 0, so the tuned model starts exactly at the base model; dropout acts on the
// adapter's input only. Merging sets W = W0 + (alpha / r) B A.
#include "methods/lora.h"

#include <algorithm>
#include <cmath>

namespace tb {

LoraAdapter::LoraAdapter(int64_t in, int64_t out, const LoraOptions& o)
    : scale(o.alpha / double(o.rank)), dropout(o.dropout) {
  const double bound = 1.0 / std::sqrt(double(in));
  A = register_parameter("A", torch::empty({o.rank, in}).uniform_(-bound, bound));
  B = register_parameter("B", torch::zeros({out, o.rank}));
}

torch::Tensor LoraAdapter::adapt(const torch::Tensor& x, const torch::Tensor& y) {
  const auto h = (dropout > 0 && is_training()) ? torch::dropout(x, dropout, /*train=*/true) : x;
  return y + scale * torch::nn::functional::linear(torch::nn::functional::linear(h, A), B);
}

void LoraAdapter::merge_into(torch::Tensor& weight) { weight.add_(torch::mm(B, A), scale); }

std::vector<torch::Tensor> Lora::prepare(LlamaForCausalLM& model) {
  freeze_all(*model);
  std::vector<torch::Tensor> params;
  for (auto& [name, proj] : model->projections()) {
    const std::string leaf = name.substr(name.rfind('.') + 1);
    if (std::find(options_.target_modules.begin(), options_.target_modules.end(), leaf) ==
        options_.target_modules.end()) {
      continue;
    }
    auto adapter = std::make_shared<LoraAdapter>(proj->in_features, proj->out_features, options_);
    proj->add_adapter("lora", adapter);
    params.push_back(adapter->A);
    params.push_back(adapter->B);
  }
  return params;
}

void Lora::merge(LlamaForCausalLM& model) {
  for (auto& [name, proj] : model->projections()) proj->merge_adapters();
}

}  // namespace tb
