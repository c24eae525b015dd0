// DoRA (Liu et al., "DoRA: Weight-Decomposed Low-Rank Adaptation", ICML 2024), eq. (5):
// W' = m ⊙ (W0 + B A) / ||W0 + B A||_c, the norm taken per output row (PEFT's
// torch.linalg.norm(W, dim=1)) and detached from the graph as in §4.3. m starts at
// ||W0||_row and B at 0, so the tuned model starts at the base model. As PEFT's
// DoraLinearLayer, the forward pass is
//   y = W0 x + (m/||·|| - 1) ⊙ W0 drop(x) + (m/||·||) ⊙ s B A drop(x),
// with the bias (if any) outside the rescaling (PEFT subtracts it from the base result), so
// Qwen2's q/k/v biases stay as they are, in training and in merging. A and B are
// initialised as in LoRA.
#include "methods/dora.h"

#include "methods/registry.h"

namespace tb {

namespace F = torch::nn::functional;

DoraAdapter::DoraAdapter(const torch::Tensor& weight, const torch::Tensor& bias, int64_t rank, double scale,
                         double dropout)
    : LoraAdapter(weight.size(1), weight.size(0), rank, scale, dropout), weight_(weight), bias_(bias) {
  magnitude = register_parameter("magnitude", weight.detach().norm(2, {1}).clone());
}

torch::Tensor DoraAdapter::adapt(const torch::Tensor& x, const torch::Tensor& y) {
  const auto norm = (weight_ + update()).norm(2, {1}).detach();  // (out)
  const auto magnitude_scale = magnitude / norm;
  const auto h = dropped(x);
  // Without dropout W0 x is already in y (after the bias); with it, W0 is applied to the
  // dropped input.
  const auto base = (dropout > 0 && is_training()) ? F::linear(h, weight_) : bias_.defined() ? y - bias_ : y;
  return y + (magnitude_scale - 1) * base + magnitude_scale * lora_path(h);
}

void DoraAdapter::merge_into(torch::Tensor& weight, torch::Tensor&) {
  const auto merged = weight + update();
  weight.copy_((magnitude / merged.norm(2, {1})).unsqueeze(1) * merged);
}

std::vector<torch::Tensor> Dora::prepare(LlamaForCausalLM& model, const MethodContext&) {
  const double scale = lora_scale(options_.alpha, options_.rank, options_.use_rslora);
  return attach_adapters(
      model, options_.target_modules, "dora", [&](const std::string& name, AdaptedLinear& proj) {
        auto adapter = std::make_shared<DoraAdapter>(proj->weight, proj->bias, options_.rank, scale,
                                                     options_.dropout);
        initialise_lora_a(adapter->A, options_);
        return adapter;
      });
}

MethodInfo dora_info() {
  return {
      "dora",
      "DoRA (Liu et al. 2024): magnitude vector times the row-normalised W0 + s B A, norm detached",
      lora_family_schema(true), &check_lora_family,
      [](const nlohmann::json& hp) -> std::unique_ptr<Method> {
        return std::make_unique<Dora>(lora_options_from(hp));
      }};
}

}  // namespace tb
