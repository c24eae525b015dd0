// Half Fine-Tuning (Hui et al., "HFT: Half Fine-Tuning for Large Language Models",
// ACL 2025, arXiv 2404.18466), §3: in each transformer block, half of the parameter
// matrices are frozen, chosen at random once per training stage. The rule: in the
// attention, 2 of {q, k, v, o} are frozen; in the MLP, 2 of {gate, up, down} are frozen
// in a randomly chosen half of the blocks (floor(L/2) of them) and 1 of 3 in the
// others. The draw uses the run's seed. Choice (the paper does not say): everything
// outside the block matrices (embeddings, norms, lm_head) stays frozen, so the trained
// parameters are exactly the selected projections. Nothing to merge.
#include "methods/hft.h"

#include "methods/registry.h"

namespace tb {
namespace {

// k distinct indices of {0..n-1}, drawn with LibTorch's global generator.
std::vector<int64_t> draw(int64_t n, int64_t k) {
  const auto perm = torch::randperm(n, torch::kInt64);
  return std::vector<int64_t>(perm.data_ptr<int64_t>(), perm.data_ptr<int64_t>() + k);
}

}  // namespace

std::vector<torch::Tensor> HalfFineTuning::prepare(LlamaForCausalLM& model, const MethodContext&) {
  freeze_all(*model);
  trained_.clear();
  const int64_t layers = model->config.num_hidden_layers;
  std::vector<bool> mlp_half(size_t(layers), false);
  for (int64_t layer : draw(layers, layers / 2)) mlp_half[size_t(layer)] = true;
  std::vector<torch::Tensor> params;
  for (int64_t i = 0; i < layers; ++i) {
    auto& block = model->model->blocks[size_t(i)];
    const std::string prefix = "model.layers." + std::to_string(i) + ".";
    const std::vector<std::pair<std::string, AdaptedLinear>> attention = {
        {"self_attn.q_proj", block->self_attn->q_proj},
        {"self_attn.k_proj", block->self_attn->k_proj},
        {"self_attn.v_proj", block->self_attn->v_proj},
        {"self_attn.o_proj", block->self_attn->o_proj}};
    const std::vector<std::pair<std::string, AdaptedLinear>> mlp = {
        {"mlp.gate_proj", block->mlp->gate_proj},
        {"mlp.up_proj", block->mlp->up_proj},
        {"mlp.down_proj", block->mlp->down_proj}};
    // Train the matrices not frozen: 2 of 4 in the attention; 1 or 2 of 3 in the MLP.
    auto train_some = [&](const std::vector<std::pair<std::string, AdaptedLinear>>& group,
                          int64_t trained) {
      for (int64_t j : draw(int64_t(group.size()), trained)) {
        const auto& [name, proj] = group[size_t(j)];
        proj->weight.set_requires_grad(true);
        params.push_back(proj->weight);
        trained_.insert(prefix + name);
      }
    };
    train_some(attention, 2);
    train_some(mlp, mlp_half[size_t(i)] ? 1 : 2);
  }
  return params;
}

MethodInfo hft_info() {
  return {"hft",
          "Half Fine-Tuning (Hui et al. 2025): half of each block's matrices frozen, drawn with "
          "the seed",
          {},
          nullptr,
          [](const nlohmann::json&) -> std::unique_ptr<Method> {
            return std::make_unique<HalfFineTuning>();
          }};
}

}  // namespace tb
