#include "methods/policy_method.h"

#include <torch/torch.h>

#include <algorithm>

#include "methods/full_ft.h"
#include "methods/lora.h"

namespace tb {

PolicyMethod::PolicyMethod(const nlohmann::json& hp) : parameters_(hp.at("parameters").get<std::string>()) {
  sampling_ = {hp.at("temperature").get<double>(), hp.at("top_p").get<double>(), hp.at("top_k").get<int64_t>(),
               hp.at("max_new_tokens").get<int64_t>()};
  if (parameters_ == "lora") {
    inner_ = std::make_unique<Lora>(lora_options_from(hp));
  } else {
    inner_ = std::make_unique<FullFineTuning>();
  }
}

std::vector<torch::Tensor> PolicyMethod::prepare(LlamaForCausalLM& model, const MethodContext& context) {
  TORCH_CHECK(context.data != nullptr, "on-policy and preference methods need the task's items");
  context_ = context;
  before_prepare(model);
  return inner_->prepare(model, context);
}

Schema policy_schema(Schema own) {
  own.push_back({.name = "temperature", .type = FieldType::kNumber, .default_value = 1.0, .min = 0,
                 .sweepable = true, .help = "sampling temperature (0: greedy)"});
  own.push_back({.name = "top_p", .type = FieldType::kNumber, .default_value = 1.0, .min = 0,
                 .min_exclusive = true, .max = 1, .sweepable = true, .help = "nucleus sampling (1: off)"});
  own.push_back({.name = "top_k", .type = FieldType::kInt, .default_value = 0, .min = 0, .max = 1e6,
                 .sweepable = true, .help = "keep the k most likely tokens (0: off)"});
  own.push_back({.name = "max_new_tokens", .type = FieldType::kInt, .default_value = 16, .min = 1,
                 .max = kMaxTokens, .sweepable = true, .help = "longest sampled completion"});
  own.push_back({.name = "parameters", .type = FieldType::kString, .default_value = "full",
                 .choices = {"full", "lora"}, .sweepable = true,
                 .help = "train every weight, or LoRA adapters (rank, alpha, target_modules apply)"});
  for (const Field& f : lora_family_schema(false)) own.push_back(f);
  return own;
}

void check_policy_hyperparameters(const nlohmann::json& hp, const LlamaConfig& model, const JsonLocation& where) {
  if (hp.at("parameters").get<std::string>() == "lora") check_lora_family(hp, model, where);
}

double masked_mean(const torch::Tensor& values, const torch::Tensor& mask) {
  torch::NoGradGuard no_grad;
  return (values * mask).sum().item<double>() / std::max(mask.sum().item<double>(), 1.0);
}

}  // namespace tb
