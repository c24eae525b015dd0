#include "evaluators/position_loss.h"

#include "evaluators/metric_names.h"
#include "harness/train/pretrain_batches.h"

namespace tb {
namespace {

// (sequences, length) next-token cross-entropy of `model` on batch.
torch::Tensor token_losses(LlamaForCausalLM& model, const Batch& batch) {
  torch::NoGradGuard no_grad;
  model->eval();
  auto log_probs = torch::log_softmax(model->forward(batch.input_ids).to(torch::kFloat32), -1);
  return -log_probs.gather(2, batch.labels.to(log_probs.device()).unsqueeze(2)).squeeze(2).cpu();
}

// Per sequence, the mean loss over positions [lo, hi).
std::vector<double> bucket_means(const torch::Tensor& losses, int64_t lo, int64_t hi) {
  const auto means = losses.narrow(1, lo, hi - lo).mean(1).contiguous();
  return std::vector<double>(means.data_ptr<float>(), means.data_ptr<float>() + means.numel());
}

}  // namespace

void add_position_loss(EvalOutput& out, EvalContext& ctx, const PositionLossOptions& o) {
  if (o.length <= 0) return;
  MixtureWeights weights = ctx.pretraining != nullptr ? ctx.pretraining->mixture : MixtureWeights{};
  weights.long_context_max_tokens = o.length;
  Rng rng(0x9051710aULL);  // the same sequences for every run
  const Batch batch = make_pretrain_batch(rng, weights, Split::kHeldOut, o.sequences, o.length, ctx.tokenizer());
  const torch::Tensor losses[2] = {token_losses(ctx.base, batch), token_losses(ctx.tuned, batch)};
  const std::string suite = "long_context";
  auto add = [&](const std::string& model, const Slices& slices, const std::vector<double>& values) {
    out.aggregates.push_back(make_aggregate(suite, model, sliced_metric_name("position_ce", slices), mean_estimate(values)));
  };
  for (int64_t b = 0; b <= o.buckets; ++b) {  // bucket o.buckets: every position
    const bool all = b == o.buckets;
    const int64_t lo = all ? 0 : b * o.length / o.buckets, hi = all ? o.length : (b + 1) * o.length / o.buckets;
    const Slices slices = all ? Slices{} : Slices{{"position", std::to_string(lo)}};
    const std::vector<double> base = bucket_means(losses[0], lo, hi), tuned = bucket_means(losses[1], lo, hi);
    std::vector<double> delta;
    for (size_t i = 0; i < base.size(); ++i) delta.push_back(tuned[i] - base[i]);
    add("base", slices, base);
    add("tuned", slices, tuned);
    add("delta", slices, delta);
  }
}

}  // namespace tb
