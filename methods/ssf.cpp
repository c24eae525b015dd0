// SSF (Lian et al., "Scaling & Shifting Your Features: A New Baseline for Efficient
// Model Tuning", NeurIPS 2022), eq. (2): y = γ ⊙ x + β per channel, γ ~ N(1, σ),
// β ~ N(0, σ) with σ = 0.02 as the reference code, backbone frozen. The reference puts
// SSF after every linear layer (qkv, attention projection, fc1 before the activation,
// fc2) and after every norm. Here: after every projection (q, k, v, o, gate, up, down),
// after both norms of each block, and after the final norm with a scale only: its shift
// would need a bias on lm_head, which Llama checkpoints do not have, and SSF must fold
// into a plain model (§3.3, eq. (4)): W' = diag(γ) W, b' = γ ⊙ b + β. Shifts after a
// norm fold into the biases of the projections that read it (b += W β), so the merged
// model has biases on every projection (attention_bias and mlp_bias set). With
// init_std 0 the tuned model starts exactly at the base model.
#include "methods/ssf.h"

#include "methods/registry.h"

namespace tb {

ScaleShift::ScaleShift(int64_t dim, double init_std, bool with_shift) {
  gamma = register_parameter("gamma", torch::empty({dim}).normal_(1.0, init_std));
  if (with_shift) beta = register_parameter("beta", torch::empty({dim}).normal_(0.0, init_std));
}

torch::Tensor ScaleShift::adapt(const torch::Tensor&, const torch::Tensor& y) {
  return beta.defined() ? y * gamma + beta : y * gamma;
}

void ScaleShift::merge_into(torch::Tensor& weight, torch::Tensor& bias) {
  weight.mul_(gamma.unsqueeze(1));
  if (bias.defined()) bias.mul_(gamma);
  if (beta.defined()) {
    TORCH_CHECK(bias.defined(), "ssf: merging a shift needs a bias");
    bias.add_(beta);
  }
}

std::vector<torch::Tensor> Ssf::prepare(LlamaForCausalLM& model, const MethodContext&) {
  freeze_all(*model);
  std::vector<torch::Tensor> params;
  auto add = [&](auto& module, bool with_shift) {
    auto ssf = std::make_shared<ScaleShift>(module->weight.size(0), init_std_, with_shift);
    module->add_adapter("ssf", ssf);
    params.push_back(ssf->gamma);
    if (with_shift) params.push_back(ssf->beta);
    return ssf;
  };
  norms_.clear();
  for (auto& block : model->model->blocks) {
    auto& attn = block->self_attn;
    auto& mlp = block->mlp;
    norms_.push_back({block->input_layernorm,
                      add(block->input_layernorm, true),
                      {attn->q_proj, attn->k_proj, attn->v_proj}});
    for (auto* proj : {&attn->q_proj, &attn->k_proj, &attn->v_proj, &attn->o_proj})
      add(*proj, true);
    norms_.push_back({block->post_attention_layernorm,
                      add(block->post_attention_layernorm, true),
                      {mlp->gate_proj, mlp->up_proj}});
    for (auto* proj : {&mlp->gate_proj, &mlp->up_proj, &mlp->down_proj}) add(*proj, true);
  }
  norms_.push_back({model->model->norm, add(model->model->norm, false), {}});
  return params;
}

void Ssf::merge(LlamaForCausalLM& model) {
  torch::NoGradGuard no_grad;
  model->add_biases();
  // A norm's shift reaches its readers before their own scale and shift:
  // γ_p ⊙ (W (n + β_n) + b) + β_p, so b += W β_n comes first.
  for (auto& n : norms_) {
    n.norm->weight.mul_(n.ssf->gamma);
    for (auto& reader : n.readers) reader->bias.add_(torch::mv(reader->weight, n.ssf->beta));
    n.norm->remove_adapters();
  }
  norms_.clear();
  merge_all_projections(model);
}

MethodInfo ssf_info() {
  return {
      "ssf",
      "SSF (Lian et al. 2022): per-channel scale and shift after every projection and norm, folded "
      "after training",
      {{.name = "init_std",
        .type = FieldType::kNumber,
        .default_value = 0.02,
        .min = 0,
        .sweepable = true,
        .help =
            "gamma ~ N(1, init_std), beta ~ N(0, init_std); 0 starts exactly at the base model"}},
      nullptr,
      [](const nlohmann::json& hp) -> std::unique_ptr<Method> {
        return std::make_unique<Ssf>(hp.at("init_std").get<double>());
      },
      /*make_posthoc=*/nullptr,
      ParentGrouping::kNone,
      /*min_parents=*/0,
      /*keeps_base_parameters=*/false};  // its shifts become biases
}

}  // namespace tb
