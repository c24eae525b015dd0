#include "harness/train/batch_loss.h"

#include <torch/torch.h>

#include "harness/train/dft_loss.h"
#include "kernels/linear_cross_entropy.h"

namespace tb {

torch::Tensor reduce_token_losses(const std::string& loss, const torch::Tensor& token_losses,
                                  const torch::Tensor& labels) {
  const auto mask = (labels != kIgnoreLabel).to(torch::kFloat32);
  if (loss == "dft") return ((-token_losses).exp().detach() * token_losses * mask).sum() / (mask.sum() + 1e-8);
  TORCH_CHECK(loss == "ce", "unknown training loss ", loss);
  return (token_losses * mask).sum() / mask.sum();  // 0/0 = NaN when nothing counts, as cross_entropy gives
}

torch::Tensor batch_loss(LlamaForCausalLM& model, const Batch& batch, const TrainingOptions& o) {
  const torch::Tensor labels = batch.labels.to(model->device());
  const torch::Tensor head = o.vocabulary_chunk > 0 ? model->plain_head_weight() : torch::Tensor();
  if (!head.defined()) return training_loss(o.loss, model->forward(batch.input_ids, nullptr, batch.position_ids), labels);
  const torch::Tensor hidden = model->model->forward(batch.input_ids, nullptr, batch.position_ids);
  const torch::Tensor flat_labels = labels.reshape({-1});
  // The head's product in the run's precision, as autocast would run lm_head.
  const auto flat_hidden = hidden.reshape({-1, hidden.size(-1)}).to(model->model->compute_dtype);
  const auto token_losses = kernels::linear_cross_entropy(flat_hidden, head, flat_labels, o.vocabulary_chunk);
  return reduce_token_losses(o.loss, token_losses, flat_labels);
}

}  // namespace tb
