#include "methods/o_lora.h"

#include <map>

#include "methods/registry.h"

namespace tb {
namespace {

constexpr const char* kAdapterPrefix = "o_lora_";

// The A matrices of the O-LoRA adapters in the model, by projection ("model.layers.0.self_attn.q_proj"), in stage order.
std::map<std::string, std::vector<torch::Tensor>> adapter_a_matrices(LlamaForCausalLM& model) {
  std::map<std::string, std::vector<torch::Tensor>> out;
  const std::string marker = std::string(".") + kAdapterPrefix;
  for (const auto& p : model->named_parameters()) {
    const std::string& name = p.key();
    const size_t at = name.find(marker);
    if (at == std::string::npos || name.size() < 2 || name.compare(name.size() - 2, 2, ".A") != 0) continue;
    out[name.substr(0, at)].push_back(p.value());  // named_parameters keeps registration order
  }
  return out;
}

}  // namespace

torch::Tensor o_lora_overlap(const std::vector<std::pair<torch::Tensor, torch::Tensor>>& old_and_new,
                             double lambda_orth) {
  torch::Tensor total;
  for (const auto& [old_a, new_a] : old_and_new) {
    const torch::Tensor term = torch::mm(old_a, new_a.t()).abs().sum();
    total = total.defined() ? total + term : term;
  }
  return total.defined() ? lambda_orth * total : total;
}

std::vector<torch::Tensor> OLora::prepare(LlamaForCausalLM& model, const MethodContext&) {
  const auto earlier = adapter_a_matrices(model);
  stage_ = earlier.empty() ? 0 : int64_t(earlier.begin()->second.size());
  const std::string name = kAdapterPrefix + std::to_string(stage_);
  const double scale = lora_scale(options_.alpha, options_.rank, options_.use_rslora);
  trained_ = attach_adapters(model, options_.target_modules, name, [&](const std::string&, AdaptedLinear& proj) {
    auto adapter = std::make_shared<LoraAdapter>(proj->in_features, proj->out_features, options_.rank, scale,
                                                 options_.dropout);
    initialise_lora_a(adapter->A, options_);
    return adapter;
  });
  for (auto& [projection, a_matrices] : adapter_a_matrices(model)) {
    const torch::Tensor new_a = a_matrices.back();  // this stage's, registered last
    for (size_t s = 0; s + 1 < a_matrices.size(); ++s) old_and_new_.emplace_back(a_matrices[s], new_a);
  }
  return trained_;
}

torch::Tensor OLora::loss_penalty() {
  torch::Tensor penalty = o_lora_overlap(old_and_new_, lambda_orth_);
  if (lambda_l2_ > 0) {
    torch::Tensor l2 = torch::zeros({}, trained_.front().options());
    for (const auto& p : trained_) l2 = l2 + p.norm();
    penalty = penalty.defined() ? penalty + lambda_l2_ * l2 : lambda_l2_ * l2;
  }
  return penalty;
}

nlohmann::json OLora::details() const {
  torch::NoGradGuard no_grad;
  const torch::Tensor overlap = o_lora_overlap(old_and_new_, 1.0);
  return {{"stage", stage_},
          {"earlier_adapter_pairs", old_and_new_.size()},
          {"overlap", overlap.defined() ? overlap.item<double>() : 0.0}};
}

MethodInfo o_lora_info() {
  Schema schema = lora_family_schema(true);
  schema.push_back({.name = "lambda_orth", .type = FieldType::kNumber, .default_value = 0.5, .min = 0,
                    .sweepable = true,
                    .help = "weight of Σ|A_s A_t^T| between this stage's A and every earlier stage's (the authors' 0.5)"});
  schema.push_back({.name = "lambda_l2", .type = FieldType::kNumber, .default_value = 0.0, .min = 0,
                    .sweepable = true, .help = "weight of ||A_t||_F + ||B_t||_F of this stage's adapter"});
  return {"o_lora",
          "O-LoRA (Wang et al. 2023): a new LoRA per continual stage, earlier ones frozen, with a penalty on the "
          "overlap of the new A with the earlier A",
          schema, &check_lora_family, [](const nlohmann::json& hp) -> std::unique_ptr<Method> {
            return std::make_unique<OLora>(lora_options_from(hp), hp.at("lambda_orth").get<double>(),
                                           hp.at("lambda_l2").get<double>());
          }};
}

}  // namespace tb
