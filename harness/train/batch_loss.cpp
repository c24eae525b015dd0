#include "harness/train/batch_loss.h"

#include <torch/torch.h>

#include "harness/train/dft_loss.h"
#include "kernels/linear_cross_entropy.h"

namespace tb {

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
