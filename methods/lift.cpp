// LIFT (Liu et al., "LIFT the Veil for the Truth: Principal Weights Emerge after Rank
// Reduction for Reasoning-Focused Supervised Fine-Tuning", ICML 2025), §3: for each
// target weight, W_r' = U[:, :r'] diag(S[:r']) V[:, :r']^T (float32 SVD), and only the
// k = min((out + in) * rank, out * in) entries of largest |W_r'| (the principal
// weights; the same budget as rank-`rank` LoRA) are trained. Every update_interval
// updates (after update t with t % interval == 0, t < T) the mask is recomputed from
// the current weights; Adam moments carry over for positions in both masks and start
// at 0 for new ones, and the step count is not reset (the reference's sparseAdam).
// Choices: the mask takes the *largest* magnitudes as the paper says (the released
// configs' mask_type selects the smallest by a code slip); the trained entries are kept
// as a sparse delta (W0 + scatter(η, φ), folded into W0 at each refresh), so the
// optimiser state is O(k); weight decay is 0 as in the reference, whose decay line has
// no effect; embeddings, norms and lm_head are frozen.
#include "methods/lift.h"

#include "harness/train/optimizer_state.h"
#include "harness/train/trainer.h"
#include "methods/registry.h"
#include "methods/target_modules.h"

namespace tb {

torch::Tensor Lift::principal_positions(const torch::Tensor& weight, int64_t filter_rank,
                                        int64_t k) {
  const auto [U, S, Vh] =
      torch::linalg_svd(weight.detach().to(torch::kFloat32), /*full_matrices=*/false);
  const auto low_rank =
      torch::mm(U.narrow(1, 0, filter_rank) * S.narrow(0, 0, filter_rank).unsqueeze(0),
                Vh.narrow(0, 0, filter_rank));
  return std::get<0>(std::get<1>(low_rank.abs().reshape({-1}).topk(k)).sort());
}

std::vector<torch::Tensor> Lift::prepare(LlamaForCausalLM& model, const MethodContext& context) {
  total_steps_ = context.total_steps;
  targets_.clear();
  deltas_.clear();
  refreshes_ = 0;
  return attach_adapters(model, options_.target_modules, "lift",
                         [&](const std::string& name, AdaptedLinear& proj) {
                           const int64_t out = proj->out_features, in = proj->in_features;
                           const int64_t k = std::min((out + in) * options_.rank, out * in);
                           auto delta = std::make_shared<SparseDelta>(
                               principal_positions(proj->weight, options_.filter_rank, k));
                           targets_.emplace_back(proj, delta);
                           deltas_.push_back(delta);
                           return delta;
                         });
}

std::unique_ptr<torch::optim::Optimizer> Lift::make_optimizer(
    const std::vector<torch::Tensor>& params, const TrainingOptions& o) {
  return std::make_unique<torch::optim::AdamW>(params, adamw_options(o).weight_decay(0));
}

void Lift::after_step(int64_t step, torch::optim::Optimizer& optimizer) {
  const int64_t t = step + 1;
  if (t % options_.update_interval != 0 || t >= total_steps_) return;
  torch::NoGradGuard no_grad;
  ++refreshes_;
  for (auto& [proj, delta] : targets_) {
    const int64_t numel = proj->weight.numel();
    proj->weight.view({-1}).index_add_(0, delta->indices, delta->values);  // fold: W = W0 + φ at η
    const auto fresh =
        principal_positions(proj->weight, options_.filter_rank, delta->indices.size(0));
    // Moments move with their positions: scatter at the old mask, gather at the new.
    if (auto* state = adamw_state(optimizer, delta->values)) {
      for (torch::Tensor* moment : {&state->exp_avg(), &state->exp_avg_sq()}) {
        auto dense = torch::zeros({numel}, moment->options());
        dense.index_put_({delta->indices}, *moment);
        moment->copy_(dense.index_select(0, fresh));
      }
    }
    delta->indices.copy_(fresh);
    delta->values.zero_();
  }
}

MethodInfo lift_info() {
  return {
      "lift",
      "LIFT (Liu et al. 2025): only the largest entries of the rank-reduced weight trained, mask "
      "refreshed",
      {
          {.name = "rank",
           .type = FieldType::kInt,
           .default_value = 8,
           .min = 1,
           .max = 16384,  // the largest hidden_size
           .sweepable = true,
           .help = "budget: (out + in) * rank trainable entries per matrix, as rank-`rank` LoRA"},
          {.name = "filter_rank",
           .type = FieldType::kInt,
           .default_value = 32,
           .min = 1,
           .max = 16384,
           .sweepable = true,
           .help = "rank of the approximation the principal weights are chosen on"},
          {.name = "update_interval",
           .type = FieldType::kInt,
           .default_value = 100,
           .min = 1,
           .max = kMaxSteps,
           .sweepable = true},
          {.name = "target_modules",
           .type = FieldType::kStringList,
           .default_value = nlohmann::json(kProjectionLeaves),
           .sweepable = true,
           .help = kTargetModulesHelp},
      },
      [](const nlohmann::json& hp, const LlamaConfig& model, const JsonLocation& where) {
        const int64_t filter_rank = hp.at("filter_rank").get<int64_t>();
        for (const auto& t : check_target_modules(hp, model, where)) {
          if (filter_rank > std::min(t.out, t.in)) {
            where.key("filter_rank")
                .fail("filter_rank " + std::to_string(filter_rank) + " exceeds min(out, in) = " +
                      std::to_string(std::min(t.out, t.in)) + " of " + t.name);
          }
        }
      },
      [](const nlohmann::json& hp) -> std::unique_ptr<Method> {
        LiftOptions o;
        o.rank = hp.at("rank").get<int64_t>();
        o.filter_rank = hp.at("filter_rank").get<int64_t>();
        o.update_interval = hp.at("update_interval").get<int64_t>();
        o.target_modules = hp.at("target_modules").get<std::vector<std::string>>();
        return std::make_unique<Lift>(o);
      }};
}

}  // namespace tb
