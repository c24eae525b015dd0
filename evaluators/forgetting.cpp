// Forgetting as the change in next-token cross-entropy on held-out text of the base
// model's pretraining distribution (the measure of Kalajdzievski, "Scaling Laws for
// Forgetting When Fine-Tuning Large Language Models", 2024, §3: forgetting = the increase
// of the pretraining loss). Each sequence is scored by both models; the difference
// tuned - base is paired per sequence and reported as mean ± SE with a t interval.
// Held-out documents are never trained on: the mixture's hash split keeps them apart.
#include "evaluators/forgetting.h"

#include "harness/analysis/stats.h"
#include "harness/data/pretrain_mixture.h"
#include "harness/model/tokenizer.h"
#include "harness/train/pretrain_batches.h"

namespace tb {

EvalOutput Forgetting::evaluate(EvalContext& ctx) {
  const std::string suite = "forgetting";
  Rng rng(0x5eed0f0f ^ ctx.pretraining->seed);  // the same sequences for every run of a base model
  const auto batch = make_pretrain_batch(rng, ctx.pretraining->mixture, Split::kHeldOut, options_.sequences,
                                         options_.seq_len);
  EvalOutput out;
  std::vector<double> ce[2];
  for (int m = 0; m < 2; ++m) {
    LlamaForCausalLM& model = m == 0 ? ctx.base : ctx.tuned;
    const std::string name = m == 0 ? "base" : "tuned";
    model->eval();
    torch::NoGradGuard no_grad;
    const auto logits = model->forward(batch.input_ids).to(torch::kFloat32);  // (N, T, V)
    const auto token_ce = torch::nn::functional::cross_entropy(
        logits.reshape({-1, logits.size(-1)}), batch.labels.reshape({-1}),
        torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kNone));
    const auto per_sequence = token_ce.view({options_.sequences, options_.seq_len}).mean(1);
    for (int64_t i = 0; i < options_.sequences; ++i) {
      ce[m].push_back(per_sequence[i].item<double>());
      out.items.push_back({suite, name, "seq-" + std::to_string(i), ce[m].back(), -ce[m].back() * double(options_.seq_len), {}});
    }
    out.aggregates.push_back(make_aggregate(suite, name, "held_out_ce", mean_estimate(ce[m])));
  }
  std::vector<double> diff;
  for (size_t i = 0; i < ce[0].size(); ++i) diff.push_back(ce[1][i] - ce[0][i]);
  out.aggregates.push_back(make_aggregate(suite, "delta", "held_out_ce", mean_estimate(diff)));
  return out;
}

}  // namespace tb
