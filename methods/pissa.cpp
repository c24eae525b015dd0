// PiSSA (Meng et al., "PiSSA: Principal Singular Values and Singular Vectors Adaptation
// of Large Language Models", NeurIPS 2024), eqs. (2)-(5): W = U S V^T in float32, keep
// the top r triplets, A = diag(sqrt(S_r / s)) V_r^T, B = U_r diag(sqrt(S_r / s)), and
// the frozen residual W_res = W - s B A = W - U_r S_r V_r^T (PEFT's pissa_init, which
// divides by the scale s so that any alpha starts from the same model). The exact SVD
// is used (PEFT's "pissa" option, not the "pissa_niter_k" randomised variant). The
// starting model equals the base model up to float rounding of W_res + s B A.
#include "methods/pissa.h"

#include <cmath>

#include "methods/registry.h"

namespace tb {

namespace {

// The initial factors of W: A0 = diag(sqrt(S_r / s)) V_r^T, B0 = U_r diag(sqrt(S_r / s)).
std::pair<torch::Tensor, torch::Tensor> pissa_factors(const torch::Tensor& weight, int64_t r, double scale) {
  const auto [U, S, Vh] = torch::linalg_svd(weight.to(torch::kFloat32), /*full_matrices=*/false);
  const auto root = (S.narrow(0, 0, r) / scale).sqrt();  // (r)
  return {root.unsqueeze(1) * Vh.narrow(0, 0, r), U.narrow(1, 0, r) * root.unsqueeze(0)};
}

}  // namespace

std::vector<torch::Tensor> Pissa::prepare(LlamaForCausalLM& model, const MethodContext&) {
  const int64_t r = options_.rank;
  const double scale = lora_scale(options_.alpha, r, options_.use_rslora);
  return attach_adapters(
      model, options_.target_modules, "pissa", [&](const std::string& name, AdaptedLinear& proj) {
        auto adapter = std::make_shared<LoraAdapter>(proj->in_features, proj->out_features, r,
                                                     scale, options_.dropout);
        const auto [A0, B0] = pissa_factors(proj->weight, r, scale);
        adapter->A.copy_(A0);
        adapter->B.copy_(B0);
        proj->weight.sub_(adapter->update());
        return adapter;
      });
}

std::optional<PeftAdapter> Pissa::peft_adapter(LlamaForCausalLM& tuned, LlamaForCausalLM& base) {
  PeftAdapter out = lora_peft_adapter(tuned, options_);
  const double scale = lora_scale(options_.alpha, options_.rank, options_.use_rslora);
  torch::NoGradGuard no_grad;
  for (auto& [name, proj] : base->projections()) {
    const std::string key = "base_model.model." + name;
    if (!out.tensors.count(key + ".lora_A.weight")) continue;
    const auto [A0, B0] = pissa_factors(proj->weight, options_.rank, scale);
    auto& A = out.tensors[key + ".lora_A.weight"];
    auto& B = out.tensors[key + ".lora_B.weight"];
    A = torch::cat({A, A0}, 0);
    B = torch::cat({B, -B0}, 1);
  }
  out.config["r"] = 2 * options_.rank;
  out.config["lora_alpha"] = out.config["lora_alpha"].get<double>() * (options_.use_rslora ? std::sqrt(2.0) : 2.0);
  return out;
}

MethodInfo pissa_info() {
  return {"pissa",
          "PiSSA (Meng et al. 2024): LoRA initialised from the top-r singular triplets, residual "
          "frozen",
          lora_family_schema(false), &check_lora_family,
          [](const nlohmann::json& hp) -> std::unique_ptr<Method> {
            return std::make_unique<Pissa>(lora_options_from(hp));
          }};
}

}  // namespace tb
