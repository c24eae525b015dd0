// PiSSA (Meng et al., "PiSSA: Principal Singular Values and Singular Vectors Adaptation
// of Large Language Models", NeurIPS 2024), eqs. (2)-(5): W = U S V^T in float32, keep
// the top r triplets, A = diag(sqrt(S_r / s)) V_r^T, B = U_r diag(sqrt(S_r / s)), and
// the frozen residual W_res = W - s B A = W - U_r S_r V_r^T (PEFT's pissa_init, which
// divides by the scale s so that any alpha starts from the same model). The exact SVD
// is used (PEFT's "pissa" option, not the "pissa_niter_k" randomised variant). The
// starting model equals the base model up to float rounding of W_res + s B A.
#include "methods/pissa.h"

#include "methods/registry.h"

namespace tb {

std::vector<torch::Tensor> Pissa::prepare(LlamaForCausalLM& model, const MethodContext&) {
  const int64_t r = options_.rank;
  const double scale = lora_scale(options_.alpha, r, options_.use_rslora);
  return attach_adapters(
      model, options_.target_modules, "pissa", [&](const std::string& name, AdaptedLinear& proj) {
        auto adapter = std::make_shared<LoraAdapter>(proj->in_features, proj->out_features, r,
                                                     scale, options_.dropout);
        const auto [U, S, Vh] =
            torch::linalg_svd(proj->weight.to(torch::kFloat32), /*full_matrices=*/false);
        const auto root = (S.narrow(0, 0, r) / scale).sqrt();  // (r)
        adapter->A.copy_(root.unsqueeze(1) * Vh.narrow(0, 0, r));
        adapter->B.copy_(U.narrow(1, 0, r) * root.unsqueeze(0));
        proj->weight.sub_(adapter->update());
        return adapter;
      });
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
